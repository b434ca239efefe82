import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDatadogFake, INCOMPLETE_SHARE, type DatadogFake } from '../../fakes/datadog';
import { DATADOG_SITES } from '../../../src/metrics/providers/datadog';
import { measurements, metricContext, planMetric, runMetric } from '../context';

let fake: DatadogFake;
beforeAll(async () => {
  fake = await startDatadogFake();
});
afterAll(() => fake?.close());
beforeEach(() => {
  fake.requests.length = 0;
  fake.setRateLimit(1000, 60);
});

const ERRORS = 'sum:trace.http.request.errors{service:web,version:v2}.as_count()';
const HITS = 'sum:trace.http.request.hits{service:web,version:v2}.as_count()';
const constant = (value: number | null) => [{ value: () => value }];

function context(
  spec: Record<string, unknown> = {},
  keys: { apiKey?: string; appKey?: string; site?: string } = { apiKey: fake.apiKey, appKey: fake.appKey },
) {
  return metricContext(
    { providers: { datadog: { url: fake.url } }, ...spec },
    { settings: { datadog: { site: 'datadoghq.com', ...keys }, version: 'v2' } },
  );
}

describe('datadog provider (v2 scalar, the default)', () => {
  it('POSTs a scalar_request with both keys, millisecond times and the aggregator, and judges the value', async () => {
    fake.setSeries('avg:app.error_rate{version:v2}', constant(0.01));
    const ctx = context();
    const result = await runMetric({ provider: 'datadog', query: 'avg:app.error_rate{version:${version}}', max: 0.02 }, ctx);
    expect(result.passed, result.message).toBe(true);
    const [request] = fake.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/api/v2/query/scalar' });
    expect(request!.headers['dd-api-key']).toBe(fake.apiKey);
    expect(request!.headers['dd-application-key']).toBe(fake.appKey);
    const { data } = JSON.parse(request!.body);
    expect(data.type).toBe('scalar_request');
    expect(data.attributes.to - data.attributes.from).toBe(300_000);
    // The window ends one step (15s) ago, so the bucket still filling is not aggregated.
    expect(Date.now() - data.attributes.to).toBeGreaterThanOrEqual(15_000);
    expect(data.attributes.queries).toEqual([
      { data_source: 'metrics', name: 'a', query: 'avg:app.error_rate{version:v2}', aggregator: 'avg' },
    ]);
    expect(data.attributes.formulas).toEqual([{ formula: 'a' }]);
    // Were the filling bucket aggregated, the average would sit visibly below 0.01.
    expect(measurements(ctx)[0]!.value).toBeCloseTo(0.01, 12);
  });

  it('reads a canary and its baseline over one window, ending at one evaluation time', async () => {
    fake.setSeries('avg:app.error_rate{version:v2}', constant(0.01));
    fake.setSeries('avg:app.error_rate{version:v1}', constant(0.01));
    const baseline = { query: 'avg:app.error_rate{version:v1}', max_ratio: 2 };
    // One of the two is retried after a backoff, yet asks about the same window.
    fake.failNext({ status: 500, body: { errors: ['internal'] } });
    const result = await runMetric({ provider: 'datadog', query: 'avg:app.error_rate{version:${version}}', baseline }, context());
    expect(result.passed, result.message).toBe(true);
    const windows = fake.requests
      .map((request) => JSON.parse(request.body).data.attributes)
      .map(({ from, to, queries }) => ({ from, to, query: queries[0].query }));
    expect(windows).toHaveLength(3);
    expect(new Set(windows.map((w) => w.query))).toEqual(new Set(['avg:app.error_rate{version:v1}', 'avg:app.error_rate{version:v2}']));
    expect(new Set(windows.map((w) => `${w.from}-${w.to}`)).size).toBe(1);
  });

  it('combines named queries with a formula and reports a breach with the formula in the query', async () => {
    fake.setSeries(ERRORS, constant(5));
    fake.setSeries(HITS, constant(100));
    const result = await runMetric(
      { provider: 'datadog', queries: { errors: ERRORS, hits: HITS }, formula: 'errors / hits', max: 0.02 },
      context(),
    );
    expect(result.message).toMatch(
      /^check = 0\.05 breached max 0\.02 \(1 of failure_limit 0\); query: POST http:\/\/127\.0\.0\.1:\d+\/api\/v2\/query\/scalar errors=sum:trace.* hits=sum:.* formula=errors \/ hits \(avg over the last 5m, up to 15s ago\)$/,
    );
  });

  it('fails on several groups unless told how to reduce them', async () => {
    fake.setSeries('avg:latency{*} by {pod}', [
      { tags: ['pod:a'], value: () => 100 },
      { tags: ['pod:b'], value: () => 300 },
    ]);
    const several = await runMetric({ provider: 'datadog', query: 'avg:latency{*} by {pod}', max: 1000 }, context());
    expect(several.message).toMatch(/configuration error: check returned 2 series \{tags="pod:a"\} \{tags="pod:b"\}/);
    const ctx = context();
    expect((await runMetric({ provider: 'datadog', query: 'avg:latency{*} by {pod}', max: 1000, reduce: 'max' }, ctx)).passed).toBe(true);
    expect(measurements(ctx)[0]!.value).toBe(300);
  });

  it('treats no series and all-null points as no data, never zero', async () => {
    const empty = await runMetric({ provider: 'datadog', query: 'avg:nothing{*}', max: 1, no_data: 'fail' }, context());
    expect(empty.message).toMatch(/^check: no data \(empty result\) → fail by no_data policy/);
    fake.setSeries('avg:gaps{*}', constant(null));
    const gaps = await runMetric({ provider: 'datadog', query: 'avg:gaps{*}', api: 'timeseries', max: 1, no_data: 'fail' }, context());
    expect(gaps.message).toMatch(/^check: no data \(only empty points\)/);
  });
});

