/**
 * Canary analysis that does not cry wolf, measured against real Prometheus (test/metrics/analysis-soak.ts):
 * per scenario, LAUNCHES launches at once, each a stable and a canary instance (seeded random errors
 * and latency, scraped as two targets) watched by a baseline comparison (error rate ≤ 2× stable) and a
 * Mann-Whitney judgement (error rate and p99, 6 samples a side), with time compressed 30×.
 *   A  equal-degradation  both versions go to 10× the errors and 2× the latency at once → no rollback
 *   B  unchanged          nothing changes → no rollback
 *   C  canary-3x-errors   only the canary's error rate triples → rollback within two intervals
 * Targets: A and B roll back at most 1 launch in 20; C rolls back every launch within 2 intervals.
 * A and B without the guards (one reading per breach, confidence 0.95, no effect size, overlapping
 * samples) show what the guards are for. "Within 2" counts the measurements from the fault to
 * the rollback, the one under way when the fault came included. Prints figures; asserts nothing.
 * npx tsx bench/analysis-soak.ts
 */
import { ANALYSES, soak, timing, type Analysis, type LaunchResult, type Scenario } from '../test/metrics/analysis-soak';

const LAUNCHES = 20;
/** A minute in 2 s (a 500 ms scrape): 40 instances at a 250 ms scrape lose scrapes on a loaded 2-core machine. */
const MINUTE_MS = 2000;
const TIMES = timing(MINUTE_MS);
const SEED = 20261203;
const FALSE_ALARM_TARGET = 1 / 20;
const ROLLBACK_WITHIN_INTERVALS = 2;
const SCENARIOS: Scenario[] = ['equal-degradation', 'unchanged', 'canary-3x-errors'];

function line(scenario: Scenario, analysis: Analysis, results: LaunchResult[]): string {
  const mine = results.filter((result) => result.analysis === analysis);
  const rolledBack = mine.filter((result) => result.rolledBack).length;
  const rate = rolledBack / mine.length;
  const gaps = mine.filter((result) => result.noData).length;
  const head =
    `${scenario.padEnd(18)} ${analysis.padEnd(8)} rolled back ${String(rolledBack).padStart(2)}/${mine.length}` +
    ` (${(100 * rate).toFixed(0).padStart(3)} %)` +
    (gaps ? ` [${gaps} of them for no data: scrape gaps, not the analysis]` : '');
  if (scenario !== 'canary-3x-errors')
    return `${head}, target ≤ ${100 * FALSE_ALARM_TARGET} %: ${rate <= FALSE_ALARM_TARGET ? 'met' : 'MISSED'}`;
  const early = mine.filter((result) => result.beforeFault).length;
  const spread = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return `median ${sorted[(sorted.length - 1) >> 1]!.toFixed(2)}, worst ${sorted.at(-1)!.toFixed(2)}`;
  };
  const after = mine.filter((result) => result.measurementsToRollback !== undefined);
  const met = after.length === mine.length && after.every((result) => result.measurementsToRollback! <= ROLLBACK_WITHIN_INTERVALS);
  const timing = after.length
    ? `measurements from fault to rollback ${spread(after.map((result) => result.measurementsToRollback!))}` +
      ` (time ${spread(after.map((result) => result.intervalsToRollback!))} intervals)`
    : 'none after the fault';
  return (
    `${head}${early ? `, ${early} before the fault` : ''}, ${timing}` +
    `, target every launch within ${ROLLBACK_WITHIN_INTERVALS}: ${met ? 'met' : 'MISSED'}`
  );
}

const started = Date.now();
console.log(
  `${LAUNCHES} launches per scenario, seed ${SEED}; scrape ${TIMES.scrape} ms, rate window ${TIMES.rateWindow} ms, ` +
    `comparison every ${TIMES.baselineInterval} ms, judgement every ${TIMES.judgeInterval} ms over ${TIMES.judgeWindow} ms` +
    `, launches of ${TIMES.launchMs} ms`,
);
/** Each scenario of `batches` on its own Prometheus; the scenarios of one batch share one. */
async function run(title: string, batches: Scenario[][], guards: boolean): Promise<void> {
  console.log(`\n${title}`);
  for (const scenarios of batches) {
    const results = await soak(scenarios, { launches: LAUNCHES, seed: SEED, guards, minuteMs: MINUTE_MS });
    for (const scenario of scenarios) {
      const mine = results.filter((result) => result.scenario === scenario);
      for (const analysis of ANALYSES) console.log(line(scenario, analysis, mine));
      const example = mine.find((result) => result.beforeFault || (result.rolledBack && scenario !== 'canary-3x-errors'));
      if (example) console.log(`  e.g. ${example.analysis}: ${example.message.slice(0, 260)}`);
    }
  }
}
await run(
  'with the guards (the defaults, docs/metrics.md):',
  SCENARIOS.map((scenario) => [scenario]),
  true,
);
await run('without the guards, for comparison:', [['equal-degradation', 'unchanged']], false);
console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
