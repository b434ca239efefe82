import { afterEach, describe, expect, it } from 'vitest';
import { sendJson, startServer, type TestServer } from '../support/http-server';
import { measurements, metricContext, prometheusAt, runMetric } from './context';

// Which evaluation time each query is asked about, against a Prometheus stand-in that answers by
// query and `time` as the HTTP API does (contracts.md): the canary reads `canary`, the baseline `stable`.
let server: TestServer | undefined;
afterEach(() => server?.close());

type Answer = (query: string, time: number, attempt: number) => { status: number; value?: string };

async function prometheusAnswering(answer: Answer) {
  const attempts = new Map<string, number>();
  server = await startServer((req, res) => {
    const form = new URLSearchParams(req.body);
    const key = `${form.get('query')} ${form.get('time')}`;
    attempts.set(key, (attempts.get(key) ?? 0) + 1);
    const { status, value } = answer(form.get('query')!, Number(form.get('time')), attempts.get(key)!);
    if (status !== 200) return sendJson(res, status, { status: 'error', errorType: 'unavailable', error: 'try again' });
    sendJson(res, 200, {
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: {}, value: [Number(form.get('time')), value] }] },
    });
  });
  return server;
}

const asked = (srv: TestServer) =>
  srv.requests
    .map((request) => Object.fromEntries(new URLSearchParams(request.body)))
    .map(({ query, time }) => ({ query, time: Number(time) }));

function check(url: string, baseline: Record<string, unknown>) {
  const ctx = metricContext({}, { settings: prometheusAt(url) });
  return {
    ctx,
    run: () =>
      runMetric({ provider: 'prometheus', query: 'canary', baseline: { query: 'stable', ...baseline }, consecutive_error_limit: 0 }, ctx),
  };
}

describe('one evaluation time per measurement', () => {
  it('asks about the canary and its baseline at the same time, a retry included', async () => {
    // The baseline's first try fails: its retry comes later, yet asks about the same instant.
    const srv = await prometheusAnswering((query, _time, attempt) =>
      query === 'stable' && attempt === 1 ? { status: 503 } : { status: 200, value: '0.01' },
    );
    const before = Date.now();
    const { run } = check(srv.url, { max_ratio: 2 });
    const result = await run();
    expect(result.passed, result.message).toBe(true);
    const queries = asked(srv);
    expect(queries.map((q) => q.query).sort()).toEqual(['canary', 'stable', 'stable']);
    expect(new Set(queries.map((q) => q.time)).size).toBe(1);
    expect(queries[0]!.time * 1000).toBeGreaterThanOrEqual(before);
  });

  it('counts a ratio breach only when it held `sustain` earlier too, read at one earlier time', async () => {
    // The canary is 3× its baseline only at the newest instant: a scrape-offset blip, not a worse canary.
    let now = 0;
    const srv = await prometheusAnswering((query, time) => {
      now = Math.max(now, time);
      return { status: 200, value: query === 'canary' && time === now ? '0.03' : '0.01' };
    });
    const { run, ctx } = check(srv.url, { max_ratio: 2, sustain: '20s' });
    const blip = await run();
    expect(blip.passed, blip.message).toBe(true);
    expect(measurements(ctx)[0]!.verdict).toBe('pass');
    expect(blip.message).toMatch(
      /^check = 0\.03 is 3× baseline 0\.01, above max_ratio 2, not sustained: 20s before, check = 0\.01 is 1× baseline 0\.01/,
    );
    const [latest, earlier] = [...new Set(asked(srv).map((q) => q.time))];
    expect(asked(srv)).toHaveLength(4);
    expect(blip.threshold).toBe('≤ 2× baseline and breaches sustained 20s');
    expect(Math.round((latest! - earlier!) * 1000)).toBe(20_000);
  });

  it('fails a sustained breach; immediate_ratio fails at once only when both readings are above it', async () => {
    let now = 0;
    // Newest instant: 6× baseline; 20 s before: 3×.
    const srv = await prometheusAnswering((query, time) => {
      now = Math.max(now, time);
      if (query === 'stable') return { status: 200, value: '0.01' };
      return { status: 200, value: time === now ? '0.06' : '0.03' };
    });
    const counted = await check(srv.url, { max_ratio: 2, immediate_ratio: 5, sustain: '20s' }).run();
    expect(counted.message).toMatch(/^check = 0\.06 is 6× baseline 0\.01, above immediate_ratio 5, sustained 20s \(1 of failure_limit 0\)/);
    const ctx = metricContext({}, { settings: prometheusAt(srv.url) });
    const tolerated = await runMetric(
      {
        provider: 'prometheus',
        query: 'canary',
        baseline: { query: 'stable', max_ratio: 2, immediate_ratio: 5, sustain: '20s' },
        failure_limit: 1,
        count: 2,
        interval: '10ms',
      },
      ctx,
    );
    // Never above immediate_ratio at both times: each is an ordinary failed measurement.
    expect(tolerated.message).toMatch(/\(2 of failure_limit 1\)/);
    expect(measurements(ctx).map((m) => m.verdict)).toEqual(['fail', 'fail']);
  });
});