describe('datadog provider (v2 timeseries and v1): the newest bucket is incomplete', () => {
  beforeAll(() => fake.setSeries('avg:app.error_rate{*}', constant(0.01)));

  it('v2 timeseries reads the newest complete bucket, not the one still filling', async () => {
    const ctx = context();
    const result = await runMetric(
      { provider: 'datadog', query: 'avg:app.error_rate{*}', api: 'timeseries', step: '10s', min: 0.008 },
      ctx,
    );
    expect(result.passed, result.message).toBe(true);
    expect(measurements(ctx)[0]!.value).toBe(0.01);
    const { data } = JSON.parse(fake.requests[0]!.body);
    expect(data).toMatchObject({ type: 'timeseries_request', attributes: { interval: 10_000, formulas: [{ formula: 'a' }] } });
    expect(INCOMPLETE_SHARE).toBeLessThan(0.8);
  });

  it('v1 sends seconds, reads millisecond points, and skips the newest bucket too', async () => {
    const ctx = context();
    const result = await runMetric({ provider: 'datadog', query: 'avg:app.error_rate{*}', api: 'v1', window: '1m', min: 0.008 }, ctx);
    expect(result.passed, result.message).toBe(true);
    const request = fake.requests[0]!;
    expect(request).toMatchObject({ method: 'GET', path: '/api/v1/query' });
    expect(Number(request.query.get('to')) - Number(request.query.get('from'))).toBe(60);
    expect(measurements(ctx)[0]!.value).toBe(0.01);
  });
});

