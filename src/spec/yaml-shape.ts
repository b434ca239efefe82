import { isAlias, isMap, isPair, isScalar, isSeq, type Node } from 'yaml';

/** Far beyond any launch spec, and well within what the parser, toJS and the schema can recurse. */
export const MAX_DEPTH = 64;

/**
 * What the schema cannot see or would trip on, found in one walk without recursion: keys given twice
 * in one mapping, aliases with no anchor, and nesting deeper than MAX_DEPTH. `root` is a document's
 * contents, or a node found `rootDepth` levels down.
 */
export function shapeProblems(root: unknown, rootDepth = 0): { offset: number; message: string }[] {
  const problems: { offset: number; message: string }[] = [];
  const anchors = new Set<string>();
  // Two parallel stacks and no per-node arrays: a 50 MB spec has millions of nodes, and garbage is its cost.
  const nodes: unknown[] = [root];
  const depths: number[] = [rootDepth];
  const push = (node: unknown, depth: number): void => {
    if (node) {
      nodes.push(node);
      depths.push(depth);
    }
  };
  // Depth-first in document order, so an anchor is seen before the aliases after it.
  while (nodes.length) {
    const node = nodes.pop();
    const depth = depths.pop()!;
    if (depth > MAX_DEPTH) {
      problems.push({ offset: (node as Node).range?.[0] ?? 0, message: `nested more than ${MAX_DEPTH} levels deep` });
      break;
    }
    if (isScalar(node)) {
      if (node.anchor) anchors.add(node.anchor);
    } else if (isAlias(node)) {
      if (!anchors.has(node.source))
        problems.push({ offset: node.range?.[0] ?? 0, message: `YAML: alias *${node.source} has no anchor &${node.source} before it` });
    } else if (isMap(node)) {
      if (node.anchor) anchors.add(node.anchor);
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (seen.has(key)) problems.push({ offset: pair.key.range?.[0] ?? node.range?.[0] ?? 0, message: `YAML: duplicate key '${key}'` });
        seen.add(key);
      }
      for (let i = node.items.length - 1; i >= 0; i--) {
        push(node.items[i]!.value, depth + 1);
        push(node.items[i]!.key, depth + 1);
      }
    } else if (isSeq(node)) {
      if (node.anchor) anchors.add(node.anchor);
      for (let i = node.items.length - 1; i >= 0; i--) push(node.items[i], depth + 1);
    } else if (isPair(node)) {
      push(node.value, depth + 1);
      push(node.key, depth + 1);
    }
  }
  return problems;
}
