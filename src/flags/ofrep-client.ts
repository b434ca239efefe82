import { z } from 'zod';
import { parseJson } from '../http/json';
import { withRetry, type RetryPolicy, type TryOutcome } from '../http/retry';
import { retryDelayFromHeaders } from '../http/retry-after';
import { RequestFailure } from '../http/request-failure';
import { timedFetch } from '../http/timed-fetch';

// Response schemas are built on first use (z.lazy), not while the action starts.

/** OFREP 200 body. `value` absent means "use the code default". */
const successSchema = z.lazy(() =>
  z.looseObject({
    key: z.string().optional(),
    reason: z.string().default('UNKNOWN'),
    variant: z.string().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    value: z.unknown().optional(),
  }),
);

/** OFREP 400/404 body; 500 carries only `errorDetails`. */
const failureSchema = z.lazy(() =>
  z.looseObject({
    errorCode: z.string().optional(),
    errorDetails: z.string().optional(),
  }),
);

export type FlagSuccess = z.output<typeof successSchema> & { ok: true; key: string; hasValue: boolean };
/**
 * `errorCode` is the provider's (FLAG_NOT_FOUND, TARGETING_KEY_MISSING...) or one of ours for what
 * has no body: UNAUTHORIZED, FORBIDDEN, RATE_LIMITED, SERVER_ERROR, UNEXPECTED_STATUS,
 * INVALID_RESPONSE, TIMEOUT, CANCELLED, UNREACHABLE.
 */
export type FlagFailure = { ok: false; key: string; errorCode: string; errorDetails?: string; status?: number };
export type FlagEvaluation = FlagSuccess | FlagFailure;

export interface OfrepClientOptions {
  /** The provider's base URL; the client appends /ofrep/v1/... */
  baseUrl: string;
  headers?: Readonly<Record<string, string>>;
  timeoutMs: number;
  signal: AbortSignal;
  /** How a 429 is retried: `attempts` in all; a Retry-After past `maxWaitMs` fails the evaluation as RATE_LIMITED. */
  retry?: Partial<RetryPolicy>;
}

/** A 429 without a readable Retry-After: wait this long. */
const DEFAULT_RETRY_WAIT_MS = 1000;

// Only a 429 is retried, always after the wait it names (or the default), so no backoff applies.
const RATE_LIMIT_RETRY: RetryPolicy = {
  attempts: 3,
  baseMs: DEFAULT_RETRY_WAIT_MS,
  maxBackoffMs: DEFAULT_RETRY_WAIT_MS,
  maxWaitMs: 5000,
  beyondMaxWait: 'give-up',
};

interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

/** Evaluates single flags over the OpenFeature Remote Evaluation Protocol. */
export class OfrepClient {
  constructor(private readonly options: OfrepClientOptions) {}

  async evaluate(key: string, context: Readonly<Record<string, unknown>>): Promise<FlagEvaluation> {
    const { signal } = this.options;
    const policy: RetryPolicy = { ...RATE_LIMIT_RETRY, ...this.options.retry };
    const rateLimited = (outcome: TryOutcome<Reply>) =>
      outcome.ok && outcome.value.status === 429 ? { retryAfterMs: askedWaitMs(outcome.value) } : undefined;
    let reply: Reply;
    try {
      reply = await withRetry(() => this.post(key, context), policy, rateLimited, signal);
    } catch (error) {
      if (error instanceof RequestFailure) return { ok: false, key, errorCode: error.kind.toUpperCase(), errorDetails: error.message };
      if (signal.aborted) return { ok: false, key, errorCode: 'CANCELLED', errorDetails: 'cancelled while waiting out a 429' };
      throw error;
    }
    if (reply.status !== 429) return interpret(key, reply);
    const asked = `Retry-After ${reply.headers.get('retry-after')}`;
    const why =
      askedWaitMs(reply) > policy.maxWaitMs
        ? `${asked} is beyond the ${policy.maxWaitMs} ms bound`
        : `still limited after ${policy.attempts - 1} retries`;
    return { ok: false, key, status: 429, errorCode: 'RATE_LIMITED', errorDetails: why };
  }

  private post(key: string, context: Readonly<Record<string, unknown>>): Promise<Reply> {
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}/ofrep/v1/evaluate/flags/${encodeURIComponent(key)}`;
    const init: RequestInit = {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...this.options.headers },
      body: JSON.stringify({ context }),
    };
    return timedFetch(url, init, this.options, async (response) => ({
      status: response.status,
      headers: response.headers,
      text: await response.text(),
    }));
  }
}

/** The wait a 429 asks for. */
function askedWaitMs(reply: Reply): number {
  return retryDelayFromHeaders(reply.headers) ?? DEFAULT_RETRY_WAIT_MS;
}

function interpret(key: string, reply: Reply): FlagEvaluation {
  const body = parseJson(reply.text);
  const parsed = failureSchema.safeParse(body);
  const { errorCode, errorDetails } = parsed.success ? parsed.data : {};
  const fail = (code: string, details = errorDetails): FlagFailure => ({
    ok: false,
    key,
    status: reply.status,
    errorCode: code,
    errorDetails: details,
  });
  switch (reply.status) {
    case 200: {
      // Some providers answer 200 with an error code instead of a 4xx.
      if (errorCode) return fail(errorCode);
      const success = successSchema.safeParse(body);
      if (!success.success) return fail('INVALID_RESPONSE', `200 body is not an OFREP evaluation: ${reply.text.slice(0, 200)}`);
      return { ...success.data, ok: true, key, hasValue: success.data.value !== undefined };
    }
    case 400:
      return fail(errorCode ?? 'GENERAL');
    case 404:
      return fail(errorCode ?? 'FLAG_NOT_FOUND');
    case 401:
      return fail('UNAUTHORIZED', 'the provider wants credentials (set headers, e.g. Authorization)');
    case 403:
      return fail('FORBIDDEN', 'the provider refused these credentials');
    default:
      return fail(reply.status >= 500 ? 'SERVER_ERROR' : 'UNEXPECTED_STATUS', errorDetails ?? (reply.text.slice(0, 200) || undefined));
  }
}
