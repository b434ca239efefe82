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
  return rest.length > 0 && folder ? folder : '(entry-points)';
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

/** docs/architecture.md's `layers` block, top to bottom; folders on one line are peers. */
function documentedLayers(): string[][] {
  const doc = readFileSync(resolve(__dirname, '../../docs/architecture.md'), 'utf8');
  const block = /```layers\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean)
    .map((line) => line.split(/\s+/));
}

describe('layering', () => {
  const graph = folderGraph();
  const layers = documentedLayers();
  const levelOf = new Map(layers.flatMap((folders, level) => folders.map((folder) => [folder, level] as const)));

  it('docs/architecture.md places every folder of src/ in a layer', () => {
    const folders = new Set([...graph.keys(), ...[...graph.values()].flatMap((edges) => [...edges.keys()])]);
    expect([...folders].filter((folder) => !levelOf.has(folder))).toEqual([]);
    expect([...levelOf.keys()].filter((folder) => !folders.has(folder))).toEqual([]);
  });

  it('every folder imports only folders in layers below its own', () => {
    const against = [...graph].flatMap(([from, edges]) =>
      [...edges]
        .filter(([to]) => (levelOf.get(to) ?? -1) <= (levelOf.get(from) ?? Infinity))
        .map(([to, imports]) => `${from} → ${to}: ${imports.join(', ')}`),
    );
    expect(against).toEqual([]);
  });

  it('sees the imports it judges', () => {
    // Guards the scan itself: a regex that stopped matching would make the rule pass vacuously.
    expect(graph.get('(entry-points)')?.has('runner')).toBe(true);
    expect(graph.get('engine')?.has('checks')).toBe(true);
    expect(layers.length).toBeGreaterThan(5);
  });
});
