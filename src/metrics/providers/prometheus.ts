import { z } from 'zod';
import { basicAuthorization, redactUrl } from '../../http/timed-fetch';
import { basicCredentials, urlSecretParts } from '../../util/redactor';
import { connectionFields, defineProvider, headersSchema, needsQuery } from './provider-kind';
import { joinUrl, readJson, send, snippet, statusError, type HttpResponse } from './http';
import { ProviderError, type BaseRequest, type MetricProvider, type Series, type TimeRange } from './provider';

export interface PrometheusConfig {
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  token?: string;
  username?: string;
  password?: string;
}

const CREDENTIALS_HINT = 'check the prometheus-token or prometheus-username/-password inputs';

// Response schemas are built on first use (z.lazy), not while the action starts.
const sampleSchema = z.lazy(() => z.tuple([z.number(), z.string()]));
const dataSchema = z.lazy(() =>
  z.discriminatedUnion('resultType', [
    z.object({
      resultType: z.literal('vector'),
      result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: sampleSchema })),
    }),
    z.object({
      resultType: z.literal('matrix'),
      result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(sampleSchema) })),
    }),
    z.object({ resultType: z.literal('scalar'), result: sampleSchema }),
    z.object({ resultType: z.literal('string'), result: z.tuple([z.number(), z.string()]) }),
  ]),
);
const envelopeSchema = z.lazy(() =>
  z.object({
    status: z.enum(['success', 'error']),
    data: z.unknown().optional(),
    errorType: z.string().optional(),
    error: z.string().optional(),
  }),
);

/**
 * What each errorType means for a launch. A rejected query or a missing endpoint will not heal by
 * asking again; an overloaded or timed-out server might.
 */
const ERROR_KINDS: Record<string, ProviderError['kind']> = {
  bad_data: 'config',
  not_found: 'config',
  not_acceptable: 'config',
  execution: 'transient',
  timeout: 'transient',
  canceled: 'transient',
  internal: 'transient',
  unavailable: 'transient',
};

/** Prometheus writes special floats its own way: "NaN", "+Inf", "-Inf"; the rest is plain or exponent notation. */
function parseSampleValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const value = Number(text);
  if (!text.trim() || Number.isNaN(value))
    throw new ProviderError(`prometheus sent an unreadable sample value ${JSON.stringify(text)}`, 'transient');
  return value;
}

function toPoint([seconds, value]: z.output<typeof sampleSchema>) {
  return { t: Math.round(seconds * 1000), v: parseSampleValue(value) };
}

/** `instant` answers hold one sample per series; a matrix there means the query itself is a range. */
function toSeries(data: z.output<typeof dataSchema>, kind: 'instant' | 'range'): Series[] {
  switch (data.resultType) {
    case 'vector':
      return data.result.map((item) => ({ labels: item.metric, points: [toPoint(item.value)] }));
    case 'matrix':
      // Reading the newest raw sample of `x[5m]` would measure something other than what was meant.
      if (kind === 'instant') {
        throw new ProviderError(
          'the query returns a range vector (resultType matrix), not one value per series' +
            ': wrap it in rate(), increase() or avg_over_time() (or another *_over_time()), or drop the [range]',
          'config',
        );
      }
      return data.result.map((item) => ({ labels: item.metric, points: item.values.map(toPoint) }));
    case 'scalar':
      return [{ labels: {}, points: [toPoint(data.result)] }];
    case 'string':
      throw new ProviderError('prometheus returned a string, not a number: the query must produce a scalar or vector', 'config');
  }
}

function readResponse(response: HttpResponse, kind: 'instant' | 'range'): Series[] {
  // Errors outside the API (a wrong path prefix, a proxy) come as text/plain, not as an envelope.
  const json = response.headers.get('content-type')?.includes('json');
  if (!json && response.status >= 400) throw statusError('prometheus', response, snippet(response.text), CREDENTIALS_HINT);
  const envelope = envelopeSchema.safeParse(readJson(response, 'prometheus'));
  if (!envelope.success)
    throw new ProviderError(`prometheus answered HTTP ${response.status} without its envelope: ${snippet(response.text)}`, 'transient');
  const { status, errorType, error, data } = envelope.data;
  if (status === 'error' || response.status >= 400) {
    const kind = errorType ? ERROR_KINDS[errorType] : undefined;
    if (response.status === 401 || response.status === 403 || !kind)
      throw statusError('prometheus', response, error ?? '', CREDENTIALS_HINT);
    throw new ProviderError(`prometheus ${errorType} error (HTTP ${response.status}): ${error ?? 'no detail'}`, kind);
  }
  const parsed = dataSchema.safeParse(data);
  if (!parsed.success)
    throw new ProviderError(`prometheus sent data of an unexpected shape: ${snippet(JSON.stringify(data ?? null))}`, 'transient');
  return toSeries(parsed.data, kind);
}

