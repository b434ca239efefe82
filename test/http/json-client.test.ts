import { afterEach, describe, expect, it } from 'vitest';
import {
  defaultRetryPolicy,
  fetchWithRetry,
  readRetryAfter,
  sendJson,
  type NotifierRetrySettings as RetryPolicy,
} from '../../src/http/json-client';
import { sendText, startServer, type TestServer } from '../support/http-server';

let server: TestServer | undefined;
afterEach(() => server?.close());

function policy(sleeps: number[], overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return { ...defaultRetryPolicy, attempts: 4, baseMs: 100, sleep: async (ms) => void sleeps.push(ms), ...overrides };
}

const response = (status: number, headers: Record<string, string>) => new Response(null, { status, headers });

describe('fetchWithRetry', () => {
  it('retries 5xx with doubling waits, then returns the last answer', async () => {
    server = await startServer((_req, res) => sendText(res, 503, 'down'));
    const sleeps: number[] = [];
    const reply = await fetchWithRetry(server.url, { method: 'GET' }, policy(sleeps), readRetryAfter);
    expect(reply.status).toBe(503);
    expect(sleeps).toEqual([100, 200, 400]);
    expect(server.requests).toHaveLength(4);
  });

  it('does not retry other client errors', async () => {
    server = await startServer((_req, res) => sendText(res, 400, 'bad'));
    const sleeps: number[] = [];
    expect((await fetchWithRetry(server.url, {}, policy(sleeps), readRetryAfter)).status).toBe(400);
    expect(sleeps).toEqual([]);
  });

  it('returns a rate limit that resets later than it is willing to wait', async () => {
    server = await startServer((_req, res) => sendText(res, 429, 'slow down', { 'retry-after': '60' }));
    const sleeps: number[] = [];
    expect((await fetchWithRetry(server.url, {}, policy(sleeps), readRetryAfter)).status).toBe(429);
    expect(sleeps).toEqual([]);
  });

  it('retries when nothing answers, then says so', async () => {
    const closed = await startServer(() => undefined);
    await closed.close();
    const sleeps: number[] = [];
    await expect(fetchWithRetry(closed.url, {}, policy(sleeps, { attempts: 2 }), readRetryAfter)).rejects.toThrow(
      /no response after 2 tries: fetch failed \(ECONNREFUSED\)/,
    );
    expect(sleeps).toEqual([100]);
  });

  it('gives up on a hung server after its per-try timeout', async () => {
    server = await startServer(() => undefined);
    await expect(fetchWithRetry(server.url, {}, policy([], { attempts: 1, timeoutMs: 50 }), readRetryAfter)).rejects.toThrow(
      'no response after 1 tries: timed out',
    );
  });
});

describe('sendJson', () => {
  it('redacts secrets in every string of the body, escaped forms included', async () => {
    server = await startServer((_req, res) => sendText(res, 200, 'ok'));
    const secret = 'pa"ss\\word';
    const redact = (text: string) => text.split(secret).join('***');
    await sendJson(
      server.url,
      { method: 'POST', headers: {}, body: { text: `token ${secret}`, nested: [secret] } },
      { policy: policy([]), redact },
    );
    expect(JSON.parse(server.requests[0]!.body)).toEqual({ text: 'token ***', nested: ['***'] });
  });
});

describe('readRetryAfter', () => {
  it('reads Retry-After as seconds or as a date', () => {
    expect(readRetryAfter(response(429, { 'retry-after': '3' }), 0)).toBe(3000);
    expect(readRetryAfter(response(429, { 'retry-after': 'Thu, 01 Jan 1970 00:00:05 GMT' }), 1000)).toBe(4000);
    expect(readRetryAfter(response(429, {}), 0)).toBeUndefined();
  });
});
