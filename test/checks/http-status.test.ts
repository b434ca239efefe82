import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpStatusCheck } from '../../src/checks/http-status';
import { startServer, sendText, type TestServer } from '../support/http-server';
import { waitFor } from '../support/wait-for';
import { checkContext, planCheck, runCheck } from '../support/check-context';

let server: TestServer;
let flakyCalls = 0;

beforeAll(async () => {
  server = await startServer((req, res) => {
    const path = req.path.replace(/^\/api/, '');
    switch (path) {
      case '/ok':
        return sendText(res, 200, 'status: UP (build 42)');
      case '/down':
        return sendText(res, 503, 'maintenance');
      case '/flaky':
        return sendText(res, ++flakyCalls < 3 ? 503 : 200, 'warming up');
      case '/slow':
        // Simulated server latency, not a wait for a condition.
        setTimeout(() => sendText(res, 200, 'late'), 300);
        return;
      case '/hang':
        return; // never answers
      case '/redirect':
        return sendText(res, 302, '', { location: '/ok' });
      case '/whoami':
        return sendText(res, 200, String(req.headers.authorization ?? 'nobody'));
      case '/client':
        return sendText(res, 200, `${req.headers['user-agent']}; connection ${req.headers.connection}`);
      case '/stall':
        // Headers and half a body, then nothing: only a deadline that covers the body ends the wait.
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('status: UP');
        return;
      default:
        return sendText(res, 404, 'page not found');
    }
  });
});
afterAll(() => server.close());

const url = (path: string): string => `${server.url}${path}`;
const requestsTo = (path: string): number => server.requests.filter((r) => r.path === path).length;

