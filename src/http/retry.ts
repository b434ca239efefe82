import { setTimeout as delay } from 'node:timers/promises';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** First backoff ceiling; it doubles each try. */
  baseMs: number;
  /** No backoff ceiling grows past this. */
  maxBackoffMs: number;
  /** The longest wait a server may ask for (Retry-After, X-RateLimit-Reset) that is honoured as asked. */
  maxWaitMs: number;
  /** A server asking for more than maxWaitMs: wait maxWaitMs and try anyway (the default), or give up with the last try. */
  beyondMaxWait?: 'wait-max' | 'give-up';
  /**
   * Full jitter (the default) picks a wait below the backoff ceiling, so that many clients failing
   * together do not retry in lockstep; without it the wait is the ceiling itself.
   */
  jitter?: boolean;
  /** Stands in for Math.random, for tests. */
  random?: () => number;
  /** Waits between tries; it must reject once `signal` aborts. Tests make it instant. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** How one try ended: what it returned, or what it threw. */
export type TryOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Another try is wanted; `retryAfterMs` is the wait the server asked for, when it named one. */
export interface RetryRequest {
  retryAfterMs?: number;
}

/**
 * The wait before try `attempt + 1`: what the server asked for, else an exponential backoff.
 * Undefined when the server asks for more than the policy waits and the policy then gives up.
 */
export function backoffMs(attempt: number, policy: RetryPolicy, request: RetryRequest): number | undefined {
  const asked = request.retryAfterMs;
  if (asked !== undefined) {
    if (asked <= policy.maxWaitMs) return asked;
    return policy.beyondMaxWait === 'give-up' ? undefined : policy.maxWaitMs;
  }
  const ceiling = Math.min(policy.maxBackoffMs, policy.baseMs * 2 ** (attempt - 1));
  return policy.jitter === false ? ceiling : Math.round((policy.random ?? Math.random)() * ceiling);
}

/**
 * Runs `attempt` until `retryOn` lets its outcome stand, the tries run out or the server asks for too
 * long a wait; then returns what the last try returned, or throws what it threw. An abort of `signal`
 * during a wait rejects with the abort.
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  retryOn: (outcome: TryOutcome<T>) => RetryRequest | undefined,
  signal?: AbortSignal,
): Promise<T> {
  const sleep = policy.sleep ?? ((ms: number, abort?: AbortSignal) => delay(ms, undefined, { signal: abort }));
  for (let tried = 1; ; tried++) {
    const outcome = await attempt().then(
      (value): TryOutcome<T> => ({ ok: true, value }),
      (error: unknown): TryOutcome<T> => ({ ok: false, error }),
    );
    const request = tried < policy.attempts ? retryOn(outcome) : undefined;
    const waitMs = request === undefined ? undefined : backoffMs(tried, policy, request);
    if (waitMs === undefined) {
      if (outcome.ok) return outcome.value;
      throw outcome.error;
    }
    await sleep(waitMs, signal);
  }
}
