import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrometheus, freePort, TEST_BASIC_AUTH, type PrometheusServer } from '../../support/prometheus';
import { startMetricsApp, type MetricsApp } from '../../support/metrics-app';
import { waitFor } from '../../support/wait-for';
import { measurements, metricContext, planMetric, prometheusAt, runMetric } from '../context';

// Real Prometheus (scrape 1s) over real prom-client apps: v1 is the stable baseline (5% errors),
// v2 the canary the tests break and mend, v3 a bad release (15% errors).
let prometheus: PrometheusServer;
let stable: MetricsApp;
let canary: MetricsApp;
let bad: MetricsApp;

const errorRate = (version: string) =>
  `sum(rate(app_requests_total{status="500",version="${version}"}[5s])) / sum(rate(app_requests_total{version="${version}"}[5s]))`;
const metrics = {
  error_rate: { provider: 'prometheus', query: errorRate('${version}'), max: 0.02, interval: '500ms' },
  latency_p99_ms: {
    provider: 'prometheus',
    query: 'histogram_quantile(0.99, sum by (le) (rate(app_request_duration_seconds_bucket{version="${version}"}[5s]))) * 1000',
    max: 800,
    interval: '500ms',
  },
};
const never = new Promise<void>(() => undefined);

function context(options: Parameters<typeof metricContext>[1] = {}, spec: Record<string, unknown> = {}) {
  return metricContext(
    { metrics, ...spec },
    { ...options, settings: { ...prometheusAt(prometheus.url), version: 'v2', previousVersion: 'v1', ...options.settings } },
  );
}

beforeAll(async () => {
  [stable, canary, bad] = await Promise.all([
    startMetricsApp({ version: 'v1', errorRate: 0.05 }),
    startMetricsApp({ version: 'v2' }),
    startMetricsApp({ version: 'v3', errorRate: 0.15 }),
  ]);
  prometheus = await startPrometheus({ targets: [stable, canary, bad].map((app) => ({ address: app.address })) });
  await waitFor(
    async () => (await prometheus.query('sum by (version) (rate(app_requests_total[5s])) > 0')).length === 3,
    'traffic from all three versions in Prometheus',
    30_000,
    200,
  );
});

afterAll(async () => {
  await prometheus?.stop();
  await Promise.all([stable, canary, bad].map((app) => app?.close()));
});

