import { setTimeout as delay } from 'node:timers/promises';
import { startMetricsApp, type MetricsApp } from '../support/metrics-app';
import { prng } from '../support/prng';
import { startPrometheus } from '../support/prometheus';
import { waitFor } from '../support/wait-for';
import { measurements, metricContext, prometheusAt, runMetric } from './context';

/**
 * Canary analysis soaks against real Prometheus: per launch, a stable and a canary instance of a small
 * app with seeded random errors and latency, scraped as two targets (so at their own scrape offsets),
 * watched at once by a baseline comparison (the error rate's ratio to stable) and by a Mann-Whitney
 * judgement (error rate and p99 latency). Time is compressed: `minuteMs` stands for a minute, and
 * the scrape (15 s), rate window (1 m), sustain (30 s, the default) and intervals (comparison 90 s,
 * judgement 6 m over 6 m) shrink with it.
 */

export type Scenario = 'equal-degradation' | 'unchanged' | 'canary-3x-errors';
export type Analysis = 'baseline' | 'judge';
export const ANALYSES: readonly Analysis[] = ['baseline', 'judge'];

/** The soak's times in milliseconds, for `minuteMs` standing in for a minute. */
export function timing(minuteMs: number) {
  return {
    scrape: minuteMs / 4,
    rateWindow: minuteMs,
    sustain: minuteMs / 2,
    /**
     * A canary-only rise shows in the comparison about half a rate window plus a scrape after it
     * happens, and is confirmed `sustain` later: that must fit in one interval to roll back within two.
     */
    baselineInterval: minuteMs * 1.5,
    /** A judgement every window, as Kayenta's intervals go: each sees a fresh window. */
    judgeInterval: minuteMs * 6,
    judgeWindow: minuteMs * 6,
    /** How long each launch is analysed; the fault (if any) comes 2–3 minutes in. */
    launchMs: minuteMs * 18,
  };
}
type Timing = ReturnType<typeof timing>;

const BASE_ERROR_RATE = 0.01;
const LATENCY_MS = 40;
/** Requests each instance records per rate window: what a 1 m window holds at 170 requests a second. */
const PER_WINDOW = 10_000;

export interface LaunchResult {
  scenario: Scenario;
  analysis: Analysis;
  rolledBack: boolean;
  /** Rolled back for lack of data (a scrape gap on a loaded machine), not on the analysis' verdict. */
  noData: boolean;
  /** Rolled back before its fault came: a false alarm even in a scenario with a fault. */
  beforeFault: boolean;
  /** From the fault to the rollback: measurements taken (the one under way at the fault included), and time in intervals. */
  measurementsToRollback?: number;
  intervalsToRollback?: number;
  message: string;
  /** Each measurement: seconds from the fault (negative before it), verdict and text. */
  log: string[];
}

interface Pair {
  id: string;
  stable: MetricsApp;
  canary: MetricsApp;
}

const FAULTS: Record<Scenario, (pair: Pair) => void> = {
  // A shared dependency fails: both versions serve ten times the errors, twice as slowly.
  'equal-degradation': ({ stable, canary }) => {
    for (const app of [stable, canary]) {
      app.setErrorRate(BASE_ERROR_RATE * 10);
      app.setLatency(LATENCY_MS * 2);
    }
  },
  unchanged: () => undefined,
  'canary-3x-errors': ({ canary }) => canary.setErrorRate(BASE_ERROR_RATE * 3),
};

/**
 * `guards: false` is the analysis as it was before them, for comparison: a ratio breach counts on one
 * reading (sustain 0) and the judgement runs at confidence 0.95 with no effect size, over samples a
 * quarter of a rate window apart (the 15 s default step under a 1 m window).
 */
export interface SoakOptions {
  launches: number;
  seed: number;
  guards?: boolean;
  /** Milliseconds standing in for a minute (default 1000: a 250 ms scrape). */
  minuteMs?: number;
}

function launchContext(url: string, pair: Pair, guards: boolean, times: Timing) {
  const ctx = metricContext(
    {
      service: 'app',
      metric_preset: {
        type: 'http-requests-total',
        match: { pair: pair.id },
        window: `${times.rateWindow}ms`,
        no_data: 'inconclusive',
        baseline: { max_ratio: 2, immediate_ratio: 5, floor: 0.001, sustain: `${guards ? times.sustain : 0}ms` },
      },
    },
    { prepare: true, settings: { ...prometheusAt(url), version: 'v2', previousVersion: 'v1' } },
  );
  // A judgement ranges over each metric's own window, which the preset leaves at the 5 m default.
  for (const metric of Object.values(ctx.launch.metrics)) {
    metric.window = times.judgeWindow;
    if (!guards) Object.assign(metric, { step: times.rateWindow / 4, analysis: { confidence: 0.95, effect_size: 1 } });
  }
  return ctx;
}