describe('http_status', () => {
  it('passes on the expected status and reports status and time', async () => {
    const outcome = await runCheck(httpStatusCheck, { endpoint: url('/ok') });
    expect(outcome.passed).toBe(true);
    expect(outcome.value).toBe(200);
    expect(outcome.message).toMatch(new RegExp(`^GET ${url('/ok')} → 200 in \\d+ms$`));
  });

  it('fails after every attempt, counting them, and logs each one', async () => {
    const before = requestsTo('/down');
    const ctx = checkContext();
    const outcome = await runCheck(httpStatusCheck, { endpoint: url('/down'), retries: 3, interval: '10ms' }, ctx);
    expect(outcome).toMatchObject({ passed: false, value: 503, threshold: '200' });
    expect(outcome.message).toBe(`GET ${url('/down')} → 503, expected 200 (3 of 3 attempts failed)`);
    expect(requestsTo('/down') - before).toBe(3);
    expect(ctx.logs).toHaveLength(3);
    expect(ctx.logs[0]).toBe(`attempt 1 of 3: GET ${url('/down')} → 503, expected 200`);
  });

  it('passes when a later attempt succeeds and says which', async () => {
    const outcome = await runCheck(httpStatusCheck, { endpoint: url('/flaky'), retries: 3, interval: '10ms' });
    expect(outcome.passed).toBe(true);
    expect(outcome.message).toContain('(attempt 3 of 3)');
  });

  it('accepts any status of an expected list, and does not follow redirects', async () => {
    expect((await runCheck(httpStatusCheck, { endpoint: url('/down'), expected: [200, 503] })).passed).toBe(true);
    const redirect = await runCheck(httpStatusCheck, { endpoint: url('/redirect'), retries: 1 });
    expect(redirect.message).toBe(`GET ${url('/redirect')} → 302, expected 200 (1 of 1 attempts failed)`);
  });

  it('fails a response slower than max_latency', async () => {
    const slow = await runCheck(httpStatusCheck, { endpoint: url('/slow'), retries: 1, max_latency: '100ms' });
    expect(slow.passed).toBe(false);
    expect(slow.message).toMatch(/→ 200 in \d+ms, above max_latency 100ms \(1 of 1 attempts failed\)$/);
    expect((await runCheck(httpStatusCheck, { endpoint: url('/slow'), retries: 1, max_latency: '5s' })).passed).toBe(true);
  });

  it('checks the body by text and by regular expression', async () => {
    expect((await runCheck(httpStatusCheck, { endpoint: url('/ok'), body_contains: 'UP' })).passed).toBe(true);
    expect((await runCheck(httpStatusCheck, { endpoint: url('/ok'), body_matches: 'build \\d+' })).passed).toBe(true);
    const missing = await runCheck(httpStatusCheck, { endpoint: url('/ok'), retries: 1, body_contains: 'DOWN' });
    expect(missing.message).toBe(`GET ${url('/ok')} → 200, body does not contain "DOWN" (1 of 1 attempts failed)`);
    const unmatched = await runCheck(httpStatusCheck, { endpoint: url('/ok'), retries: 1, body_matches: '^ok$' });
    expect(unmatched.message).toBe(`GET ${url('/ok')} → 200, body does not match /^ok$/ (1 of 1 attempts failed)`);
  });

  it('rejects an invalid regular expression in the config', () => {
    expect(httpStatusCheck.config.safeParse({ endpoint: '/x', body_matches: '(' }).success).toBe(false);
  });

  it('times out each attempt', async () => {
    const begun = performance.now();
    const outcome = await runCheck(httpStatusCheck, { endpoint: url('/hang'), retries: 2, interval: '10ms', timeout: '150ms' });
    expect(outcome.passed).toBe(false);
    expect(outcome.value).toBeUndefined();
    expect(outcome.message).toBe(`GET ${url('/hang')} timed out after 150ms (2 of 2 attempts failed)`);
    expect(performance.now() - begun).toBeLessThan(3000);
  });

  it('times out a body that stops half-way when it has to read the body', async () => {
    const outcome = await runCheck(httpStatusCheck, { endpoint: url('/stall'), body_contains: 'UP (build', retries: 1, timeout: '150ms' });
    expect(outcome).toMatchObject({ passed: false, message: `GET ${url('/stall')} timed out after 150ms (1 of 1 attempts failed)` });
    // Without a body condition the status is enough.
    expect(await runCheck(httpStatusCheck, { endpoint: url('/stall'), retries: 1, timeout: '150ms' })).toMatchObject({
      passed: true,
      value: 200,
    });
  });

  it('names itself and keeps no connection open per host (a rolling launch checks hundreds)', async () => {
    const outcome = await runCheck(httpStatusCheck, { endpoint: url('/client'), body_contains: 'launch-action; connection close' });
    expect(outcome).toMatchObject({ passed: true });
    const chosen = await runCheck(httpStatusCheck, {
      endpoint: url('/client'),
      headers: { 'User-Agent': 'probe/1' },
      body_contains: 'probe/1;',
    });
    expect(chosen).toMatchObject({ passed: true });
  });

  it('stops at once when the signal aborts during a request', async () => {
    const controller = new AbortController();
    const before = requestsTo('/hang');
    const pending = runCheck(httpStatusCheck, { endpoint: url('/hang'), timeout: '30s' }, checkContext({ signal: controller.signal }));
    await waitFor(() => requestsTo('/hang') > before, 'the request to reach the server');
    const begun = performance.now();
    controller.abort();
    const outcome = await pending;
    expect(performance.now() - begun).toBeLessThan(1000);
    expect(outcome).toMatchObject({ passed: false, message: `GET ${url('/hang')} cancelled during attempt 1 of 3` });
  });

  it('stops at once when the signal aborts between attempts', async () => {
    const controller = new AbortController();
    const before = requestsTo('/down');
    const pending = runCheck(httpStatusCheck, { endpoint: url('/down'), interval: '1h' }, checkContext({ signal: controller.signal }));
    await waitFor(() => requestsTo('/down') > before, 'the first attempt');
    controller.abort();
    const outcome = await pending;
    expect(outcome).toMatchObject({ passed: false, value: 503, message: `GET ${url('/down')} cancelled during attempt 2 of 3` });
  });

  it('says when the server is unreachable', async () => {
    const closed = await startServer(() => undefined);
    await closed.close();
    const outcome = await runCheck(httpStatusCheck, { endpoint: `${closed.url}/health`, retries: 1 });
    expect(outcome.passed).toBe(false);
    expect(outcome.message).toMatch(new RegExp(`^GET ${closed.url}/health failed: .*ECONNREFUSED.* \\(1 of 1 attempts failed\\)$`));
  });

  it('resolves a relative endpoint against a templated base_url (path kept)', async () => {
    const ctx = checkContext({ baseUrl: '${BASE_URL}/api/', env: { BASE_URL: server.url } });
    const outcome = await runCheck(httpStatusCheck, { endpoint: '/ok' }, ctx);
    expect(outcome.passed).toBe(true);
    expect(outcome.message).toContain(`GET ${server.url}/api/ok → 200`);
    expect(planCheck(httpStatusCheck, { endpoint: '/ok' }, ctx)).toEqual({
      summary: `GET ${server.url}/api/ok expects 200 (3 attempts 2s apart, 5s timeout each)`,
      problems: [],
    });
  });

  it('sends templated headers and URL credentials without showing secrets', async () => {
    const ctx = checkContext({ env: { TOKEN: 's3cr3t-token' } });
    const withHeader = await runCheck(
      httpStatusCheck,
      { endpoint: url('/whoami'), body_contains: 'Bearer s3cr3t-token', headers: { Authorization: 'Bearer ${TOKEN}' } },
      ctx,
    );
    expect(withHeader.passed).toBe(true);
    expect(withHeader.message).not.toContain('s3cr3t');

    const basic = `Basic ${Buffer.from('deployer:hunter22').toString('base64')}`;
    const withUser = await runCheck(httpStatusCheck, {
      endpoint: url('/whoami').replace('://', '://deployer:hunter22@'),
      body_contains: basic,
    });
    expect(withUser.passed).toBe(true);
    expect(withUser.message).not.toContain('hunter22');
    expect(withUser.message).toContain(`GET ${url('/whoami')} → 200`);
  });

  it('plans with problems when the endpoint cannot be resolved', () => {
    expect(planCheck(httpStatusCheck, { endpoint: '/health' }).problems).toEqual([
      'launch.base_url is not set and defaults to ${BASE_URL}, which is not a launch variable' +
        ' (set launch.base_url, or BASE_URL in launch.vars or the vars input)',
    ]);
    const [missing] = planCheck(httpStatusCheck, { endpoint: 'https://${HOST}/health' }).problems;
    expect(missing).toContain('${HOST}');
    const [badBase] = planCheck(httpStatusCheck, { endpoint: '/health' }, checkContext({ baseUrl: '${BASE_URL}' })).problems;
    expect(badBase).toContain('launch.base_url');
    expect(badBase).toContain('${BASE_URL}');
    expect(planCheck(httpStatusCheck, { endpoint: 'ftp://host/x' }).problems[0]).toContain('does not make an http(s) URL');
  });

  it('fails a run whose endpoint cannot be resolved, without a request', async () => {
    const outcome = await runCheck(httpStatusCheck, { endpoint: '/health' });
    expect(outcome.passed).toBe(false);
    expect(outcome.message).toContain('launch.base_url is not set and defaults to ${BASE_URL}');
  });

  it('refuses a template value that would change the path, as web metrics do, and sends nothing', async () => {
    const before = server.requests.length;
    const ctx = checkContext({ env: { LAUNCH_VERSION: '../../admin' } });
    const endpoint = `${server.url}/api/\${LAUNCH_VERSION}/ok`;
    const [problem] = planCheck(httpStatusCheck, { endpoint }, ctx).problems;
    expect(problem).toMatch(/^endpoint: \$\{LAUNCH_VERSION\} in ".*" has a value \(11 characters, not shown\) containing "\/"/);
    expect(problem).not.toContain('admin');
    const outcome = await runCheck(httpStatusCheck, { endpoint, retries: 1 }, ctx);
    expect(outcome.passed).toBe(false);
    expect(outcome.message).toContain('${LAUNCH_VERSION}');
    // A value of dots alone walks up the path too; the relative endpoint and base_url obey the same rule.
    expect(planCheck(httpStatusCheck, { endpoint }, checkContext({ env: { LAUNCH_VERSION: '..' } })).problems[0]).toContain('only dots');
    const based = checkContext({ baseUrl: `${server.url}/\${TENANT}`, env: { TENANT: 'a/../../admin' } });
    expect(planCheck(httpStatusCheck, { endpoint: '/ok' }, based).problems[0]).toMatch(/^launch\.base_url: \$\{TENANT\}/);
    expect(server.requests.length).toBe(before);
  });

  it('still takes a host and port in the authority, and a whole base URL at the start', async () => {
    const ctx = checkContext({ env: { INSTANCE: server.url.replace('http://', ''), BASE: server.url, LAUNCH_VERSION: 'v1.2.3' } });
    expect((await runCheck(httpStatusCheck, { endpoint: 'http://${INSTANCE}/ok' }, ctx)).passed).toBe(true);
    expect((await runCheck(httpStatusCheck, { endpoint: '${BASE}/ok' }, ctx)).passed).toBe(true);
    expect(planCheck(httpStatusCheck, { endpoint: 'http://${INSTANCE}/${LAUNCH_VERSION}/ok' }, ctx).problems).toEqual([]);
    expect(
      planCheck(httpStatusCheck, { endpoint: 'http://${INSTANCE}@evil.example/ok' }, checkContext({ env: { INSTANCE: 'a@b' } }))
        .problems[0],
    ).toContain('"@"');
  });
});
