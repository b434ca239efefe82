import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { specSchema, type Launch } from './schema';
import { SpecError, didYouMean, formatPath, type SpecProblem } from './problems';
import { allowedKeysAt } from './json-schema';
import { hexDigest } from '../util/digest';
import { MAX_DEPTH, shapeProblems } from './yaml-shape';
import { parsePlainBlockYaml } from './plain-block-yaml';

export interface LoadedSpec {
  file: string;
  launch: Launch;
  /** sha256 of the file's text: ties a deployment record to the exact spec that ran. */
  digest: () => string;
}

export function loadSpecFile(file: string): LoadedSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new SpecError([{ file, line: 1, column: 1, path: '', message: `cannot read the launch spec: ${reason}` }]);
  }
  let digest: string | undefined;
  return { file, launch: parseSpec(text, file), digest: () => (digest ??= hexDigest('sha256', text)) };
}

/** Parses and validates spec text; every problem carries its file, line, column and key path. */
export function parseSpec(text: string, file: string): Launch {
  // Plain block YAML is read without the yaml package's per-node cost; anything else, and every refusal, goes through yaml.
  const plain = parsePlainBlockYaml(text);
  if (plain) {
    const result = specSchema.safeParse(plain.value ?? {});
    if (result.success) return result.data.launch;
  }
  const lineCounter = new LineCounter();
  // yaml's own duplicate-key check compares every key with every other (40k keys: 18 s): ours is one pass.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const at = (offset: number): { line: number; column: number } => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };

  if (doc.errors.length) {
    const nested = `nested more than ${MAX_DEPTH} levels deep`;
    const problems = doc.errors.map((error) => {
      const first = error.message.split('\n')[0]!;
      // The parser recurses: absurd nesting ends it with a stack overflow at the offending line.
      return { file, ...at(error.pos[0]), path: '', message: /Maximum call stack/.test(first) ? nested : `YAML: ${first}` };
    });
    throw new SpecError(problems.filter((p, i) => p.message !== nested || problems.findIndex((q) => q.message === nested) === i));
  }
  const shape = shapeProblems(doc.contents);
  if (shape.length) throw new SpecError(shape.map(({ offset, message }) => ({ file, ...at(offset), path: '', message })));
  const result = specSchema.safeParse(doc.toJS() ?? {});
  if (result.success) return result.data.launch;

  const problems = result.error.issues.map((issue) => describeIssue(issue, doc, file, at));
  throw new SpecError(dedupe(problems));
}

function describeIssue(
  issue: z.core.$ZodIssue,
  doc: Document,
  file: string,
  at: (offset: number) => { line: number; column: number },
): SpecProblem {
  const valueAt = (path: readonly PropertyKey[]): unknown => {
    const found = locate(doc, path);
    return found.exact ? (found.node as { toJSON?: () => unknown })?.toJSON?.() : undefined;
  };
  let path = [...issue.path];
  let message = issue.message;
  let node: Node | undefined;

  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const allowed = allowedKeysAt(path, valueAt);
    const suggestion = didYouMean(key, allowed);
    node = locateKey(doc, path, key);
    path = [...path, key];
    message =
      `unknown key '${key}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}` +
      `${issue.keys.length > 1 ? `; also unknown: ${issue.keys.slice(1).join(', ')}` : ''}`;
  } else if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
    // The union says which values it knows; the path says whether it is a strategy, a router, a preset or a check.
    const types = (issue as { options?: unknown[] }).options?.map(String) ?? [];
    const what = UNION_NAMES[String(path.at(-1) === 'provider' ? 'provider' : path.at(-2))] ?? 'check type';
    const given = valueAt(path);
    const suggestion = typeof given === 'string' ? didYouMean(given, types) : undefined;
    message =
      given === undefined
        ? `missing ${what} (expected one of: ${types.join(', ')})`
        : `unknown ${what} ${JSON.stringify(given)}${suggestion ? ` (did you mean '${suggestion}'?)` : ''}` +
          `; expected one of: ${types.join(', ')}`;
  } else if (issue.code === 'invalid_type' && valueAt(path) === undefined && !locate(doc, path).exact) {
    message = `required, ${plainMessage(issue.message)}`;
  } else if (issue.code === 'invalid_value' && issue.values.every((v) => typeof v === 'string')) {
    const given = valueAt(path);
    const suggestion = typeof given === 'string' ? didYouMean(given, issue.values) : undefined;
    message =
      `expected one of ${issue.values.join(', ')}, got ${JSON.stringify(given)}` +
      `${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`;
  } else if (issue.code === 'invalid_union') {
    const forms = [...new Set(issue.errors.map((branch) => plainMessage(branch[0]?.message ?? '')).filter(Boolean))];
    const alternatives = forms.map((form, i) => (i ? form.replace(/^expected /, '') : form)).join(' or ');
    message = `${alternatives || 'does not match any allowed form'}, got ${JSON.stringify(valueAt(path))}`;
  } else if (['invalid_type', 'invalid_value', 'too_small', 'too_big', 'invalid_format', 'not_multiple_of'].includes(issue.code)) {
    message = `${plainMessage(issue.message)}, got ${JSON.stringify(valueAt(path))}`;
  }
  node ??= locate(doc, path).node;
  const position = node?.range ? at(node.range[0]) : { line: 1, column: 1 };
  return { file, ...position, path: formatPath(path), message };
}

/** What a union told apart by `type` is called, by the key that holds it; any other is a check. Metrics are told apart by `provider`. */
const UNION_NAMES: Readonly<Record<string, string>> = {
  strategy: 'strategy type',
  metric_preset: 'metric preset',
  router: 'router type',
  provider: 'metric provider',
};

/** Zod's wording without its prefixes and the type it received (the value itself is shown instead). */
function plainMessage(message: string): string {
  return message
    .replace(/^Invalid input: /, '')
    .replace(/^Invalid option: /, '')
    .replace(/, received \w+$/, '');
}

/**
 * Finds the node at `path`, or the deepest node on the way there. Check settings may sit under
 * `config:` (the template's form) while the model reads them flat, so a missing key is also looked
 * for inside a sibling `config` map.
 */
function locate(doc: Document, path: readonly PropertyKey[]): { node: Node | undefined; exact: boolean } {
  let node = doc.contents;
  for (const segment of path) {
    let next: unknown;
    if (isMap(node)) {
      next = node.get(segment, true);
      const config = node.get('config', true);
      if (next === undefined && isMap(config)) next = config.get(segment, true);
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
    }
    if (!next) return { node: node ?? undefined, exact: false };
    node = next as Node;
  }
  return { node: node ?? undefined, exact: true };
}

function locateKey(doc: Document, path: readonly PropertyKey[], key: string): Node | undefined {
  const { node } = locate(doc, path);
  if (!isMap(node)) return node;
  const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
  return (pair?.key as Node | undefined) ?? node;
}

function dedupe(problems: SpecProblem[]): SpecProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}:${p.column}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
