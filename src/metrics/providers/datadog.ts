import { z } from 'zod';
import { formatDuration } from '../../util/duration';
import { parseJson } from '../../http/json';
import { joinUrl, readJson, send, snippet, statusError, type HttpResponse } from './http';
import { ProviderError, type MetricProvider, type Point, type Series, type TimeRange } from './provider';
import { connectionFields, defineProvider, type RequestOf } from './provider-kind';

export const DATADOG_SITES = [
  'datadoghq.com',
  'us3.datadoghq.com',
  'us5.datadoghq.com',
  'datadoghq.eu',
  'ap1.datadoghq.com',
  'ap2.datadoghq.com',
  'uk1.datadoghq.com',
  'ddog-gov.com',
  'us2.ddog-gov.com',
] as const;

const DEFAULT_DATADOG_SITE = 'datadoghq.com';

/** Datadog names the queries a formula combines: `a`, `b`, `errors`... */
export const datadogQueriesSchema = z.lazy(() =>
  z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a lower-case query name'), z.string().min(1)),
);

export interface DatadogConfig {
  /** `https://api.{site}`, or an override (proxy, test double). */
  baseUrl: string;
  apiKey: string;
  appKey: string;
  timeoutMs: number;
}

const CREDENTIALS_HINT = 'check the datadog-api-key, datadog-app-key and datadog-site inputs';

// Response schemas are built on first use (z.lazy), not while the action starts.
const errorBodySchema = z.lazy(() => z.object({ errors: z.array(z.string()) }));
const scalarResponseSchema = z.lazy(() =>
  z.object({
    data: z.object({
      attributes: z.object({
        columns: z.array(z.object({ name: z.string(), type: z.string(), values: z.array(z.unknown()) })),
      }),
    }),
  }),
);
const timeseriesResponseSchema = z.lazy(() =>
  z.object({
    data: z.object({
      attributes: z.object({
        series: z.array(z.object({ group_tags: z.array(z.string()).nullish() })),
        times: z.array(z.number()),
        values: z.array(z.array(z.number().nullable())),
      }),
    }),
  }),
);
const v1ResponseSchema = z.lazy(() =>
  z.object({
    series: z.array(z.object({ scope: z.string().optional(), pointlist: z.array(z.tuple([z.number(), z.number().nullable()])) })),
  }),
);

const datadogRequest = {
  queries: datadogQueriesSchema.optional().meta({ description: 'Datadog: named queries that `formula` combines' }),
  formula: z.string().min(1).optional().meta({ description: 'Datadog: formula over the named queries, e.g. "errors / hits"' }),
  api: z.enum(['scalar', 'timeseries', 'v1']).meta({ description: 'Datadog API (default scalar)' }).default('scalar'),
  aggregator: z.enum(['avg', 'min', 'max', 'sum', 'last', 'percentile', 'mean', 'l2norm', 'area']).default('avg'),
};
type DatadogRequest = RequestOf<typeof datadogRequest>;

/** The named queries a request sends; a lone `query` is named `a`. */
function queriesOf(request: Pick<DatadogRequest, 'query' | 'queries'>): Record<string, string> {
  return request.queries ?? { a: request.query ?? '' };
}

/** `errors=… hits=…` */
function queriesText(request: Pick<DatadogRequest, 'query' | 'queries'>): string {
  return Object.entries(queriesOf(request))
    .map(([name, query]) => `${name}=${query}`)
    .join(' ');
}

function formulaOf(request: DatadogRequest): string {
  return request.formula ?? Object.keys(queriesOf(request))[0]!;
}

/** Tags like `service:web` as labels. */
function labelsOf(tags: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    tags.map((tag) => (tag.includes(':') ? [tag.slice(0, tag.indexOf(':')), tag.slice(tag.indexOf(':') + 1)] : [tag, ''])),
  );
}

/**
 * Datadog's newest bucket is usually still filling: read as truth it under-counts (an error rate that
 * looks like it dropped). Time series are always read without it; scalar windows end one step ago.
 */
