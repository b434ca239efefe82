/**
 * HTTP for notifiers: JSON out (secrets redacted), bounded retries on rate limits, 5xx and network
 * errors. A notifier that waits too long would hold up the end of the launch, so every wait is capped
 * and a server asking for more than the cap gets its answer returned instead of a retry.
 */

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Wait after the first 5xx or network error; doubles on each further try. */
  baseDelayMs: number;
  /** The longest single wait accepted; a rate limit that resets later is reported, not waited out. */
  maxDelayMs: number;
  /** Per try, so that a hung service cannot hold the launch's flush. */
  timeoutMs: number;
  sleep(ms: number): Promise<void>;
  now(): number;
}

// At worst about 17 s for a service that hangs: well inside the 30 s the launch gives notifiers.
export const defaultRetryPolicy: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  timeoutMs: 5_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: Date.now,
};

/** Nothing answered, try after try: the service is down or unreachable from this runner. */
export class NoResponseError extends Error {}

/** How long a response asks to be left alone (ms), when it is a rate limit; undefined otherwise. */
export type RateLimitReader = (response: Response, now: number) => number | undefined;

export interface HttpOptions {
  policy: RetryPolicy;
  /** Applied to every request body: secrets must not reach Slack, GitHub or Datadog. */
  redact: (text: string) => string;
}

export interface HttpReply {
  status: number;
  headers: Headers;
  text: string;
}

export interface JsonRequest {
  method: 'GET' | 'POST' | 'PATCH';
  headers: Record<string, string>;
  body?: unknown;
  readRateLimit?: RateLimitReader;
}

/** Sends one JSON request with retries and reads the whole reply; throws only when no reply came. */
export async function sendJson(url: string, request: JsonRequest, http: HttpOptions): Promise<HttpReply> {
  // Each string is redacted before serialising, so that a secret with a quote or backslash in it
  // cannot slip through in its escaped form.
  const body = request.body === undefined ? undefined : JSON.stringify(request.body, (_key, value: unknown) => (typeof value === 'string' ? http.redact(value) : value));
  const headers = body === undefined ? request.headers : { 'content-type': 'application/json; charset=utf-8', ...request.headers };
  const response = await fetchWithRetry(url, { method: request.method, headers, body }, http.policy, request.readRateLimit ?? readRetryAfter);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** JSON text parsed; undefined when it is not JSON (error pages, plain-text answers). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function fetchWithRetry(url: string, init: RequestInit, policy: RetryPolicy, readRateLimit: RateLimitReader): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= policy.attempts;
    let response: Response;
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(policy.timeoutMs) });
    } catch (error) {
      if (last) throw new NoResponseError(`no response after ${attempt} tries: ${describeFetchError(error)}`);
      await policy.sleep(backoff(policy, attempt));
      continue;
    }
    const hinted = readRateLimit(response, policy.now());
    const retryable = hinted !== undefined || response.status === 429 || response.status >= 500;
    const wait = hinted ?? backoff(policy, attempt);
    if (!retryable || last || wait > policy.maxDelayMs) return response;
    // Drain the body so the connection goes back to the pool before we wait.
    await response.arrayBuffer().catch(() => undefined);
    await policy.sleep(wait);
  }
}

/** `Retry-After` in seconds or as an HTTP date, in ms; Slack sends it with every 429. */
export function readRetryAfter(response: Response, now: number): number | undefined {
  const header = response.headers.get('retry-after');
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

// No jitter: one runner sends these, so there is no herd of clients to spread out.
function backoff(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
}

function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return 'timed out';
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? `${error.message} (${code})` : error.message;
}
