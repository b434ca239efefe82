/**
 * Spec parse time at 1, 10 and 50 MB: parseSpec (YAML, one-pass duplicate-key check, schema) on a
 * spec whose bulk is `vars` entries (the shape whose duplicate-key check was quadratic) plus a few
 * phases. Prints MB/s per size, and beside it the floor the yaml package sets (its parseDocument alone,
 * without our checks or the schema); asserts nothing. Target: linear in size (the 50 MB throughput at
 * least 0.7× the 1 MB one) and within 1.5× of yaml's floor: the yaml package itself reads about 3 MB/s,
 * so a 50 MB spec takes seconds, not the minutes a quadratic check took.
 * npx tsx bench/spec-parse.ts
 */
import { LineCounter, parseDocument } from 'yaml';
import { parseSpec } from '../src/spec/load';

const SIZES_MB = [1, 10, 50];
const MIN_LINEARITY = 0.7;
const MAX_OVER_YAML = 1.5;

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

const throughput = new Map<number, { ours: number; yaml: number }>();
for (const mb of SIZES_MB) {
  const text = specOf(mb);
  const bytes = Buffer.byteLength(text);
  const yamlStarted = performance.now();
  parseDocument(text, { lineCounter: new LineCounter(), prettyErrors: false, uniqueKeys: false });
  const yamlMs = performance.now() - yamlStarted;
  const started = performance.now();
  const launch = parseSpec(text, `bench-${mb}mb.yml`);
  const ms = performance.now() - started;
  throughput.set(mb, { ours: bytes / ms, yaml: bytes / yamlMs });
  const vars = Object.keys(launch.vars).length;
  console.log(`${String(mb).padStart(3)} MB (${vars} vars): ${ms.toFixed(0).padStart(6)} ms, ${(bytes / 1024 / 1024 / (ms / 1000)).toFixed(1)} MB/s (yaml's parseDocument alone: ${yamlMs.toFixed(0)} ms)`);
}
const small = throughput.get(SIZES_MB[0]!)!;
const large = throughput.get(SIZES_MB.at(-1)!)!;
const linearity = large.ours / small.ours;
const overYaml = large.yaml / large.ours;
const verdict = (met: boolean): string => (met ? 'met' : 'NOT met');
console.log(`linearity (50 MB throughput / 1 MB throughput): ${linearity.toFixed(2)} (target ≥ ${MIN_LINEARITY}: ${verdict(linearity >= MIN_LINEARITY)})`);
console.log(`cost over yaml's parseDocument at 50 MB: ${overYaml.toFixed(2)}× (target ≤ ${MAX_OVER_YAML}×: ${verdict(overYaml <= MAX_OVER_YAML)})`);
