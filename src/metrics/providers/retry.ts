import { withRetry, type RetryPolicy } from '../../http/retry';
import { ProviderError } from './provider';

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseMs: 250, maxBackoffMs: 5_000, maxWaitMs: 60_000 };

/**
 * Runs a provider call until it succeeds, a configuration error shows, or the tries run out. Only
 * transient ProviderErrors are retried, after the wait the provider asked for (capped) or a jittered
 * backoff; anything else (a bug, an abort) goes straight up.
 */
export function withProviderRetry<T>(call: () => Promise<T>, policy: RetryPolicy, signal: AbortSignal): Promise<T> {
  const transient = (error: unknown): error is ProviderError => error instanceof ProviderError && error.kind === 'transient';
  return withRetry(
    call,
    policy,
    (outcome) => (!outcome.ok && transient(outcome.error) && !signal.aborted ? outcome.error : undefined),
    signal,
  );
}
