import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSpec } from '../../src/spec/load';
import { prepareLaunch } from '../../src/spec/prepare';
import { SpecError } from '../../src/spec/problems';
import { renderPlan } from '../../src/report/plan';
import { defaultSettings } from '../../src/settings/inputs';
import { healthCheckFailureLimit, thresholdWarnings } from '../../src/metrics/definition/thresholds';
import { startDatadogFake, type DatadogFake } from '../fakes/datadog';
import { SEED_SPEC } from '../support/seed';
import { measurements, metricContext, runMetric } from './context';
import { checkLaunch } from '../../src/runner/check-launch';

const seed = readFileSync(SEED_SPEC, 'utf8');
/** The brief's template with a preset added under `launch:`, every other line as written. */
const seedWith = (lines: string) => seed.replace(/^launch:\n/m, `launch:\n${lines.replace(/^/gm, '  ')}\n`);

function problems(text: string): string[] {
  try {
    parseSpec(text, 'launch.yml');
  } catch (error) {
    if (error instanceof SpecError) return error.message.split('\n');
    throw error;
  }
  return [];
}

describe('metric_preset in a spec', () => {
  it('the seed template with a preset binds all three thresholds without a query', () => {
    const launch = prepareLaunch(parseSpec(seedWith('service: checkout\nmetric_preset: { type: http-requests-total }'), 'launch.yml'));
    expect(launch.metrics.error_rate).toMatchObject({ provider: 'prometheus', max: 0.02, no_data: 'pass' });
    expect(launch.metrics.latency_p99_ms).toMatchObject({ provider: 'prometheus', max: 800 });
    expect(healthCheckFailureLimit(launch)).toBe(3);
    expect(thresholdWarnings(launch)).toEqual([]);
    for (const phase of launch.phases)
      expect(phase.watch.map((check) => check.name)).toEqual(['rollback_threshold.error_rate', 'rollback_threshold.latency_p99_ms']);
    // Unchanged, the template still loads, and says what a preset would enforce.
    expect(thresholdWarnings(prepareLaunch(parseSpec(seed, 'launch.yml')))).toHaveLength(2);
  });

  it('refuses an unknown preset with its file, line and a did-you-mean, and unknown or unsafe options too', () => {
    expect(problems('launch:\n  metric_preset: { type: http-request-total }\n  phases: [{ id: a, run: "true" }]\n')).toEqual([
      'launch.yml:2:26: launch.metric_preset.type: unknown metric preset "http-request-total"' +
        " (did you mean 'http-requests-total'?); expected one of: otel-http, http-requests-total, haproxy, datadog-apm",
    ]);
    expect(
      problems('launch:\n  metric_preset:\n    type: otel-http\n    lables: { version: v }\n  phases: [{ id: a, run: "true" }]\n'),
    ).toEqual(["launch.yml:4:5: launch.metric_preset.lables: unknown key 'lables' (did you mean 'labels'?)"]);
    const [unsafe] = problems(
      'launch:\n  metric_preset: { type: haproxy, service: \'app"} or vector(0)\' }\n  phases: [{ id: a, run: "true" }]\n',
    );
    expect(unsafe).toMatch(/^launch\.yml:2:\d+: launch\.metric_preset\.service: expected letters, digits/);
    expect(
      problems(
        'launch:\n  metric_preset: { type: otel-http, labels: { version: "service.version" } }\n  phases: [{ id: a, run: "true" }]\n',
      )[0],
    ).toMatch(/launch\.metric_preset\.labels\.version: expected a Prometheus label name/);
  });

  it("yields each naming's queries with the label names given, and the stable version's as baseline", () => {
    const launch = prepareLaunch(
      parseSpec(
        `launch:
  metric_preset:
    type: http-requests-total
    service: checkout
    labels: { service: app, status: status_code }
    match: { env: prod }
    window: 2m
    baseline: { max_ratio: 2, immediate_ratio: 5, floor: 0.001 }
  phases: [{ id: a, run: "true" }]
`,
        'launch.yml',
      ),
    );
    const selector = (version: string) => `app="checkout",version="${version}",env="prod"`;
    expect(launch.metrics.error_rate).toEqual({
      provider: 'prometheus',
      query:
        `sum(rate(http_requests_total{${selector('${version}')},status_code=~"5.."}[2m]))` +
        ` / sum(rate(http_requests_total{${selector('${version}')}}[2m]))`,
      baseline: {
        query:
          `sum(rate(http_requests_total{${selector('${previous_version}')},status_code=~"5.."}[2m]))` +
          ` / sum(rate(http_requests_total{${selector('${previous_version}')}}[2m]))`,
        max_ratio: 2,
        immediate_ratio: 5,
        floor: 0.001,
        sustain: 30_000,
      },
      // One rate window apart, so a judgement's samples do not overlap.
      step: 120_000,
      no_data: 'pass',
    });
    expect(launch.metrics.latency_p99_ms!.query).toBe(
      `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${selector('${version}')}}[2m]))) * 1000`,
    );
  });

  it("a metric of the same name in launch.metrics replaces the preset's, and the plan shows which came from where", () => {
    const launch = prepareLaunch(
      parseSpec(
        `launch:
  service: checkout
  metric_preset: { type: otel-http }
  metrics:
    error_rate: { provider: prometheus, query: 'sum(rate(my_errors[1m]))' }
  rollback_threshold: { error_rate: 0.01, latency_p99_ms: 500 }
  phases: [{ id: a, run: "true" }]
`,
        'launch.yml',
      ),
    );
    expect(launch.metrics.error_rate).toEqual({ provider: 'prometheus', query: 'sum(rate(my_errors[1m]))', max: 0.01 });
    const settings = { ...defaultSettings(), version: 'v2', prometheus: { url: 'http://prom:9090', headers: {} } };
    const plan = renderPlan(launch, checkLaunch(launch, settings), {}, process.cwd()).text.split('\n');
    expect(plan.slice(1, 4)).toEqual([
      'Metric preset otel-http:',
      '   error_rate: replaced by launch.metrics.error_rate',
      '   latency_p99_ms: prometheus histogram_quantile(0.99, sum by (le)' +
        ' (rate(http_server_request_duration_seconds_bucket{job="${service}",service_version="${version}"}[1m]))) * 1000',
    ]);
    // The watch shows the query as it will be sent.
    expect(plan.find((line) => line.includes('rollback_threshold.latency_p99_ms'))).toContain(
      'query=histogram_quantile(0.99, sum by (le)' +
        ' (rate(http_server_request_duration_seconds_bucket{job="checkout",service_version="v2"}[1m]))) * 1000 — pass when max 500',
    );
  });

  it('without a service, the plan names the missing value instead of querying every service', () => {
    const launch = prepareLaunch(
      parseSpec(
        'launch:\n  metric_preset: { type: haproxy }\n  rollback_threshold: { error_rate: 0.01 }\n  phases: [{ id: a, run: "true" }]\n',
        'launch.yml',
      ),
    );
    const settings = { ...defaultSettings(), version: 'v2', prometheus: { url: 'http://prom:9090', headers: {} } };
    expect(renderPlan(launch, checkLaunch(launch, settings), {}, process.cwd()).problems).toEqual([
      expect.stringMatching(/^a → watch 'rollback_threshold\.error_rate': .*\$\{service\}/),
    ]);
  });
});

