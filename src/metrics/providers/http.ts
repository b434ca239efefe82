import { formatDuration } from '../../spec/duration';
import { retryDelayFromHeaders } from '../retry';
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
  const timeout = AbortSignal.timeout(request.timeoutMs);
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.any([request.signal, timeout]),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
    if (request.signal.aborted) throw error;
    // fetch rejects requests it cannot even build (a malformed header value) without a network cause.
    if (error instanceof TypeError && error.message !== 'fetch failed') throw new ProviderError(`${request.what}: ${error.message}`, 'config');
    if (timeout.aborted) throw new ProviderError(`${request.what} did not answer within ${formatDuration(request.timeoutMs)}`, 'transient');
    throw new ProviderError(`${request.what} is unreachable (${networkCause(error)})`, 'transient');
  }
}

function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/** A body parsed as JSON; garbage (a proxy's HTML page, a cut-off body) is transient. */
export function parseJson(response: HttpResponse, what: string): unknown {
  try {
    return JSON.parse(response.text);
  } catch {
    throw new ProviderError(`${what} answered HTTP ${response.status} with malformed JSON: ${snippet(response.text)}`, 'transient');
  }
}

/**
 * The error for a non-success status when the body had nothing more specific to say. Credentials
 * refused and requests the server will never accept are configuration errors; rate limits, 5xx and
 * request timeouts are transient.
 */
export function statusError(what: string, response: HttpResponse, detail: string, credentialsHint: string): ProviderError {
  const { status } = response;
  const said = detail ? `: ${detail}` : '';
  if (status === 401 || status === 403) return new ProviderError(`${what} refused the credentials (HTTP ${status})${said}; ${credentialsHint}`, 'config');
  if (status === 429) return new ProviderError(`${what} is rate limiting (HTTP 429)${said}`, 'transient', retryDelayFromHeaders(response.headers));
  if (status >= 500 || status === 408) return new ProviderError(`${what} failed (HTTP ${status})${said}`, 'transient', retryDelayFromHeaders(response.headers));
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

/** A URL fit for messages and plans: no user:password part. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}
