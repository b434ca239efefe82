import { setTimeout as delay } from 'node:timers/promises';
import { ProviderError } from './providers/provider';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** First backoff ceiling; it doubles each try (full jitter picks a delay below it). */
  baseMs: number;
  /** No backoff ceiling grows past this. */
  maxBackoffMs: number;
  /** A provider asking for a longer wait than this is not waited for. */
  maxWaitMs: number;
  random?: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseMs: 250, maxBackoffMs: 5_000, maxWaitMs: 60_000 };

/**
 * How long a provider asked us to wait: `Retry-After` (seconds or an HTTP date) or Datadog's
 * `X-RateLimit-Reset` (seconds until the window resets). Undefined when it did not say.
 */
export function retryDelayFromHeaders(headers: Headers, now = Date.now()): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = headers.get('x-ratelimit-reset')?.trim();
  if (reset && /^\d+(\.\d+)?$/.test(reset)) return Number(reset) * 1000;
  return undefined;
}

/** The wait before try `attempt + 1`: what the provider asked for, else a jittered exponential backoff. */
export function backoffMs(attempt: number, policy: RetryPolicy, error: ProviderError): number {
  if (error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, policy.maxWaitMs);
  const ceiling = Math.min(policy.maxBackoffMs, policy.baseMs * 2 ** (attempt - 1));
  // Full jitter: many checks failing together must not retry in lockstep against a struggling backend.
  return Math.round((policy.random ?? Math.random)() * ceiling);
}

/**
 * Runs `attempt` until it succeeds, a configuration error shows, or the tries run out. Only transient
 * ProviderErrors are retried; anything else (a bug, an abort) goes straight up.
 */
export async function withRetry<T>(attempt: () => Promise<T>, policy: RetryPolicy, signal: AbortSignal): Promise<T> {
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      const retryable = error instanceof ProviderError && error.kind === 'transient' && !signal.aborted;
      if (!retryable || tried >= policy.attempts) throw error;
      await delay(backoffMs(tried, policy, error), undefined, { signal });
    }
  }
}