/** Bearer token, else basic auth from the inputs. Credentials in a `https://user:pass@host` URL go as basic auth too (timedFetch). */
function authorization(config: PrometheusConfig): Record<string, string> {
  if (config.token) return { authorization: `Bearer ${config.token}` };
  if (config.username) return { authorization: basicAuthorization(config.username, config.password ?? '') };
  return {};
}

const seconds = (ms: number): string => String(ms / 1000);

/** Instant and range queries against the HTTP API, POSTed form-encoded (long queries do not fit a URL). */
export function prometheusProvider(config: PrometheusConfig): MetricProvider {
  const headers = {
    ...config.headers,
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded',
    ...authorization(config),
  };
  const call = async (kind: 'instant' | 'range', path: string, params: Record<string, string>, signal: AbortSignal): Promise<Series[]> => {
    // The server-side timeout makes Prometheus give up on the query too, instead of computing for nobody.
    const body = new URLSearchParams({ ...params, timeout: `${seconds(config.timeoutMs)}s` }).toString();
    const response = await send({
      what: 'prometheus',
      url: joinUrl(config.url, path),
      method: 'POST',
      headers,
      body,
      timeoutMs: config.timeoutMs,
      signal,
    });
    return readResponse(response, kind);
  };
  const query = (request: BaseRequest): string => request.query ?? '';
  return {
    describe: (request) => `POST ${redactUrl(joinUrl(config.url, 'api/v1/query'))} query=${query(request)}`,
    instant: (request, at, signal) => call('instant', 'api/v1/query', { query: query(request), time: seconds(at) }, signal),
    history: true,
    range: (request, range: TimeRange, signal) =>
      call(
        'range',
        'api/v1/query_range',
        { query: query(request), start: seconds(range.start), end: seconds(range.end), step: seconds(range.step) },
        signal,
      ),
  };
}

/** Spec settings give the defaults; action inputs supply secrets and win where given. */
export const prometheusKind = defineProvider({
  name: 'prometheus',
  request: {},
  baselineFields: [],
  text: (request) => request.query ?? '',
  refine: needsQuery('prometheus'),
  settings: z
    .object({
      url: z.url().optional().meta({ description: 'Base URL; the prometheus-url input wins when given' }),
      headers: headersSchema.default({}).meta({ description: 'Extra headers (e.g. X-Scope-OrgID); prometheus-headers input entries win' }),
      ...connectionFields(8),
    })
    .strict(),
  credentials: {
    schema: z.object({
      url: z.url().optional(),
      token: z.string().optional(),
      username: z.string().optional(),
      password: z.string().optional(),
      headers: z.record(z.string(), z.string()),
    }),
    inputs: { url: 'text', token: 'secret', username: 'text', password: 'secret', headers: 'headers' },
  },
  checkCredentials: ({ username, password }) =>
    Boolean(username) !== Boolean(password) ? "inputs 'prometheus-username' and 'prometheus-password' go together" : undefined,
  secretsOf: ({ url, token, username, password, headers }) => {
    const [urlUser, urlPassword] = urlSecretParts(url);
    return [
      token,
      password,
      // The Authorization header built from them, which a server may echo in an error.
      ...basicCredentials(username, password),
      ...urlSecretParts(url),
      ...basicCredentials(urlUser, urlPassword),
      // Extra headers usually carry credentials (tenant tokens, API keys).
      ...Object.values(headers),
    ];
  },
  history: true,
  expand: (request, fill) => ({ ...request, query: request.query && fill.query(request.query) }),
  build: (spec, inputs) => {
    const url = inputs.url ?? spec.url;
    if (!url) throw new ProviderError('no Prometheus URL: set the prometheus-url input or launch.providers.prometheus.url', 'config');
    const provider = prometheusProvider({
      url,
      headers: { ...spec.headers, ...inputs.headers },
      timeoutMs: spec.timeout,
      token: inputs.token,
      username: inputs.username,
      password: inputs.password,
    });
    const secrets = [inputs.token, inputs.password, new URL(url).password, ...Object.values(inputs.headers)];
    return { provider, secrets: secrets.filter((s): s is string => Boolean(s)) };
  },
});
