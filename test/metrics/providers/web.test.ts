import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJson, sendText, startServer, type TestServer } from '../../support/http-server';
import { measurements, metricContext, planMetric, runMetric } from '../context';

let server: TestServer;
let health = 200;
beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.path === '/health') return sendText(res, health, health === 200 ? 'ok' : 'unhealthy');
    if (req.path === '/stats')
      return sendJson(res, 200, { data: { checks: [{ ms: 12 }, { ms: 40 }], ok: true, ratio: '0.5', nested: { a: 1 }, nothing: null } });
    if (req.path === '/echo' && req.method === 'POST')
      return sendJson(res, 200, { got: JSON.parse(req.body).n, token: req.headers['x-token'] });
    sendJson(res, 500, { error: 'boom' });
  });
});
afterAll(() => server?.close());

const context = () => metricContext({ base_url: '${SERVICE_URL}' }, { env: { SERVICE_URL: server.url } });

describe('web provider', () => {
  it('selects a number from JSON by path, resolving a relative URL against base_url', async () => {
    const ctx = context();
    const result = await runMetric({ provider: 'web', query: '/stats', select: '$.data.checks[1].ms', max: 100 }, ctx);
    expect(result.passed, result.message).toBe(true);
    expect(measurements(ctx)[0]).toMatchObject({ value: 40, query: `GET ${server.url}/stats select $.data.checks[1].ms` });
  });

  it('reads numeric strings and booleans, and a missing or null value as no data', async () => {
    expect((await runMetric({ provider: 'web', query: '/stats', select: 'data.ratio', max: 0.5 }, context())).passed).toBe(true);
    expect((await runMetric({ provider: 'web', query: '/stats', select: 'data.ok', min: 1 }, context())).passed).toBe(true);
    const missing = await runMetric({ provider: 'web', query: '/stats', select: 'data.nothing', max: 1, no_data: 'fail' }, context());
    expect(missing.message).toMatch(/^check: no data \(empty result\) → fail/);
  });

  it('an object where a number should be is a configuration error', async () => {
    const result = await runMetric({ provider: 'web', query: '/stats', select: 'data.nested', max: 1 }, context());
    expect(result.message).toMatch(
      /^check: configuration error: data.nested in the answer of GET http:\/\/127.0.0.1:\d+\/stats is \{"a":1\}, not a number/,
    );
  });

  it('$status measures the HTTP status of a health endpoint: a 503 is a failed measurement, not an error', async () => {
    const ctx = context();
    health = 503;
    try {
      const result = await runMetric({ provider: 'web', query: '/health', select: '$status', max: 299 }, ctx);
      expect(result.message).toMatch(/^check = 503 breached max 299 \(1 of failure_limit 0\)/);
      expect(measurements(ctx)[0]!.verdict).toBe('fail');
    } finally {
      health = 200;
    }
  });

  it('a 5xx without $status is a provider error', async () => {
    const result = await runMetric({ provider: 'web', query: '/broken', select: 'x', max: 1, consecutive_error_limit: 0 }, context());
    expect(result.message).toMatch(/^check: provider error: GET http:\/\/127.0.0.1:\d+\/broken failed \(HTTP 500\): \{"error":"boom"\}/);
  });

  it('POSTs a templated body with extra headers', async () => {
    const ctx = metricContext({}, { env: { N: '7' } });
    const result = await runMetric(
      {
        provider: 'web',
        method: 'POST',
        query: `${server.url}/echo`,
        body: '{"n": ${N}}',
        headers: { 'X-Token': 't-${N}' },
        select: 'got',
        min: 7,
        max: 7,
      },
      ctx,
    );
    expect(result.passed, result.message).toBe(true);
    expect(server.requests.at(-1)!.headers['x-token']).toBe('t-7');
  });

  it('a relative URL without base_url or BASE_URL is a problem the plan lists, and a configuration error at run time', async () => {
    const check = { provider: 'web', query: '/health', select: '$status', max: 299 };
    expect(planMetric(check, metricContext()).problems).toEqual([
      'relative URL /health needs launch.base_url or a BASE_URL launch variable',
    ]);
    const result = await runMetric(check, metricContext());
    expect(result.message).toMatch(
      /^check: configuration error: relative URL \/health needs launch.base_url or a BASE_URL launch variable/,
    );
  });

  it('without base_url a relative URL resolves against the BASE_URL launch variable, as http_status does', async () => {
    const ctx = metricContext({}, { env: { BASE_URL: `${server.url}/` } });
    const result = await runMetric({ provider: 'web', query: '/health', select: '$status', max: 299 }, ctx);
    expect(result.passed, result.message).toBe(true);
    expect(measurements(ctx)[0]!.query).toBe(`GET ${server.url}/health select $status`);
  });

  it('refuses a body value that could change the JSON, while headers take any value', () => {
    const ctx = metricContext({}, { env: { V: 'x","admin":true,"y":"', TOKEN: 'a b+/="' } });
    const plan = planMetric(
      {
        provider: 'web',
        method: 'POST',
        query: `${server.url}/echo`,
        body: '{"v": "${V}"}',
        headers: { authorization: 'Bearer ${TOKEN}' },
        select: 'got',
        max: 1,
      },
      ctx,
    );
    expect(plan.problems).toEqual([
      expect.stringMatching(/^\$\{V\} in "\{\\"v\\": \\"\$\{V\}\\"\}" has a value \(21 characters, not shown\)/),
    ]);
  });

  it('cannot be judged (no history)', () => {
    const plan = planMetric(
      { judge: { metrics: ['health'] } },
      metricContext({ metrics: { health: { provider: 'web', query: 'http://x/h', baseline: { query: 'http://y/h' } } } }),
    );
    expect(plan.problems).toEqual(['metric health: the web provider has no history to judge']);
  });
});
