import { errorMessage } from '../../util/errors';
import { parseJson } from '../../http/json';
import { retryDelayFromHeaders } from '../../http/retry-after';
import { RequestFailure } from '../../http/request-failure';
import { timedFetch } from '../../http/timed-fetch';
import { formatDuration } from '../../util/duration';
import { ProviderError } from './provider';

export interface HttpRequest {
  /** Who is asked, for messages: "prometheus", "datadog"... */
  what: string;
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * One HTTP exchange with a per-request timeout. A down or silent backend becomes a transient
 * ProviderError; the caller's own abort passes through untouched (the check is being stopped).
 */
export async function send(request: HttpRequest): Promise<HttpResponse> {
  const { what, url, method, headers, body } = request;
  try {
    return await timedFetch(url, { method, headers, body }, request, async (response) => ({
      status: response.status,
      headers: response.headers,
      text: await response.text(),
    }));
  } catch (error) {
    // A request that cannot even be built (a malformed header value) will not be built by asking again.
    if (!(error instanceof RequestFailure)) throw new ProviderError(`${what}: ${errorMessage(error)}`, 'config');
    if (error.kind === 'cancelled') throw error;
    if (error.kind === 'timeout')
      throw new ProviderError(`${what} did not answer within ${formatDuration(request.timeoutMs)}`, 'transient');
    throw new ProviderError(`${what} is unreachable (${error.code ?? error.message})`, 'transient');
  }
}

/** A body parsed as JSON; garbage (a proxy's HTML page, a cut-off body) is transient. */
export function readJson(response: HttpResponse, what: string): unknown {
  const body = parseJson(response.text);
  if (body === undefined)
    throw new ProviderError(`${what} answered HTTP ${response.status} with malformed JSON: ${snippet(response.text)}`, 'transient');
  return body;
}

/**
 * The error for a non-success status when the body had nothing more specific to say. Credentials
 * refused and requests the server will never accept are configuration errors; rate limits, 5xx and
 * request timeouts are transient.
 */
export function statusError(what: string, response: HttpResponse, detail: string, credentialsHint: string): ProviderError {
  const { status } = response;
  const said = detail ? `: ${detail}` : '';
  if (status === 401 || status === 403)
    return new ProviderError(`${what} refused the credentials (HTTP ${status})${said}; ${credentialsHint}`, 'config');
  if (status === 429)
    return new ProviderError(`${what} is rate limiting (HTTP 429)${said}`, 'transient', retryDelayFromHeaders(response.headers));
  if (status >= 500 || status === 408)
    return new ProviderError(`${what} failed (HTTP ${status})${said}`, 'transient', retryDelayFromHeaders(response.headers));
  return new ProviderError(`${what} rejected the request (HTTP ${status})${said}`, 'config');
}

/** A bounded, single-line excerpt of a body for messages. */
export function snippet(text: string, max = 200): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line || '(empty body)';
}

/** A base URL joined with an API path, keeping any path prefix (`https://host/prometheus/`). */
export function joinUrl(base: string, path: string): string {
  return new URL(path.replace(/^\//, ''), base.endsWith('/') ? base : `${base}/`).toString();
}
