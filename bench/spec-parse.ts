/**
 * Spec parse time at 1, 10 and 50 MB: parseSpec (plain block YAML read by our reader, one-pass
 * duplicate-key check, schema) on a spec whose bulk is `vars` entries (the shape whose duplicate-key
 * check was quadratic) plus a phase in flow form. Prints wall and CPU time and MB/s per size, and
 * beside it the yaml package's own parseDocument time (what a spec outside the plain subset, or a
 * refused one, costs: about 3 MB/s); asserts nothing. Targets: linear in size (the 50 MB throughput
 * at least 0.7× the 1 MB one) and 50 MB in under 5 s. The machine is shared: CPU time is printed
 * because wall time grows with the load of other processes.
 * npx tsx bench/spec-parse.ts
 */
import { LineCounter, parseDocument } from 'yaml';
import { parseSpec } from '../src/spec/load';

const SIZES_MB = [1, 10, 50];
const MIN_LINEARITY = 0.7;
const MAX_50MB_MS = 5000;

function specOf(megabytes: number): string {
  const head =
    'launch:\n  environment: production\n  phases:\n    - { id: deploy, run: ./deploy.sh "$VAR_0", rollback: ./undo.sh }\n  vars:\n';
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

const throughput = new Map<number, number>();
let largestMs = 0;
for (const mb of SIZES_MB) {
  const text = specOf(mb);
  const bytes = Buffer.byteLength(text);
  const yamlStarted = performance.now();
  parseDocument(text, { lineCounter: new LineCounter(), prettyErrors: false, uniqueKeys: false });
  const yamlMs = performance.now() - yamlStarted;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const launch = parseSpec(text, `bench-${mb}mb.yml`);
  const ms = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  throughput.set(mb, bytes / ms);
  largestMs = ms;
  const vars = Object.keys(launch.vars).length;
  console.log(
    `${String(mb).padStart(3)} MB (${vars} vars): ${ms.toFixed(0).padStart(6)} ms (CPU ${((user + system) / 1000).toFixed(0)} ms)` +
      `, ${(bytes / 1024 / 1024 / (ms / 1000)).toFixed(1)} MB/s` +
      ` (yaml's parseDocument alone: ${yamlMs.toFixed(0)} ms)`,
  );
}
const linearity = throughput.get(SIZES_MB.at(-1)!)! / throughput.get(SIZES_MB[0]!)!;
const verdict = (met: boolean): string => (met ? 'met' : 'NOT met');
console.log(
  `linearity (50 MB throughput / 1 MB throughput): ${linearity.toFixed(2)}` +
    ` (target ≥ ${MIN_LINEARITY}: ${verdict(linearity >= MIN_LINEARITY)})`,
);
console.log(`50 MB: ${largestMs.toFixed(0)} ms (target < ${MAX_50MB_MS} ms: ${verdict(largestMs < MAX_50MB_MS)})`);