const checks = (times: Timing): Record<Analysis, { interval: number; config: Record<string, unknown> }> => ({
  baseline: {
    interval: times.baselineInterval,
    config: { metric: 'error_rate', interval: `${times.baselineInterval}ms`, count: times.launchMs / times.baselineInterval },
  },
  judge: {
    interval: times.judgeInterval,
    config: {
      judge: { metrics: ['error_rate', 'latency_p99_ms'] },
      interval: `${times.judgeInterval}ms`,
      count: times.launchMs / times.judgeInterval,
    },
  },
});

/** One launch on one pair: both analyses at once, the scenario's fault `faultAfterMs` in. */
async function launch(
  url: string,
  pair: Pair,
  scenario: Scenario,
  faultAfterMs: number,
  guards: boolean,
  times: Timing,
): Promise<LaunchResult[]> {
  const started = Date.now();
  let faultAt: number | undefined;
  const contexts = { baseline: launchContext(url, pair, guards, times), judge: launchContext(url, pair, guards, times) };
  const takenAtFault = { baseline: 0, judge: 0 };
  const fault = delay(faultAfterMs).then(() => {
    faultAt = Date.now();
    for (const analysis of ANALYSES) takenAtFault[analysis] = measurements(contexts[analysis]).length;
    FAULTS[scenario](pair);
  });
  const results = await Promise.all(
    ANALYSES.map(async (analysis): Promise<LaunchResult> => {
      const { interval, config } = checks(times)[analysis];
      const result = await runMetric(config, contexts[analysis]);
      const endedAt = Date.now();
      const afterFault = scenario !== 'unchanged' && faultAt !== undefined;
      const rolledBack = !result.passed;
      return {
        scenario,
        analysis,
        rolledBack,
        noData: rolledBack && /no data/.test(result.message),
        beforeFault: rolledBack && !afterFault,
        measurementsToRollback: rolledBack && afterFault ? measurements(contexts[analysis]).length - takenAtFault[analysis] : undefined,
        intervalsToRollback: rolledBack && afterFault ? (endedAt - faultAt!) / interval : undefined,
        message: `${((endedAt - started) / 1000).toFixed(1)}s: ${result.message}`,
        log: measurements(contexts[analysis]).map(
          (m, index) => `${index < takenAtFault[analysis] ? 'before' : 'after'} the fault: ${m.verdict} ${m.message ?? ''}`,
        ),
      };
    }),
  );
  await fault;
  return results;
}

/**
 * `launches` launches of each scenario, all at once against one real Prometheus, seeded by `seed`:
 * the instances' errors and latencies, and when the faults come.
 */
export async function soak(
  scenarios: readonly Scenario[],
  { launches, seed, guards = true, minuteMs = 1000 }: SoakOptions,
): Promise<LaunchResult[]> {
  const times = timing(minuteMs);
  const random = prng(seed);
  const runs = scenarios.flatMap((scenario) => Array.from({ length: launches }, (_, index) => ({ scenario, index })));
  const pairs: Pair[] = await Promise.all(
    runs.map(async ({ scenario, index }, run) => {
      const start = (version: string, offset: number) =>
        startMetricsApp({
          version,
          naming: 'http-requests-total',
          errorRate: BASE_ERROR_RATE,
          latencyMs: LATENCY_MS,
          trafficPerSecond: 0,
          simulatedPerSecond: (PER_WINDOW * 1000) / times.rateWindow,
          random: prng(seed * 1000 + run * 2 + offset),
        });
      const [stable, canary] = await Promise.all([start('v1', 0), start('v2', 1)]);
      return { id: `${scenario}-${index}`, stable: stable, canary: canary };
    }),
  );
  const targets = pairs.flatMap((pair) =>
    [pair.stable, pair.canary].map((app) => ({ address: app.address, labels: { job: 'app', pair: pair.id } })),
  );
  const prometheus = await startPrometheus({ targets, scrapeInterval: `${times.scrape}ms` });
  try {
    // Every instance has a judgement window of history, and a rate window before it, ere its launch
    // starts: a judgement of a series younger than its window would compare start-up, not versions.
    const history = times.judgeWindow + 2 * times.rateWindow;
    // And every series has a rate right now: a scrape just missed on a loaded machine would otherwise
    // read as no data at the first measurement.
    const ready = async () =>
      (await prometheus.query(`count_over_time(http_requests_total{code="200"}[${history}ms]) >= ${history / times.scrape - 1}`)).length ===
        targets.length &&
      (await prometheus.query(`rate(http_requests_total{code="500"}[${times.rateWindow}ms])`)).length === targets.length;
    await waitFor(ready, `a ${history} ms history and a current rate for all ${targets.length} instances`, 60_000, 200);
    const results = await Promise.all(
      pairs.map((pair, run) => launch(prometheus.url, pair, runs[run]!.scenario, (2 + random()) * minuteMs, guards, times)),
    );
    return results.flat();
  } finally {
    await prometheus.stop();
    await Promise.all(pairs.flatMap((pair) => [pair.stable.close(), pair.canary.close()]));
  }
}
