import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { sendJson, sendText, startServer, type Handler, type TestServer } from '../../support/http-server';
import { measurements, metricContext, prometheusAt, runMetric } from '../context';

// Faults a real Prometheus will not produce on demand, served the way contracts.md says it answers.
let server: TestServer | undefined;
afterEach(() => server?.close());

const vector = (value: string, labels: Record<string, string> = {}) => ({
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: labels, value: [1735689600.123, value] }] },
});
const apiError = (errorType: string, error: string) => ({ status: 'error', errorType, error });

/** Serves `answers` in turn (the last one repeats) and runs a one-measurement check against them. */
async function against(
  answers: Handler[],
  check: Record<string, unknown> = {},
  inputs: Parameters<typeof prometheusAt>[1] = {},
  spec: Record<string, unknown> = {},
) {
  let calls = 0;
  server = await startServer((req, res) => answers[Math.min(calls++, answers.length - 1)]!(req, res));
  const ctx = metricContext(spec, { settings: prometheusAt(server.url, inputs) });
  const result = await runMetric({ provider: 'prometheus', query: 'up', max: 1, consecutive_error_limit: 0, ...check }, ctx);
  return { result, ctx, requests: server.requests };
}

describe('prometheus provider faults', () => {
  it('POSTs the query form-encoded with bearer auth and extra headers, and keeps the token out of messages', async () => {
    const token = 'prom-token-abcdef-123456';
    const { result, requests } = await against(
      [
        (req, res) =>
          req.headers.authorization === `Bearer ${token}`
            ? sendJson(res, 200, vector('0.5'))
            : sendJson(res, 401, apiError('unauthorized', 'no')),
      ],
      {},
      { token, headers: { 'X-Scope-OrgID': 'team-a' } },
    );
    expect(result.passed, result.message).toBe(true);
    const [request] = requests;
    expect(request).toMatchObject({ method: 'POST', path: '/api/v1/query' });
    expect(request!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request!.headers['x-scope-orgid']).toBe('team-a');
    const form = Object.fromEntries(new URLSearchParams(request!.body));
    expect(form).toEqual({ query: 'up', time: expect.stringMatching(/^\d+(\.\d+)?$/), timeout: '10s' });
    expect(Math.abs(Number(form.time) * 1000 - Date.now())).toBeLessThan(5000);
    expect(result.message).not.toContain(token);
  });

  it('a 401 with a bearer token is a configuration error and the token never shows', async () => {
    const token = 'prom-token-should-not-leak';
    const { result, requests } = await against([(_req, res) => sendText(res, 401, `invalid token ${token}`)], {}, { token });
    expect(result.message).toMatch(
      /^check: configuration error: prometheus refused the credentials \(HTTP 401\): invalid token \*\*\*; check the prometheus-token/,
    );
    expect(result.message).not.toContain(token);
    expect(requests).toHaveLength(1);
  });

  it.each([
    [500, 'internal', 'prometheus internal error (HTTP 500): storage failed'],
    [503, 'timeout', 'prometheus timeout error (HTTP 503): query timed out in expression evaluation'],
    [422, 'execution', 'prometheus execution error (HTTP 422): expanding series: context deadline exceeded'],
  ])('retries HTTP %i (%s) with backoff, then counts it as an error, never a pass', async (status, errorType, expected) => {
    const detail = expected.slice(expected.indexOf('): ') + 3);
    const { result, requests, ctx } = await against([(_req, res) => sendJson(res, status, apiError(errorType, detail))]);
    expect(result.passed).toBe(false);
    expect(result.message).toBe(
      `check: provider error: ${expected} (1 errors in a row, consecutive_error_limit 0); query: POST ${server!.url}/api/v1/query query=up`,
    );
    expect(requests).toHaveLength(3);
    expect(measurements(ctx).map((m) => [m.verdict, m.value])).toEqual([['error', null]]);
  });

  it('recovers when a retry succeeds: a 503 from a proxy, then an answer', async () => {
    const { result, requests } = await against([
      (_req, res) => sendText(res, 503, 'upstream connect error'),
      (_req, res) => sendJson(res, 200, vector('0.2')),
    ]);
    expect(result.passed, result.message).toBe(true);
    expect(requests).toHaveLength(2);
  });

  it('bounds a measurement, its tries included, by the interval or the provider timeout if longer', async () => {
    const started = Date.now();
    // A server that never answers: unbounded, each measurement would take 3 tries × 300ms plus backoff.
    const silent: Handler = () => undefined;
    const { result, ctx } = await against(
      [silent],
      { interval: '100ms', consecutive_error_limit: 1 },
      {},
      { providers: { prometheus: { timeout: '300ms' } } },
    );
    expect(result.message).toMatch(
      /^check: provider error: no reading within the measurement deadline of 300ms \(tries included\) \(2 errors in a row, consecutive_error_limit 1\)/,
    );
    expect(measurements(ctx).map((m) => m.verdict)).toEqual(['error', 'error']);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('waits as long as Retry-After asks on a 429, then succeeds', async () => {
    const started = Date.now();
    const { result, requests } = await against([
      (_req, res) => sendText(res, 429, 'slow down', { 'retry-after': '1' }),
      (_req, res) => sendJson(res, 200, vector('0')),
    ]);
    expect(result.passed, result.message).toBe(true);
    expect(requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it.each([
    [400, 'bad_data', 'parse error: unexpected end of input'],
    [404, 'not_found', 'unknown endpoint'],
    [406, 'not_acceptable', 'not acceptable'],
  ])('HTTP %i (%s) is a configuration error: no retry, fails at once', async (status, errorType, error) => {
    const { result, requests } = await against([(_req, res) => sendJson(res, status, apiError(errorType, error))], {
      count: 3,
      consecutive_error_limit: 5,
    });
    expect(result.message).toMatch(new RegExp(`^check: configuration error: prometheus ${errorType} error \\(HTTP ${status}\\): ${error}`));
    expect(requests).toHaveLength(1);
  });

  it('a text/plain 404 outside the API (wrong URL prefix) is a configuration error', async () => {
    const { result } = await against([(_req, res) => sendText(res, 404, '404 page not found')]);
    expect(result.message).toMatch(/^check: configuration error: prometheus rejected the request \(HTTP 404\): 404 page not found/);
  });

  it('a slow answer past the timeout is an error, retried and counted', async () => {
    const { result, requests } = await against(
      [
        async (_req, res) => {
          // The backend's own slowness, the fault under test.
          await delay(400);
          sendJson(res, 200, vector('0'));
        },
      ],
      {},
      {},
      { providers: { prometheus: { timeout: '100ms' } } },
    );
    expect(result.message).toMatch(/^check: provider error: prometheus did not answer within 100ms \(1 errors in a row/);
    expect(requests).toHaveLength(3);
  });

  it('malformed JSON is a transient error, quoted in the message', async () => {
    const { result } = await against([
      (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"succ'),
    ]);
    expect(result.message).toMatch(/^check: provider error: prometheus answered HTTP 200 with malformed JSON: \{"status":"succ/);
  });

  it('averages several series when told to (reduce: avg), skipping NaN ones', async () => {
    const body = {
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          { metric: { pod: 'a' }, value: [1, '0.01'] },
          { metric: { pod: 'b' }, value: [1, '0.03'] },
          { metric: { pod: 'c' }, value: [1, 'NaN'] },
        ],
      },
    };
    const { result, ctx } = await against([(_req, res) => sendJson(res, 200, body)], { reduce: 'avg', max: 0.025 });
    expect(result.passed, result.message).toBe(true);
    expect(measurements(ctx)[0]!.value).toBeCloseTo(0.02, 10);
  });

  it('refuses a string result: the query must give a number', async () => {
    const { result } = await against([
      (_req, res) => sendJson(res, 200, { status: 'success', data: { resultType: 'string', result: [1, 'hello'] } }),
    ]);
    expect(result.message).toMatch(/configuration error: prometheus returned a string, not a number/);
  });

  it('joins a base URL with a path prefix, sends its credentials as basic auth and never shows them', async () => {
    const { result, requests } = await against([(_req, res) => sendJson(res, 500, apiError('internal', 'x'))], {}, {});
    expect(requests[0]!.path).toBe('/api/v1/query');
    await server!.close();
    server = await startServer((_req, res) => sendJson(res, 200, vector('2')));
    const prefixed = `http://user:pa55word@127.0.0.1:${server.port}/prometheus/`;
    const ctx = metricContext({}, { settings: prometheusAt(prefixed) });
    const failed = await runMetric({ provider: 'prometheus', query: 'up', max: 1 }, ctx);
    expect(server.requests[0]!.path).toBe('/prometheus/api/v1/query');
    // fetch refuses URLs with credentials: they travel as basic auth instead.
    expect(server.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('user:pa55word').toString('base64')}`);
    expect(failed.message).toContain(`query: POST http://127.0.0.1:${server.port}/prometheus/api/v1/query query=up`);
    expect(failed.message + result.message).not.toContain('pa55word');
  });
});