describe('metric check against real Prometheus', () => {
  it('passes while healthy, and a watch fails after errors are injected, naming metric, value, condition, count and query', async () => {
    const healthy = context();
    const passed = await runMetric({ metric: 'error_rate', count: 2 }, healthy);
    expect(passed.passed, passed.message).toBe(true);
    expect(passed.message).toMatch(/^error_rate = 0 within max 0\.02 \(2 measurements: 2 pass\)$/);
    expect(measurements(healthy).map((m) => m.verdict)).toEqual(['pass', 'pass']);

    const watching = context({ stage: 'watch', commandDone: never });
    const watch = runMetric({ metric: 'error_rate', failure_limit: 1 }, watching);
    await waitFor(() => measurements(watching).length >= 2, 'the watch to measure a healthy canary');
    canary.setErrorRate(0.5);
    try {
      const failed = await watch;
      expect(failed.passed).toBe(false);
      expect(failed.message).toMatch(
        /^error_rate = 0\.\d+ breached max 0\.02 \(2 of failure_limit 1\); query: POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query query=sum\(rate\(app_requests_total\{status="500",version="v2"\}/,
      );
      expect(failed.threshold).toBe('max 0.02');
      expect(failed.value).toBeGreaterThan(0.02);
      const verdicts = measurements(watching).map((m) => m.verdict);
      expect(verdicts.slice(0, 2)).toEqual(['pass', 'pass']);
      expect(verdicts.filter((v) => v === 'fail')).toHaveLength(2);
    } finally {
      canary.setErrorRate(0);
    }
  });

  it('watches p99 latency from the histogram and fails when the app slows down', async () => {
    expect((await runMetric({ metric: 'latency_p99_ms' }, context())).passed).toBe(true);
    const watching = context({ stage: 'watch', commandDone: never });
    const watch = runMetric({ metric: 'latency_p99_ms' }, watching);
    await waitFor(() => measurements(watching).length >= 1, 'a first latency measurement');
    canary.setLatency(900);
    try {
      const failed = await watch;
      expect(failed.message).toMatch(/^latency_p99_ms = \d+(\.\d+)? breached max 800 \(1 of failure_limit 0\)/);
      expect(failed.value).toBeGreaterThan(800);
    } finally {
      canary.setLatency(2);
    }
  });

  it('fails on several series unless the check says how to reduce them', async () => {
    const query = 'sum by (version) (rate(app_requests_total[5s]))';
    const several = await runMetric({ provider: 'prometheus', query, min: 0 }, context());
    expect(several.passed).toBe(false);
    expect(several.message).toMatch(
      /^check: configuration error: check returned 3 series \{version="v\d"\}.*set reduce: sum, avg, min or max/,
    );
    const reduced = await runMetric({ provider: 'prometheus', query, min: 10, reduce: 'sum' }, context());
    expect(reduced.passed, reduced.message).toBe(true);
  });

  it('a range selector without a function (a matrix from an instant query) is a configuration error, never a value', async () => {
    const ctx = context();
    const result = await runMetric(
      { provider: 'prometheus', query: 'app_requests_total{status="200",version="v2"}[5s]', max: 1e12, count: 3, interval: '100ms' },
      ctx,
    );
    expect(result.passed).toBe(false);
    expect(result.message).toMatch(
      /^check: configuration error: the query returns a range vector \(resultType matrix\), not one value per series: wrap it in rate\(\)/,
    );
    expect(measurements(ctx)).toHaveLength(1);
  });

  it('treats an empty vector as no data under each no_data policy, never as zero', async () => {
    const query = 'app_requests_total{version="never-deployed"}';
    const check = { provider: 'prometheus', query, max: 1 };
    const failing = await runMetric({ ...check, no_data: 'fail' }, context());
    expect(failing.message).toMatch(/^check: no data \(empty result\) → fail by no_data policy \(1 of failure_limit 0\)/);
    const inconclusive = await runMetric({ ...check, no_data: 'inconclusive' }, context());
    expect(inconclusive.passed).toBe(false);
    expect(inconclusive.message).toMatch(/\(1 inconclusive of inconclusive_limit 0\)/);
    expect((await runMetric({ ...check, no_data: 'inconclusive', inconclusive_limit: 1 }, context())).passed).toBe(true);
    const passing = context();
    expect((await runMetric({ ...check, no_data: 'pass' }, passing)).passed).toBe(true);
    expect(measurements(passing)[0]).toMatchObject({ value: null, verdict: 'pass' });
  });

  it('reads NaN as no data, and Prometheus spellings of +Inf and exponents as numbers', async () => {
    const nan = await runMetric({ provider: 'prometheus', query: '0/0', max: 1, no_data: 'fail' }, context());
    expect(nan.message).toMatch(/no data \(NaN: nothing to divide/);
    const inf = context();
    const infinite = await runMetric({ provider: 'prometheus', query: '1/0', max: 10 }, inf);
    expect(infinite.message).toMatch(/^check = \+Inf breached max 10/);
    expect(measurements(inf)[0]!.value).toBe(Infinity);
    const tiny = context();
    expect((await runMetric({ provider: 'prometheus', query: 'vector(1e-7)', max: 1e-6 }, tiny)).passed).toBe(true);
    expect(measurements(tiny)[0]!.value).toBe(1e-7);
    const huge = context();
    expect((await runMetric({ provider: 'prometheus', query: 'vector(1e21)', min: 1e20 }, huge)).passed).toBe(true);
    expect(measurements(huge)[0]!.value).toBe(1e21);
  });

  it('reports a rejected query (bad_data, HTTP 400) as a configuration error at once', async () => {
    const started = Date.now();
    const ctx = context();
    const result = await runMetric({ provider: 'prometheus', query: 'sum(', max: 1, count: 5, interval: '1s' }, ctx);
    expect(result.message).toMatch(/^check: configuration error: prometheus bad_data error \(HTTP 400\): .*parse error/);
    expect(measurements(ctx)).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('counts an unreachable Prometheus as errors, never as passes, and fails past consecutive_error_limit', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const ctx = context({ settings: prometheusAt(down) });
    const result = await runMetric({ metric: 'error_rate', interval: '10ms', consecutive_error_limit: 1 }, ctx);
    expect(result.passed).toBe(false);
    expect(result.message).toMatch(
      /^error_rate: provider error: prometheus is unreachable \(ECONNREFUSED\) \(2 errors in a row, consecutive_error_limit 1\)/,
    );
    expect(measurements(ctx).map((m) => m.verdict)).toEqual(['error', 'error']);
  });

  it('judges a bad canary against its baseline by ratio: a breach, and immediate_ratio fails at once', async () => {
    const spec = {
      metrics: {
        // Steady versions: a second is enough to confirm a breach.
        error_rate: {
          provider: 'prometheus',
          query: errorRate('v3'),
          baseline: { query: errorRate('${previous_version}'), max_ratio: 2, sustain: '1s' },
          interval: '200ms',
        },
      },
    };
    const breach = await runMetric({ metric: 'error_rate' }, context({}, spec));
    expect(breach.message).toMatch(
      /^error_rate = 0\.1\d* is \d(\.\d+)?× baseline 0\.0\d+, above max_ratio 2, sustained 1s \(1 of failure_limit 0\); query: .*; baseline POST .*version="v1"/,
    );
    const immediate = await runMetric(
      { metric: 'error_rate', failure_limit: 5, count: 5, baseline: { query: errorRate('v1'), immediate_ratio: 2, sustain: '1s' } },
      context({}, spec),
    );
    expect(immediate.message).toMatch(/above immediate_ratio 2, sustained 1s \(fails at once\)/);
    const same = await runMetric({ metric: 'error_rate', query: errorRate('v1') }, context({}, spec));
    expect(same.passed, same.message).toBe(true);
  });

  it('runs a Mann-Whitney judgement over range queries: the bad release fails, the stable one passes', async () => {
    const judged = (version: string) => ({
      provider: 'prometheus',
      query: errorRate(version),
      baseline: { query: errorRate('v1') },
      window: '8s',
      step: '500ms',
      analysis: { critical: true },
    });
    const spec = { metrics: { bad_errors: judged('v3'), same_errors: judged('v1') } };
    const ctx = context({}, spec);
    const bad = await runMetric({ judge: { metrics: ['bad_errors'] } }, ctx);
    expect(bad.passed).toBe(false);
    expect(bad.message).toMatch(/^judgement\(bad_errors\): score 0, critical metric bad_errors is High \(bad_errors: High \(p=/);
    const good = await runMetric({ judge: { metrics: ['same_errors'] } }, context({}, spec));
    expect(good.passed, good.message).toBe(true);
    expect(good.message).toMatch(/score 100 ≥ pass 75/);
  });

  it('plans each query as it will be sent, with variables filled in, and lists what is missing', () => {
    const plan = planMetric({ metric: 'error_rate' }, context({ stage: 'watch' }));
    expect(plan.problems).toEqual([]);
    expect(plan.summary).toContain(
      `error_rate: POST ${prometheus.url}/api/v1/query query=${errorRate('v2')} — pass when max 0.02; every 500ms while the phase runs`,
    );
    // The interval is shorter than the provider timeout (10s by default), so the timeout bounds a measurement.
    expect(plan.summary).toMatch(/, no_data inconclusive, 10s deadline per measurement\)$/);
    const missing = planMetric(
      { metric: 'error_rate', baseline: { query: errorRate('${previous_version}'), max_ratio: 2 } },
      context({ settings: { previousVersion: undefined } }),
    );
    expect(missing.problems).toEqual([expect.stringMatching(/^unknown variables? \$\{previous_version\}/)]);
  });
});

describe('Prometheus with basic auth', () => {
  let secured: PrometheusServer;
  beforeAll(async () => {
    secured = await startPrometheus({ targets: [{ address: stable.address }], basicAuth: true });
  });
  afterAll(() => secured?.stop());

  it('a 401 is a configuration error (not no data), with the inputs to check and no secret in sight', async () => {
    const ctx = metricContext(
      {},
      { settings: prometheusAt(secured.url, { username: TEST_BASIC_AUTH.username, password: 'wrong-password-123' }) },
    );
    const result = await runMetric({ provider: 'prometheus', query: 'vector(1)', max: 2, count: 3 }, ctx);
    expect(result.passed).toBe(false);
    expect(result.message).toMatch(
      /^check: configuration error: prometheus refused the credentials \(HTTP 401\): Unauthorized; check the prometheus-token or prometheus-username\/-password inputs/,
    );
    expect(measurements(ctx)).toHaveLength(1);
    expect(JSON.stringify(ctx.events) + result.message).not.toContain('wrong-password-123');
  });

  it('sends basic auth and passes with the right password', async () => {
    const ctx = metricContext(
      {},
      { settings: prometheusAt(secured.url, { username: TEST_BASIC_AUTH.username, password: TEST_BASIC_AUTH.password }) },
    );
    const result = await runMetric({ provider: 'prometheus', query: 'vector(1)', max: 2 }, ctx);
    expect(result.passed, result.message).toBe(true);
  });
});