function withoutNewestBucket(points: Point[]): Point[] {
  return points.slice(0, -1);
}

function readBody<T>(response: HttpResponse, schema: z.ZodType<T>): T {
  if (response.status < 200 || response.status >= 300) {
    const body = errorBodySchema.safeParse(parseJson(response.text));
    const detail = body.success ? body.data.errors.join('; ') : snippet(response.text);
    throw statusError('datadog', response, detail, CREDENTIALS_HINT);
  }
  const parsed = schema.safeParse(readJson(response, 'datadog'));
  if (!parsed.success) throw new ProviderError(`datadog answered with an unexpected shape: ${snippet(response.text)}`, 'transient');
  return parsed.data;
}

/** Metric queries through the v2 scalar and timeseries APIs (formulas) or the v1 query API. */
export function datadogProvider(config: DatadogConfig): MetricProvider<DatadogRequest> {
  const headers = {
    accept: 'application/json',
    'content-type': 'application/json',
    'DD-API-KEY': config.apiKey,
    'DD-APPLICATION-KEY': config.appKey,
  };
  const post = (path: string, body: unknown, signal: AbortSignal) =>
    send({
      what: 'datadog',
      url: joinUrl(config.baseUrl, path),
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      timeoutMs: config.timeoutMs,
      signal,
    });

  const scalar = async (request: DatadogRequest, from: number, to: number, signal: AbortSignal): Promise<Series[]> => {
    const queries = Object.entries(queriesOf(request)).map(([name, query]) => ({
      data_source: 'metrics',
      name,
      query,
      aggregator: request.aggregator,
    }));
    const attributes = { from, to, queries, formulas: [{ formula: formulaOf(request) }] };
    const body = readBody(
      await post('api/v2/query/scalar', { data: { type: 'scalar_request', attributes } }, signal),
      scalarResponseSchema,
    );
    const { columns } = body.data.attributes;
    const numbers = columns.filter((column) => column.type === 'number');
    const column = numbers.length === 1 ? numbers[0] : numbers.find((candidate) => candidate.name === formulaOf(request));
    if (!column) return [];
    const groups = columns.filter((candidate) => candidate.type === 'group');
    return column.values.map((value, index) => ({
      labels: Object.fromEntries(groups.map((group) => [group.name, [group.values[index]].flat().join(',')])),
      points: [{ t: to, v: typeof value === 'number' ? value : null }],
    }));
  };

  const timeseries = async (request: DatadogRequest, range: TimeRange, signal: AbortSignal): Promise<Series[]> => {
    const queries = Object.entries(queriesOf(request)).map(([name, query]) => ({ data_source: 'metrics', name, query }));
    const attributes = { from: range.start, to: range.end, interval: range.step, queries, formulas: [{ formula: formulaOf(request) }] };
    const body = readBody(
      await post('api/v2/query/timeseries', { data: { type: 'timeseries_request', attributes } }, signal),
      timeseriesResponseSchema,
    );
    const { series, times, values } = body.data.attributes;
    return series.map((item, index) => ({
      labels: labelsOf(item.group_tags ?? []),
      points: withoutNewestBucket(times.map((t, at) => ({ t, v: values[index]?.[at] ?? null }))),
    }));
  };

  const v1 = async (request: DatadogRequest, range: TimeRange, signal: AbortSignal): Promise<Series[]> => {
    // v1 takes seconds where v2 takes milliseconds.
    const params = new URLSearchParams({
      from: String(Math.floor(range.start / 1000)),
      to: String(Math.floor(range.end / 1000)),
      query: request.query ?? '',
    });
    const response = await send({
      what: 'datadog',
      url: `${joinUrl(config.baseUrl, 'api/v1/query')}?${params}`,
      method: 'GET',
      headers,
      timeoutMs: config.timeoutMs,
      signal,
    });
    const body = readBody(response, v1ResponseSchema);
    return body.series.map((item) => ({
      labels: labelsOf(item.scope && item.scope !== '*' ? item.scope.split(',') : []),
      points: withoutNewestBucket(item.pointlist.map(([t, v]) => ({ t, v }))),
    }));
  };

  const windowEndingAt = (request: DatadogRequest, end: number): TimeRange => ({ start: end - request.window, end, step: request.step });

  return {
    describe: (request) => {
      const over = `over the last ${formatDuration(request.window)}`;
      if (request.api === 'v1') return `GET ${joinUrl(config.baseUrl, 'api/v1/query')} query=${request.query} ${over}`;
      const how =
        request.api === 'scalar'
          ? `${request.aggregator} ${over}, up to ${formatDuration(request.step)} ago`
          : `every ${formatDuration(request.step)} ${over}`;
      const url = joinUrl(config.baseUrl, `api/v2/query/${request.api}`);
      return `POST ${url} ${queriesText(request)} formula=${formulaOf(request)} (${how})`;
    },
    instant: (request, at, signal) => {
      const range = windowEndingAt(request, at);
      // A scalar is aggregated server-side, so the filling bucket cannot be dropped after the fact:
      // the window ends one step ago instead.
      if (request.api === 'scalar') return scalar(request, range.start - range.step, range.end - range.step, signal);
      return request.api === 'v1' ? v1(request, range, signal) : timeseries(request, range, signal);
    },
    range: (request, range, signal) => (request.api === 'v1' ? v1(request, range, signal) : timeseries(request, range, signal)),
    history: true,
  };
}

