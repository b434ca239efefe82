import type { ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { sendJson, startServer, type RecordedRequest, type TestServer } from '../support/http-server';

/**
 * A Datadog metrics API double speaking /work/shared/contracts.md: v1 query, v2 timeseries and scalar
 * (formulas), key checks, `{"errors":[...]}` bodies, X-RateLimit-* headers and 429. Not a query
 * engine: each query string maps to series the test sets.
 */

export interface FakeSeries {
  tags?: string[];
  /** The value of the bucket starting at `t` (ms); null for a gap. */
  value: (t: number) => number | null;
}

export interface CannedResponse {
  status: number;
  /** JSON body, or raw text when `raw` is set. */
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  /** Answer only after this long (a slow backend). */
  delayMs?: number;
}

export interface DatadogFake {
  url: string;
  requests: RecordedRequest[];
  readonly apiKey: string;
  readonly appKey: string;
  setSeries(query: string, series: FakeSeries[]): void;
  /** The next requests get these answers, in order, before normal service resumes. */
  failNext(...responses: CannedResponse[]): void;
  /** At most `limit` requests per `periodSeconds` window; over it, 429. */
  setRateLimit(limit: number, periodSeconds: number): void;
  close(): Promise<void>;
}

/** Bucket width the fake uses for v1 and for scalar aggregation; v2 timeseries uses the request's interval. */
export const FAKE_BUCKET_MS = 10_000;
/** A bucket still filling reports this share of its final value, as real Datadog under-counts. */
export const INCOMPLETE_SHARE = 0.25;
const AGGREGATORS = ['avg', 'min', 'max', 'sum', 'last', 'percentile', 'mean', 'l2norm', 'area'];

class BadRequest extends Error {}

interface Query {
  name: string;
  query: string;
  aggregator?: string;
}

function bucketTimes(from: number, to: number, step: number): number[] {
  const times: number[] = [];
  for (let t = Math.floor(from / step) * step; t <= to; t += step) times.push(t);
  return times;
}

/** Values of one series over buckets of `width`; a bucket that has not ended yet is incomplete. */
function sample(series: FakeSeries, times: number[], width: number): (number | null)[] {
  const now = Date.now();
  return times.map((t) => {
    const value = series.value(t);
    return value !== null && t + width > now ? value * INCOMPLETE_SHARE : value;
  });
}

const FORMULA = /^\s*([a-z][a-z0-9_]*)\s*(?:([-+*/])\s*([a-z][a-z0-9_]*|\d+(?:\.\d+)?))?\s*$/;

/** Enough of Datadog's formula language for tests: `a`, `a / b`, `a * 100`. */
function applyFormula(formula: string, byName: Map<string, (number | null)[][]>): (number | null)[][] {
  const match = FORMULA.exec(formula);
  if (!match) throw new BadRequest(`API input validation failed: unsupported formula ${formula}`);
  const [, left, operator, right] = match;
  const leftValues = byName.get(left!);
  if (!leftValues) throw new BadRequest(`API input validation failed: formula uses unknown query ${left}`);
  if (!operator) return leftValues;
  const rightValues = /^\d/.test(right!) ? undefined : byName.get(right!);
  if (!rightValues && !/^\d/.test(right!)) throw new BadRequest(`API input validation failed: formula uses unknown query ${right}`);
  const ops: Record<string, (a: number, b: number) => number> = {
    '+': (a, b) => a + b,
    '-': (a, b) => a - b,
    '*': (a, b) => a * b,
    '/': (a, b) => a / b,
  };
  return leftValues.map((row, s) =>
    row.map((a, i) => {
      const b = rightValues ? (rightValues[s]?.[i] ?? null) : Number(right);
      return a === null || b === null ? null : ops[operator]!(a, b);
    }),
  );
}

function aggregate(values: (number | null)[], aggregator: string): number | null {
  const present = values.filter((v): v is number => v !== null);
  if (!present.length) return null;
  switch (aggregator) {
    case 'min':
      return Math.min(...present);
    case 'max':
      return Math.max(...present);
    case 'sum':
      return present.reduce((a, b) => a + b, 0);
    case 'last':
      return present.at(-1)!;
    default:
      return present.reduce((a, b) => a + b, 0) / present.length;
  }
}

export async function startDatadogFake(
  keys = { apiKey: 'dd-api-key-secret-1234', appKey: 'dd-app-key-secret-5678' },
): Promise<DatadogFake> {
  const seriesByQuery = new Map<string, FakeSeries[]>();
  const canned: CannedResponse[] = [];
  let rateLimit: { limit: number; periodMs: number } | undefined;
  let window = { start: 0, used: 0 };

  const rateHeaders = (): Record<string, string> => {
    if (!rateLimit) return {};
    const now = Date.now();
    if (now - window.start >= rateLimit.periodMs) window = { start: now, used: 0 };
    window.used += 1;
    return {
      'X-RateLimit-Limit': String(rateLimit.limit),
      'X-RateLimit-Period': String(rateLimit.periodMs / 1000),
      'X-RateLimit-Remaining': String(Math.max(0, rateLimit.limit - window.used)),
      'X-RateLimit-Reset': String(Math.max(1, Math.ceil((window.start + rateLimit.periodMs - now) / 1000))),
      'X-RateLimit-Name': 'query',
    };
  };

  const seriesOf = (query: string): FakeSeries[] => seriesByQuery.get(query) ?? [];

  /** Each query's values per series over `times`; a formula then combines them. */
  const evaluate = (queries: Query[], formula: string, times: number[], width: number) => {
    const byName = new Map(queries.map((q) => [q.name, seriesOf(q.query).map((s) => sample(s, times, width))]));
    const first = seriesOf(queries[0]!.query);
    return { rows: applyFormula(formula, byName), tags: first.map((s) => s.tags ?? []) };
  };

  const parseV2 = (req: RecordedRequest, type: string) => {
    let body: { data?: { type?: string; attributes?: Record<string, unknown> } };
    try {
      body = JSON.parse(req.body);
    } catch {
      throw new BadRequest('API input validation failed: body is not JSON');
    }
    if (body.data?.type !== type) throw new BadRequest(`API input validation failed: data.type must be ${type}`);
    const a = body.data.attributes ?? {};
    const { from, to } = a as { from?: unknown; to?: unknown };
    // v2 takes milliseconds; seconds here mean a unit mix-up.
    if (typeof from !== 'number' || typeof to !== 'number' || from < 1e11 || to <= from)
      throw new BadRequest('API input validation failed: from/to must be milliseconds, from < to');
    const queries = a.queries as Query[] | undefined;
    if (!Array.isArray(queries) || !queries.length) throw new BadRequest('API input validation failed: queries must not be empty');
    for (const q of queries as (Query & { data_source?: string })[]) {
      if (q.data_source !== 'metrics' || !q.name || !q.query)
        throw new BadRequest('API input validation failed: each query needs data_source metrics, name and query');
      if (type === 'scalar_request' && !AGGREGATORS.includes(q.aggregator ?? ''))
        throw new BadRequest(`API input validation failed: aggregator must be one of ${AGGREGATORS.join(', ')}`);
    }
    const formulas = (a.formulas as { formula?: string }[] | undefined) ?? [{ formula: queries[0]!.name }];
    return {
      from,
      to,
      interval: typeof a.interval === 'number' ? a.interval : FAKE_BUCKET_MS,
      queries,
      formula: formulas[0]?.formula ?? queries[0]!.name,
    };
  };

  const v1 = (req: RecordedRequest, res: ServerResponse, headers: Record<string, string>) => {
    const from = Number(req.query.get('from'));
    const to = Number(req.query.get('to'));
    const query = req.query.get('query');
    if (!query) throw new BadRequest('The query parameter is required');
    if (!(from > 0) || !(to > from) || to > 1e11) throw new BadRequest('from and to are POSIX seconds, from < to');
    const times = bucketTimes(from * 1000, to * 1000, FAKE_BUCKET_MS);
    const series = seriesOf(query).map((s, index) => ({
      metric: query,
      scope: s.tags?.join(',') || '*',
      pointlist: sample(s, times, FAKE_BUCKET_MS).map((v, i) => [times[i], v]),
      start: times[0],
      end: times.at(-1),
      interval: FAKE_BUCKET_MS / 1000,
      length: times.length,
      aggr: null,
      tag_set: s.tags ?? [],
      query_index: index,
    }));
    sendJson(res, 200, { status: 'ok', res_type: 'time_series', series, from_date: from * 1000, to_date: to * 1000, query }, headers);
  };

  const timeseries = (req: RecordedRequest, res: ServerResponse, headers: Record<string, string>) => {
    const { from, to, interval, queries, formula } = parseV2(req, 'timeseries_request');
    const times = bucketTimes(from, to, interval);
    const { rows, tags } = evaluate(queries, formula, times, interval);
    const body = {
      data: {
        id: '0',
        type: 'timeseries_response',
        attributes: { series: rows.map((_, i) => ({ group_tags: tags[i] ?? [], query_index: 0, unit: null })), times, values: rows },
      },
    };
    sendJson(res, 200, body, { ...headers, 'content-type': 'application/vnd.api+json' });
  };

  const scalar = (req: RecordedRequest, res: ServerResponse, headers: Record<string, string>) => {
    const { from, to, queries, formula } = parseV2(req, 'scalar_request');
    // Each query is reduced by its own aggregator first; the formula combines the reduced values.
    const times = bucketTimes(from, to, FAKE_BUCKET_MS);
    const reduced = new Map(
      queries.map((q) => [q.name, seriesOf(q.query).map((s) => [aggregate(sample(s, times, FAKE_BUCKET_MS), q.aggregator!)])]),
    );
    const tags = seriesOf(queries[0]!.query).map((s) => s.tags ?? []);
    const columns: unknown[] = [
      { name: formula, type: 'number', values: applyFormula(formula, reduced).map((row) => row[0] ?? null), meta: { unit: null } },
    ];
    if (tags.some((t) => t.length)) columns.unshift({ name: 'tags', type: 'group', values: tags });
    sendJson(
      res,
      200,
      { data: { type: 'scalar_response', attributes: { columns } } },
      { ...headers, 'content-type': 'application/vnd.api+json' },
    );
  };

  const server: TestServer = await startServer(async (req, res) => {
    const next = canned.shift();
    if (next) {
      if (next.delayMs) await delay(next.delayMs);
      if (next.raw !== undefined) res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers }).end(next.raw);
      else sendJson(res, next.status, next.body ?? { errors: ['Internal Server Error'] }, next.headers);
      return;
    }
    const v2 = req.path.startsWith('/api/v2/');
    const apiKey = req.headers['dd-api-key'];
    const appKey = req.headers['dd-application-key'];
    // v2 says 401 for missing credentials and 403 for wrong ones; v1 only knows 403.
    if (!apiKey || !appKey) return sendJson(res, v2 ? 401 : 403, { errors: [v2 ? 'Unauthorized' : 'Forbidden'] });
    if (apiKey !== keys.apiKey || appKey !== keys.appKey) return sendJson(res, 403, { errors: ['Forbidden'] });
    const headers = rateHeaders();
    if (rateLimit && window.used > rateLimit.limit) return sendJson(res, 429, { errors: ['Too many requests'] }, headers);
    try {
      if (req.method === 'GET' && req.path === '/api/v1/query') return v1(req, res, headers);
      if (req.method === 'POST' && req.path === '/api/v2/query/timeseries') return timeseries(req, res, headers);
      if (req.method === 'POST' && req.path === '/api/v2/query/scalar') return scalar(req, res, headers);
      sendJson(res, 404, { errors: ['Not found'] });
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      sendJson(res, 400, { errors: [error.message] }, headers);
    }
  });

  return {
    url: server.url,
    requests: server.requests,
    apiKey: keys.apiKey,
    appKey: keys.appKey,
    setSeries: (query, series) => void seriesByQuery.set(query, series),
    failNext: (...responses) => void canned.push(...responses),
    setRateLimit: (limit, periodSeconds) => {
      rateLimit = { limit, periodMs: periodSeconds * 1000 };
      window = { start: 0, used: 0 };
    },
    close: () => server.close(),
  };
}
