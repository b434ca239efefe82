/**
 * HTTP for notifiers: JSON out (secrets redacted), bounded retries on rate limits, 5xx and network
 * errors. A notifier that waits too long would hold up the end of the launch, so every wait is capped
 * and a server asking for more than the cap gets its answer returned instead of a retry.
 */
import { errorMessage } from '../util/errors';
import { retryAfterMs } from './retry-after';
import { withRetry, type RetryPolicy } from './retry';
import { RequestFailure } from './request-failure';
import { timedFetch } from './timed-fetch';

/**
 * The notifiers' retry policy, with the per-try timeout and the clock every wait runs on. A wait past
 * `maxWaitMs` is not waited out: the rate-limited reply is returned. No jitter: one runner sends
 * these, so there is no herd of clients to spread out.
 */
export interface NotifierRetrySettings extends RetryPolicy {
  /** Per try, so that a hung service cannot hold the launch's flush. */
  timeoutMs: number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  now(): number;
}

// At worst about 17 s for a service that hangs: well inside the 30 s the launch gives notifiers.
export const defaultRetryPolicy: NotifierRetrySettings = {
  attempts: 3,
  baseMs: 500,
  maxBackoffMs: 10_000,
  maxWaitMs: 10_000,
  beyondMaxWait: 'give-up',
  jitter: false,
  timeoutMs: 5_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: Date.now,
};

/** Nothing answered, try after try: the service is down or unreachable from this runner. */
export class NoResponseError extends Error {}

/** How long a reply asks to be left alone (ms), when it is a rate limit; undefined otherwise. */
export type RateLimitReader = (reply: { status: number; headers: Headers }, now: number) => number | undefined;

export interface HttpOptions {
  policy: NotifierRetrySettings;
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
  const body =
    request.body === undefined
      ? undefined
      : JSON.stringify(request.body, (_key, value: unknown) => (typeof value === 'string' ? http.redact(value) : value));
  const headers = body === undefined ? request.headers : { 'content-type': 'application/json; charset=utf-8', ...request.headers };
  return fetchWithRetry(url, { method: request.method, headers, body }, http.policy, request.readRateLimit ?? readRetryAfter);
}

/**
 * One request, retried on network errors, 429, 5xx and what `readRateLimit` calls a rate limit;
 * throws NoResponseError only when no try got an answer.
 */
export async function fetchWithRetry(
  url: string,
  init: RequestInit,
  settings: NotifierRetrySettings,
  readRateLimit: RateLimitReader,
): Promise<HttpReply> {
  let tries = 0;
  const send = (): Promise<HttpReply> => {
    tries++;
    return timedFetch(url, init, settings, async (response) => ({
      status: response.status,
      headers: response.headers,
      text: await response.text(),
    }));
  };
  try {
    return await withRetry(send, settings, (outcome) => {
      if (!outcome.ok) return outcome.error instanceof RequestFailure ? {} : undefined;
      const retryAfterMs = readRateLimit(outcome.value, settings.now());
      const { status } = outcome.value;
      return retryAfterMs !== undefined || status === 429 || status >= 500 ? { retryAfterMs } : undefined;
    });
  } catch (error) {
    // Besides network failures, only a request that cannot even be built (an invalid URL) gets here: no answer will ever come.
    throw new NoResponseError(
      `no response after ${tries} tries: ${error instanceof RequestFailure ? describeFailure(error) : errorMessage(error)}`,
    );
  }
}

/** The default rate-limit reader: `Retry-After` on any reply; Slack sends it with every 429. */
export function readRetryAfter(reply: { headers: Headers }, now: number): number | undefined {
  return retryAfterMs(reply.headers, now);
}

/** "fetch failed (ECONNREFUSED)", "timed out after 5s" */
function describeFailure(failure: RequestFailure): string {
  if (failure.kind !== 'unreachable') return failure.message;
  return failure.code ? `${errorMessage(failure.cause)} (${failure.code})` : errorMessage(failure.cause);
}
