/**
 * Time from the failing measurement to the first rollback command, with 1, 2 and 8 watches on a phase,
 * through the engine (as test/support/engine.ts runs it). One watch is a command check that breaches
 * after ~300 ms, writing $EPOCHREALTIME as it fails; its siblings and the phase command run for 30 s;
 * the rollback command writes $EPOCHREALTIME first thing. 10 launches per count; prints median and
 * worst, asserts nothing. Target: under 100 ms each.
 * npx tsx bench/watch-breach.ts
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSpec } from '../test/support/engine';

const COUNTS = [1, 2, 8];
const RUNS = 10;
const TARGET_MS = 100;

function specFor(watches: number): string {
  const quiet = Array.from({ length: watches - 1 }, (_, i) => `{ type: command, name: long-${i}, command: "sleep 30" }`);
  const breach = '{ type: command, name: breach, command: "sleep 0.3; echo $EPOCHREALTIME > \\"$BENCH_DIR/breach\\"; exit 9" }';
  return `launch:
  phases:
    - id: watched
      run: sleep 30
      rollback: echo "$EPOCHREALTIME" > "$BENCH_DIR/rollback"
      watch: [${[...quiet, breach].join(', ')}]
`;
}

const epoch = (file: string): number => Number(readFileSync(file, 'utf8').trim().replace(',', '.')) * 1000;

for (const watches of COUNTS) {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-watch-'));
    const { result } = await runSpec(specFor(watches), { env: { BENCH_DIR: dir } });
    if (result.status !== 'rolled_back') throw new Error(`expected a rollback, got ${result.status}: ${result.reason}`);
    times.push(epoch(join(dir, 'rollback')) - epoch(join(dir, 'breach')));
  }
  times.sort((a, b) => a - b);
  const median = (times[(RUNS - 1) >> 1]! + times[RUNS >> 1]!) / 2;
  console.log(
    `${watches} watch(es): failing measurement → first rollback command median ${median.toFixed(1)} ms, ` +
      `best ${times[0]!.toFixed(1)} ms, worst ${times.at(-1)!.toFixed(1)} ms` +
      ` (target < ${TARGET_MS} ms: ${times.at(-1)! < TARGET_MS ? 'met' : 'NOT met'} by the worst)`,
  );
}
