import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrometheus, type PrometheusServer } from '../support/prometheus';
import { startMetricsApp, type MetricsApp } from '../support/metrics-app';
import { startHaproxyExporter, steadyRequests, type HaproxyExporter } from '../support/haproxy-exporter';
import { waitFor } from '../support/wait-for';
import { prepareLaunch } from '../../src/spec/prepare';
import { measurements, metricContext, prometheusAt, runMetric } from './context';
import { launchSchema } from '../../src/spec/schema';

// Each Prometheus naming a preset knows, exposed by real apps (prom-client) or by real HAProxy's
// built-in exporter, scraped every second by one real Prometheus. v1 is the stable version, v2 the
// canary the tests break and mend. The thresholds are the product brief's: no query in the spec.
let prometheus: PrometheusServer;
const apps: Record<string, { v1: MetricsApp; v2: MetricsApp }> = {};
let haproxy: HaproxyExporter;
let haproxyTraffic: { stop(): void };

const THRESHOLDS = { error_rate: 0.02, latency_p99_ms: 800, health_check_failures: 3 };
const never = new Promise<void>(() => undefined);

beforeAll(async () => {
  const start = (naming: 'otel-http' | 'http-requests-total', trafficPerSecond = 50) =>
    Promise.all(['v1', 'v2'].map((version) => startMetricsApp({ version, naming, trafficPerSecond }))).then(([v1, v2]) => ({
      v1: v1!,
      v2: v2!,
    }));
  [apps['otel-http'], apps['http-requests-total'], apps.haproxy] = await Promise.all([
    start('otel-http'),
    start('http-requests-total'),
    start('http-requests-total', 0),
  ]);
  // HAProxy's servers are named after the versions they run; its frontend gets the traffic.
  haproxy = await startHaproxyExporter({ v1: apps.haproxy.v1.address, v2: apps.haproxy.v2.address });
  haproxyTraffic = steadyRequests(`${haproxy.url}/work`, 80);
  const targets = [apps['otel-http'], apps['http-requests-total']]
    .flatMap(({ v1, v2 }) => [v1, v2])
    .map((app) => ({ address: app.address }));
  prometheus = await startPrometheus({ targets: [...targets, { address: haproxy.metricsAddress }] });
  await waitFor(
    async () =>
      (await prometheus.query('sum by (service_version) (rate(http_server_request_duration_seconds_count[5s])) > 0')).length === 2 &&
      (await prometheus.query('sum by (version) (rate(http_requests_total[5s])) > 0')).length === 2 &&
      (await prometheus.query('sum by (server) (rate(haproxy_server_http_responses_total[5s])) > 0')).length === 2,
    'traffic from every app and HAProxy in Prometheus',
    30_000,
    200,
  );
});

afterAll(async () => {
  haproxyTraffic?.stop();
  await prometheus?.stop();
  await haproxy?.stop();
  await Promise.all(Object.values(apps).flatMap(({ v1, v2 }) => [v1.close(), v2.close()]));
});

/** A check context whose launch has only a preset and the brief's thresholds, prepared as a launch is. */
const launchFields = (preset: Record<string, unknown>, thresholds: Record<string, number>) => ({
  service: 'app',
  metric_preset: { window: '5s', interval: '500ms', ...preset },
  rollback_threshold: thresholds,
});

function context(preset: Record<string, unknown>, stage: 'gate' | 'watch' = 'gate', thresholds: Record<string, number> = THRESHOLDS) {
  return metricContext(launchFields(preset, thresholds), {
    stage,
    commandDone: stage === 'watch' ? never : undefined,
    prepare: true,
    settings: { ...prometheusAt(prometheus.url), version: 'v2', previousVersion: 'v1' },
  });
}

async function breachOf(
  preset: Record<string, unknown>,
  metric: string,
  inject: () => void,
  mend: () => void,
  thresholds: Record<string, number> = THRESHOLDS,
) {
  const watching = context(preset, 'watch', thresholds);
  const watch = runMetric({ metric }, watching);
  await waitFor(() => measurements(watching).length >= 1, `a first ${metric} measurement`);
  inject();
  try {
    const result = await watch;
    // Healthy before the fault, so the breach is the fault's.
    expect(measurements(watching)[0]!.verdict).toBe('pass');
    return { result };
  } finally {
    mend();
  }
}

