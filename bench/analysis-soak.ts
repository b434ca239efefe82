/**
 * Canary analysis that does not cry wolf, measured against real Prometheus (test/metrics/analysis-soak.ts):
 * per scenario, LAUNCHES launches at once, each a stable and a canary instance (seeded random errors
 * and latency, scraped every 250 ms as two targets) watched by a baseline comparison (error rate ≤ 2×
 * stable, sustained 500 ms) and a Mann-Whitney judgement (error rate and p99, 6 samples a side).
 *   A  equal-degradation  both versions go to 10× the errors and 2× the latency at once → no rollback
 *   B  unchanged          nothing changes → no rollback
 *   C  canary-3x-errors   only the canary's error rate triples → rollback within two intervals
 * Targets: A and B roll back at most 1 launch in 20; C rolls back every launch within 2 intervals.
 * The same soaks without the guards (one reading per breach, confidence 0.95, no effect size,
 * overlapping samples) show what they are for. Prints figures; asserts nothing.
 * npx tsx bench/analysis-soak.ts
 */
import { soak, TIMING, type Analysis, type LaunchResult, type Scenario } from '../test/metrics/analysis-soak';

const LAUNCHES = 20;
const SEED = 20261203;
const FALSE_ALARM_TARGET = 1 / 20;
const ROLLBACK_WITHIN_INTERVALS = 2;
const SCENARIOS: Scenario[] = ['equal-degradation', 'unchanged', 'canary-3x-errors'];
const ANALYSES: Analysis[] = ['baseline', 'judge'];

function line(scenario: Scenario, analysis: Analysis, results: LaunchResult[]): string {
  const mine = results.filter((result) => result.analysis === analysis);
  const rolledBack = mine.filter((result) => result.rolledBack).length;
  const rate = rolledBack / mine.length;
  const head = `${scenario.padEnd(18)} ${analysis.padEnd(8)} rolled back ${String(rolledBack).padStart(2)}/${mine.length} (${(100 * rate).toFixed(0).padStart(3)} %)`;
  if (scenario !== 'canary-3x-errors') return `${head}, target ≤ ${100 * FALSE_ALARM_TARGET} %: ${rate <= FALSE_ALARM_TARGET ? 'met' : 'MISSED'}`;
  const intervals = mine.map((result) => result.intervalsToRollback ?? Infinity).sort((a, b) => a - b);
  const median = intervals[(intervals.length - 1) >> 1]!;
  const worst = intervals.at(-1)!;
  const every = rolledBack === mine.length && worst <= ROLLBACK_WITHIN_INTERVALS;
  return `${head}, fault → rollback median ${median.toFixed(2)}, worst ${worst.toFixed(2)} intervals, target ≤ ${ROLLBACK_WITHIN_INTERVALS}: ${every ? 'met' : 'MISSED'}`;
}

const started = Date.now();
console.log(
  `${LAUNCHES} launches per scenario, seed ${SEED}; scrape ${TIMING.scrape} ms, rate window ${TIMING.rateWindow} ms, ` +
    `comparison every ${TIMING.baselineInterval} ms, judgement every ${TIMING.judgeInterval} ms over ${TIMING.judgeWindow} ms`,
);
for (const guards of [true, false]) {
  console.log(guards ? '\nwith the guards (the defaults, docs/metrics.md):' : '\nwithout the guards, for comparison:');
  for (const scenario of SCENARIOS) {
    const results = await soak(scenario, { launches: LAUNCHES, seed: SEED, guards });
    for (const analysis of ANALYSES) console.log(line(scenario, analysis, results));
    const example = results.find((result) => result.rolledBack && scenario !== 'canary-3x-errors');
    if (example) console.log(`  e.g. ${example.analysis}: ${example.message.slice(0, 260)}`);
  }
}
console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
