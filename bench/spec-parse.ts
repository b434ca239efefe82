/**
 * Spec parse time at 1, 10 and 50 MB: parseSpec (YAML, one-pass duplicate-key check, schema) on a
 * spec whose bulk is `vars` entries (the shape whose duplicate-key check was quadratic) plus a few
 * phases. Prints MB/s per size, and beside it the floor the yaml package sets (its parseDocument alone,
 * without our checks or the schema); asserts nothing. Target: linear in size, 50 MB under 5 s.
 * npx tsx bench/spec-parse.ts
 */
import { LineCounter, parseDocument } from 'yaml';
import { parseSpec } from '../src/spec/load';

const SIZES_MB = [1, 10, 50];
const TARGET_50MB_MS = 5000;

function specOf(megabytes: number): string {
  const head = 'launch:\n  environment: production\n  phases:\n    - { id: deploy, run: ./deploy.sh "$VAR_0", rollback: ./undo.sh }\n  vars:\n';
  const target = megabytes * 1024 * 1024;
  const lines: string[] = [head];
  let size = head.length;
  for (let i = 0; size < target; i++) {
    const line = `    VAR_${i}: value-${i.toString(36)}-abcdefghijklmnopqrstuvwxyz\n`;
    lines.push(line);
    size += line.length;
  }
  return lines.join('');
}

let fiftyMs: number | undefined;
for (const mb of SIZES_MB) {
  const text = specOf(mb);
  const bytes = Buffer.byteLength(text);
  const yamlStarted = performance.now();
  parseDocument(text, { lineCounter: new LineCounter(), prettyErrors: false, uniqueKeys: false });
  const yamlMs = performance.now() - yamlStarted;
  const started = performance.now();
  const launch = parseSpec(text, `bench-${mb}mb.yml`);
  const ms = performance.now() - started;
  if (mb === 50) fiftyMs = ms;
  const vars = Object.keys(launch.vars).length;
  console.log(`${String(mb).padStart(3)} MB (${vars} vars): ${ms.toFixed(0).padStart(6)} ms, ${(bytes / 1024 / 1024 / (ms / 1000)).toFixed(1)} MB/s (yaml's parseDocument alone: ${yamlMs.toFixed(0)} ms)`);
}
console.log(`50 MB spec: ${fiftyMs!.toFixed(0)} ms (target < ${TARGET_50MB_MS} ms: ${fiftyMs! < TARGET_50MB_MS ? 'met' : 'NOT met'})`);