const cases = [
  {
    preset: { type: 'otel-http' },
    apps: () => apps['otel-http']!,
    slowMs: 1200,
    errors: /http_server_request_duration_seconds_count\{job="app",service_version="v2",http_response_status_code=~"5\.\."\}\[5s\]/,
  },
  {
    preset: { type: 'http-requests-total' },
    apps: () => apps['http-requests-total']!,
    slowMs: 1200,
    errors: /http_requests_total\{job="app",version="v2",code=~"5\.\."\}\[5s\]/,
  },
  // HAProxy averages the last responses with a slowly moving window: a slower canary shows sooner.
  {
    preset: { type: 'haproxy' },
    apps: () => apps.haproxy!,
    slowMs: 3000,
    errors: /haproxy_server_http_responses_total\{proxy="app",server="v2",code="5xx"\}\[5s\]/,
  },
];

describe.each(cases)('the $preset.type preset against real Prometheus', ({ preset, apps: versions, slowMs, errors }) => {
  it('binds error_rate and latency_p99_ms, and both pass while the canary is healthy', async () => {
    const ctx = context(preset);
    expect(ctx.launch.metrics.error_rate).toMatchObject({ provider: 'prometheus', max: 0.02 });
    expect(ctx.launch.metrics.latency_p99_ms).toMatchObject({ provider: 'prometheus', max: 800 });
    const prepared = prepareLaunch(launchSchema.parse({ phases: [{ id: 'deploy', run: 'true' }], ...launchFields(preset, THRESHOLDS) }));
    expect(prepared.phases[0]!.watch.map((check) => check.name)).toEqual([
      'rollback_threshold.error_rate',
      'rollback_threshold.latency_p99_ms',
    ]);
    for (const metric of ['error_rate', 'latency_p99_ms']) {
      const result = await runMetric({ metric, count: 2 }, ctx);
      expect(result.passed, result.message).toBe(true);
    }
    // Real values, not "no data" passing: the stable and the canary both serve traffic.
    expect(measurements(ctx).every((m) => typeof m.value === 'number')).toBe(true);
  });

  it('error_rate breaches once the canary answers 5xx', async () => {
    const { v2 } = versions();
    const { result } = await breachOf(
      preset,
      'error_rate',
      () => v2.setErrorRate(0.5),
      () => v2.setErrorRate(0),
    );
    expect(result.passed).toBe(false);
    expect(result.message).toMatch(
      /^error_rate = 0\.\d+ breached max 0\.02 \(1 of failure_limit 0\); query: POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query query=sum\(rate\(/,
    );
    expect(result.message).toMatch(errors);
    expect(result.value).toBeGreaterThan(0.02);
  });

  it('latency_p99_ms breaches once the canary slows down', async () => {
    const { v2 } = versions();
    const { result } = await breachOf(
      preset,
      'latency_p99_ms',
      () => v2.setLatency(slowMs),
      () => v2.setLatency(2),
    );
    expect(result.passed).toBe(false);
    expect(result.message).toMatch(/^latency_p99_ms = \d+(\.\d+)? breached max 800 /);
    expect(result.value).toBeGreaterThan(800);
  });
});

describe('a preset comparing against the stable version', () => {
  it('reads the baseline at baseline_version, and a canary worse than max_ratio × stable fails', async () => {
    const { v1, v2 } = apps['http-requests-total']!;
    v1.setErrorRate(0.01);
    try {
      await waitFor(
        async () => (await prometheus.query('sum(rate(http_requests_total{version="v1",code="500"}[5s])) > 0')).length === 1,
        'stable errors in Prometheus',
        15_000,
        200,
      );
      const { result } = await breachOf(
        { type: 'http-requests-total', baseline: { max_ratio: 3, floor: 0.001, sustain: '1s' } },
        'error_rate',
        () => v2.setErrorRate(0.1),
        () => v2.setErrorRate(0),
        { error_rate: 0.5 },
      );
      expect(result.passed).toBe(false);
      expect(result.message).toMatch(/× baseline 0\.0\d+/);
      expect(result.message).toMatch(/baseline POST .*version="v1"/);
    } finally {
      v1.setErrorRate(0);
    }
  });
});