describe('datadog faults', () => {
  it('honours a 429 with X-RateLimit-Reset, then succeeds', async () => {
    fake.setSeries('avg:ok{*}', constant(1));
    fake.setRateLimit(1, 1);
    const started = Date.now();
    // The first measurement spends the window's one request; the second meets a 429 and waits out the reset.
    const result = await runMetric({ provider: 'datadog', query: 'avg:ok{*}', max: 2, count: 2, interval: '10ms' }, context());
    expect(result.passed, result.message).toBe(true);
    expect(fake.requests).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("a 400 with an errors body is a configuration error carrying Datadog's words", async () => {
    fake.failNext({ status: 400, body: { errors: ['API input validation failed: invalid query avg:'] } });
    const result = await runMetric({ provider: 'datadog', query: 'avg:', max: 1 }, context());
    expect(result.message).toMatch(
      /^check: configuration error: datadog rejected the request \(HTTP 400\): API input validation failed: invalid query avg:/,
    );
  });

  it('wrong keys: 403 is a configuration error, and no key appears anywhere', async () => {
    const keys = { apiKey: 'wrong-api-key-999', appKey: 'wrong-app-key-888' };
    const ctx = context({}, keys);
    const result = await runMetric({ provider: 'datadog', query: 'avg:x{*}', max: 1 }, ctx);
    expect(result.message).toMatch(
      /^check: configuration error: datadog refused the credentials \(HTTP 403\): Forbidden; check the datadog-api-key/,
    );
    const everything = JSON.stringify(ctx.events) + ctx.logs.join('\n') + result.message;
    expect(everything).not.toContain(keys.apiKey);
    expect(everything).not.toContain(keys.appKey);
  });

  it('masks a key that a backend echoes in an error body', async () => {
    fake.failNext(
      ...Array.from({ length: 3 }, () => ({ status: 500, body: { errors: [`internal: key ${fake.apiKey} / ${fake.appKey} over quota`] } })),
    );
    const ctx = context();
    const result = await runMetric({ provider: 'datadog', query: 'avg:x{*}', max: 1, consecutive_error_limit: 0 }, ctx);
    expect(result.message).toMatch(/^check: provider error: datadog failed \(HTTP 500\): internal: key \*\*\* \/ \*\*\* over quota/);
    expect(JSON.stringify(ctx.events) + ctx.logs.join('\n')).not.toContain(fake.apiKey);
  });

  it('missing keys are a plan problem, before anything is sent', () => {
    const plan = planMetric({ provider: 'datadog', query: 'avg:x{*}', max: 1 }, context({}, { apiKey: fake.apiKey }));
    expect(plan.problems).toEqual(['Datadog metric queries need both the datadog-api-key and datadog-app-key inputs']);
  });

  it('a 503 then an answer recovers; malformed JSON and 5xx past the limit fail with why', async () => {
    fake.setSeries('avg:ok{*}', constant(1));
    fake.failNext({ status: 503, body: { errors: ['Service Unavailable'] } });
    expect((await runMetric({ provider: 'datadog', query: 'avg:ok{*}', max: 2 }, context())).passed).toBe(true);
    fake.failNext(...Array.from({ length: 3 }, () => ({ status: 200, raw: '{"data":{"attrib' })));
    const garbled = await runMetric({ provider: 'datadog', query: 'avg:ok{*}', max: 2, consecutive_error_limit: 0 }, context());
    expect(garbled.message).toMatch(
      /^check: provider error: datadog answered HTTP 200 with malformed JSON: \{"data":\{"attrib \(1 errors in a row, consecutive_error_limit 0\)/,
    );
  });

  it('a slow answer past the timeout is an error', async () => {
    fake.failNext(...Array.from({ length: 3 }, () => ({ status: 200, body: {}, delayMs: 300 })));
    const result = await runMetric(
      { provider: 'datadog', query: 'avg:ok{*}', max: 2, consecutive_error_limit: 0 },
      context({ providers: { datadog: { url: fake.url, timeout: '50ms' } } }),
    );
    expect(result.message).toMatch(/^check: provider error: datadog did not answer within 50ms/);
  });
});

describe('datadog sites', () => {
  it.each(DATADOG_SITES)('%s maps to https://api.%s', (site) => {
    const ctx = metricContext(
      { providers: { datadog: { site } } },
      { settings: { datadog: { site: 'datadoghq.com', apiKey: 'api-key-1', appKey: 'app-key-1' } } },
    );
    const plan = planMetric({ provider: 'datadog', query: 'avg:x{*}', max: 1 }, ctx);
    expect(plan.summary).toContain(`POST https://api.${site}/api/v2/query/scalar a=avg:x{*}`);
  });

  it('a datadog-site input other than the default wins over the spec; an unknown site is a problem', () => {
    const ctx = metricContext(
      { providers: { datadog: { site: 'datadoghq.eu' } } },
      { settings: { datadog: { site: 'us5.datadoghq.com', apiKey: 'api-key-1', appKey: 'app-key-1' } } },
    );
    expect(planMetric({ provider: 'datadog', query: 'avg:x{*}', max: 1 }, ctx).summary).toContain('https://api.us5.datadoghq.com/');
    const bad = metricContext({}, { settings: { datadog: { site: 'datadog.example', apiKey: 'api-key-1', appKey: 'app-key-1' } } });
    expect(planMetric({ provider: 'datadog', query: 'avg:x{*}', max: 1 }, bad).problems[0]).toMatch(
      /^unknown Datadog site "datadog.example"/,
    );
  });
});
