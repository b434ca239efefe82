import { afterEach, describe, expect, it } from 'vitest';
import { RequestFailure } from '../../src/http/request-failure';
import { redactUrl, timedFetch } from '../../src/http/timed-fetch';
import { parseJson } from '../../src/http/json';
import { sendText, startServer, type TestServer } from '../support/http-server';

let server: TestServer | undefined;
afterEach(() => server?.close());

const text = (response: Response) => response.text();

describe('timedFetch', () => {
  it('sends credentials in the URL as basic auth, never in the URL', async () => {
    server = await startServer((_req, res) => sendText(res, 200, 'ok'));
    const url = new URL(server.url);
    url.username = 'user';
    url.password = 'p@ss';
    expect(await timedFetch(url, {}, { timeoutMs: 1000 }, text)).toBe('ok');
    expect(server.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('user:p@ss').toString('base64')}`);
  });

  it('tells a timeout from an unreachable server, with its system error code', async () => {
    server = await startServer(() => undefined);
    const timedOut = await timedFetch(server.url, {}, { timeoutMs: 50 }, text).catch((error: unknown) => error);
    expect(timedOut).toMatchObject({ kind: 'timeout', message: 'timed out after 50ms' });
    const closed = await startServer(() => undefined);
    await closed.close();
    const refused = await timedFetch(closed.url, {}, { timeoutMs: 1000 }, text).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RequestFailure);
    expect(refused).toMatchObject({ kind: 'unreachable', code: 'ECONNREFUSED' });
  });

  it("reports the caller's abort as cancelled, not as a timeout", async () => {
    server = await startServer(() => undefined);
    const controller = new AbortController();
    const pending = timedFetch(server.url, {}, { timeoutMs: 10_000, signal: controller.signal }, text).catch((error: unknown) => error);
    controller.abort();
    expect(await pending).toMatchObject({ kind: 'cancelled' });
  });
});

describe('redactUrl', () => {
  it('drops user and password, and leaves other text as written', () => {
    expect(redactUrl('https://user:secret@prom.example.com/api')).toBe('https://prom.example.com/api');
    expect(redactUrl('https://prom.example.com')).toBe('https://prom.example.com');
    expect(redactUrl('not a url')).toBe('not a url');
  });
});

describe('parseJson', () => {
  it('is undefined for text that is not JSON', () => {
    expect(parseJson('{"a":1}')).toEqual({ a: 1 });
    expect(parseJson('<html>502</html>')).toBeUndefined();
  });
});