export const datadogKind = defineProvider({
  name: 'datadog',
  request: datadogRequest,
  baselineFields: ['queries'],
  text: (request) => (request.queries ? `${queriesText(request)} formula=${request.formula}` : (request.query ?? '')),
  refine: (metric, problem) => {
    if (!metric.query === !metric.queries) problem('a Datadog metric needs either query or queries (with a formula)', 'query');
    if (metric.queries && !metric.formula) problem('queries need a formula that combines them', 'formula');
    if (metric.api === 'v1' && (metric.queries || metric.formula)) problem('the v1 API takes one query and no formula', 'api');
  },
  settings: z
    .object({
      site: z.enum(DATADOG_SITES).optional().meta({ description: 'Datadog site; a datadog-site input other than datadoghq.com wins' }),
      url: z.url().optional().meta({ description: 'API base URL instead of https://api.{site} (a proxy, a test double)' }),
      ...connectionFields(4),
    })
    .strict(),
  credentials: {
    schema: z.object({
      apiKey: z.string().optional(),
      appKey: z.string().optional(),
      site: z
        .string()
        .refine((site) => (DATADOG_SITES as readonly string[]).includes(site), { error: `expected one of ${DATADOG_SITES.join(', ')}` })
        .default(DEFAULT_DATADOG_SITE),
    }),
    inputs: { apiKey: 'secret', appKey: 'secret', site: 'text' },
  },
  secretsOf: ({ apiKey, appKey }) => [apiKey, appKey],
  history: true,
  expand: (request, fill) => ({
    ...request,
    query: request.query && fill.query(request.query),
    queries: request.queries && Object.fromEntries(Object.entries(request.queries).map(([name, text]) => [name, fill.query(text)])),
  }),
  build: (spec, { apiKey, appKey, site: inputSite }) => {
    if (!apiKey || !appKey)
      throw new ProviderError('Datadog metric queries need both the datadog-api-key and datadog-app-key inputs', 'config');
    // The input always has a value (its default); only a deliberate one overrides the spec's site.
    const site = inputSite !== DEFAULT_DATADOG_SITE ? inputSite : (spec.site ?? DEFAULT_DATADOG_SITE);
    if (!spec.url && !(DATADOG_SITES as readonly string[]).includes(site)) {
      throw new ProviderError(`unknown Datadog site ${JSON.stringify(site)} (expected one of ${DATADOG_SITES.join(', ')})`, 'config');
    }
    const baseUrl = spec.url ?? `https://api.${site}`;
    return { provider: datadogProvider({ baseUrl, apiKey, appKey, timeoutMs: spec.timeout }), secrets: [apiKey, appKey] };
  },
});
