import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

// Folders of src/ may only depend downward: the folder graph has no cycle, so a newcomer can read
// any folder knowing only the folders beneath it. Type-only imports count too: they couple as much.
const SRC = resolve(__dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The top-level folder a file belongs to; files directly in src/ are the entry points. */
function folderOf(file: string): string {
  const [folder, ...rest] = relative(SRC, file).split(sep);
  return rest.length > 0 && folder ? folder : '(entry points)';
}

function resolveImport(from: string, specifier: string): string {
  const target = resolve(dirname(from), specifier);
  try {
    return statSync(target).isDirectory() ? join(target, 'index.ts') : target;
  } catch {
    return target;
  }
}

/** folder → folder → the imports that make the edge, for the failure message. */
function folderGraph(): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\bfrom\s+'(\.[^']+)'|\bimport\(\s*'(\.[^']+)'\s*\)/g)) {
      const specifier = match[1] ?? match[2];
      if (!specifier) continue;
      const from = folderOf(file);
      const to = folderOf(resolveImport(file, specifier));
      if (from === to) continue;
      const edges = graph.get(from) ?? new Map<string, string[]>();
      graph.set(from, edges);
      edges.set(to, [...(edges.get(to) ?? []), `${relative(SRC, file)} → ${specifier}`]);
    }
  }
  return graph;
}

/** Every cycle's folders, found by depth-first search (the graph is a dozen or so nodes). */
function cycles(graph: Map<string, Map<string, string[]>>): string[][] {
  const found = new Map<string, string[]>();
  const visit = (node: string, path: string[]): void => {
    for (const next of graph.get(node)?.keys() ?? []) {
      const start = path.indexOf(next);
      if (start >= 0) {
        const cycle = path.slice(start);
        found.set([...cycle].sort().join(','), cycle);
      } else visit(next, [...path, next]);
    }
  };
  for (const node of graph.keys()) visit(node, [node]);
  return [...found.values()];
}

describe('layering', () => {
  it('no folder of src/ depends on a folder that depends back on it', () => {
    const graph = folderGraph();
    const report = cycles(graph).map((cycle) =>
      cycle
        .map((from, index) => {
          const to = cycle[(index + 1) % cycle.length] ?? '';
          return `${from} → ${to} (${graph.get(from)?.get(to)?.[0]})`;
        })
        .join('\n  '),
    );
    expect(report, `folder cycles:\n  ${report.join('\n\n  ')}`).toEqual([]);
  });

  it('sees the imports it judges', () => {
    // Guards the scan itself: a regex that stopped matching would make the rule pass vacuously.
    const graph = folderGraph();
    expect(graph.get('(entry points)')?.has('runner')).toBe(true);
    expect(graph.get('engine')?.has('checks')).toBe(true);
  });
});