describe('the datadog-apm preset against the Datadog fake', () => {
  let fake: DatadogFake;
  beforeAll(async () => {
    fake = await startDatadogFake();
  });
  afterAll(() => fake?.close());

  function context() {
    return metricContext(
      {
        service: 'web',
        providers: { datadog: { url: fake.url } },
        metric_preset: { type: 'datadog-apm', match: { env: 'prod' }, baseline: true },
        rollback_threshold: { error_rate: 0.02, latency_p99_ms: 800 },
      },
      {
        prepare: true,
        settings: { datadog: { site: 'datadoghq.com', apiKey: fake.apiKey, appKey: fake.appKey }, version: 'v2', previousVersion: 'v1' },
      },
    );
  }
  const constant = (value: number) => [{ value: () => value }];

  it('asks for trace.http.request.errors / .hits and the p99 of the trace.http.request distribution, and judges them', async () => {
    const filter = (version: string) => `{service:web,version:${version},env:prod}`;
    fake.setSeries(`sum:trace.http.request.errors${filter('v2')}.as_count()`, constant(6));
    fake.setSeries(`sum:trace.http.request.hits${filter('v2')}.as_count()`, constant(100));
    fake.setSeries(`sum:trace.http.request.errors${filter('v1')}.as_count()`, constant(1));
    fake.setSeries(`sum:trace.http.request.hits${filter('v1')}.as_count()`, constant(100));
    fake.setSeries(`p99:trace.http.request${filter('v2')}`, constant(0.3));
    fake.setSeries(`p99:trace.http.request${filter('v1')}`, constant(0.25));

    fake.requests.length = 0;
    const errors = await runMetric({ metric: 'error_rate' }, context());
    expect(errors.passed).toBe(false);
    expect(errors.message).toMatch(/^error_rate = 0\.06 breached max 0\.02/);
    const sent = fake.requests.map((request) => JSON.parse(request.body).data.attributes);
    expect(sent.map((attributes) => attributes.formulas)).toEqual([[{ formula: 'errors / hits' }], [{ formula: 'errors / hits' }]]);
    expect(sent[0].queries).toEqual([
      { data_source: 'metrics', name: 'errors', query: `sum:trace.http.request.errors${filter('v2')}.as_count()`, aggregator: 'sum' },
      { data_source: 'metrics', name: 'hits', query: `sum:trace.http.request.hits${filter('v2')}.as_count()`, aggregator: 'sum' },
    ]);
    expect(sent[0].to - sent[0].from).toBe(60_000);
    expect(sent[1].queries[0].query).toBe(`sum:trace.http.request.errors${filter('v1')}.as_count()`);

    fake.requests.length = 0;
    const ctx = context();
    const latency = await runMetric({ metric: 'latency_p99_ms' }, ctx);
    expect(latency.passed, latency.message).toBe(true);
    expect(measurements(ctx)[0]!.value).toBeCloseTo(300);
    const [request] = fake.requests.map((r) => JSON.parse(r.body).data.attributes);
    expect(request.queries).toEqual([
      { data_source: 'metrics', name: 'p99', query: `p99:trace.http.request${filter('v2')}`, aggregator: 'percentile' },
    ]);
    expect(request.formulas).toEqual([{ formula: 'p99 * 1000' }]);
  });
});
