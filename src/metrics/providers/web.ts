import { z } from 'zod';
import { redactUrl } from '../../http/timed-fetch';
import { readJson, send, snippet, statusError } from './http';
import { ProviderError, type MetricProvider, type Series } from './provider';
import { connectionFields, defineProvider, headersSchema, needsQuery, type RequestOf } from './provider-kind';

export interface WebConfig {
  headers: Record<string, string>;
  timeoutMs: number;
}

const webRequest = {
  method: z.enum(['GET', 'POST']).default('GET'),
  body: z.string().optional(),
  headers: headersSchema.optional(),
  select: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'Web: path to the number in the JSON body ("data.value", "checks[0].ms"), or $status' }),
};
type WebRequest = RequestOf<typeof webRequest>;

/** `select: $status` reads the HTTP status itself: a health endpoint's answer is its status code. */
const STATUS_SELECTOR = '$status';

/** Walks `data.checks[0].ms` (a leading `$.` is allowed) into parsed JSON; undefined where the path leads nowhere. */
function selectPath(root: unknown, path: string): unknown {
  const steps = path
    .replace(/^\$\.?/, '')
    .split(/\.|\[(\d+)\]/)
    .filter((step): step is string => Boolean(step));
  let value = root;
  for (const step of steps) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

/** A selected JSON value as a reading: null (no data) when absent, an error when it is not a number at all. */
function asNumber(selected: unknown, where: string): number | null {
  if (selected === undefined || selected === null) return null;
  if (typeof selected === 'number') return selected;
  if (typeof selected === 'boolean') return selected ? 1 : 0;
  if (typeof selected === 'string' && selected.trim() && !Number.isNaN(Number(selected))) return Number(selected);
  throw new ProviderError(`${where} is ${JSON.stringify(selected).slice(0, 80)}, not a number`, 'config');
}

/**
 * Any HTTP JSON endpoint: a health check, an in-house metrics page. The request's URL arrives
 * absolute: its `expand` joins a relative one to the base URL when it fills in templates.
 */
export function webProvider(config: WebConfig): MetricProvider<WebRequest> {
  return {
    describe: (request) => `${request.method} ${redactUrl(request.query ?? '')}${request.select ? ` select ${request.select}` : ''}`,
    // An endpoint answers for the present only: `at` is not sent. Judgements (which read the past)
    // are refused, and a baseline breach counts on its one reading, unconfirmed by `sustain`.
    instant: async (request, _at, signal): Promise<Series[]> => {
      const url = request.query ?? '';
      const what = `${request.method} ${redactUrl(url)}`;
      const response = await send({
        what,
        url,
        method: request.method,
        headers: { accept: 'application/json', ...config.headers, ...request.headers },
        body: request.method === 'POST' ? request.body : undefined,
        timeoutMs: config.timeoutMs,
        signal,
      });
      const now = Date.now();
      if (request.select === STATUS_SELECTOR) return [{ labels: {}, points: [{ t: now, v: response.status }] }];
      if (response.status < 200 || response.status >= 300)
        throw statusError(what, response, snippet(response.text), 'check the request headers');
      const body = readJson(response, what);
      const value = asNumber(
        request.select ? selectPath(body, request.select) : body,
        request.select ? `${request.select} in the answer of ${what}` : `the answer of ${what}`,
      );
      return value === null ? [] : [{ labels: {}, points: [{ t: now, v: value }] }];
    },
    history: false,
    range: () => Promise.reject(new ProviderError('the web provider has no history: judgements need prometheus or datadog', 'config')),
  };
}

export const webKind = defineProvider({
  name: 'web',
  request: webRequest,
  baselineFields: [],
  text: (request) => `${request.method} ${request.query ?? ''}`,
  refine: needsQuery('web'),
  settings: z.object({ headers: headersSchema.default({}), ...connectionFields(8) }).strict(),
  credentials: { schema: z.object({}), inputs: {} },
  secretsOf: () => [],
  history: false,
  expand: (request, fill) => ({
    ...request,
    query: request.query && fill.url(request.query),
    body: request.body && fill.query(request.body),
    // A header cannot reach the request's structure, and may carry a token of any characters.
    headers: request.headers && Object.fromEntries(Object.entries(request.headers).map(([name, text]) => [name, fill.text(text)])),
  }),
  build: (spec) => ({ provider: webProvider({ headers: spec.headers, timeoutMs: spec.timeout }), secrets: [] }),
});
