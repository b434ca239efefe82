import { describe, expect, it } from 'vitest';
import { backoffMs, withRetry, type RetryPolicy, type TryOutcome } from '../../src/http/retry';

function recording(overrides: Partial<RetryPolicy> = {}): { policy: RetryPolicy; sleeps: number[] } {
  const sleeps: number[] = [];
  const policy: RetryPolicy = {
    attempts: 4,
    baseMs: 100,
    maxBackoffMs: 1000,
    maxWaitMs: 5000,
    jitter: false,
    sleep: async (ms) => void sleeps.push(ms),
    ...overrides,
  };
  return { policy, sleeps };
}

/** A try that returns each of `values` in turn. */
function answers<T>(...values: T[]): () => Promise<T> {
  let next = 0;
  return async () => values[Math.min(next++, values.length - 1)]!;
}

const retryStatus = (outcome: TryOutcome<number>) => (outcome.ok && outcome.value >= 500 ? {} : undefined);

describe('backoffMs', () => {
  it('without jitter is the doubling ceiling itself', () => {
    const { policy } = recording({ maxBackoffMs: 300 });
    expect([1, 2, 3].map((attempt) => backoffMs(attempt, policy, {}))).toEqual([100, 200, 300]);
  });

  it('gives up on a longer asked wait when the policy says so, else waits the most it may', () => {
    const { policy } = recording({ maxWaitMs: 1000 });
    expect(backoffMs(1, policy, { retryAfterMs: 1000 })).toBe(1000);
    expect(backoffMs(1, policy, { retryAfterMs: 1001 })).toBe(1000);
    expect(backoffMs(1, { ...policy, beyondMaxWait: 'give-up' }, { retryAfterMs: 1001 })).toBeUndefined();
  });
});

describe('withRetry', () => {
  it('retries what retryOn asks for and returns the first answer it lets stand', async () => {
    const { policy, sleeps } = recording();
    expect(await withRetry(answers(503, 502, 200), policy, retryStatus)).toBe(200);
    expect(sleeps).toEqual([100, 200]);
  });

  it('returns the last answer when the tries run out, and throws the last error', async () => {
    const { policy, sleeps } = recording({ attempts: 3 });
    expect(await withRetry(answers(503), policy, retryStatus)).toBe(503);
    expect(sleeps).toEqual([100, 200]);
    await expect(
      withRetry(
        () => Promise.reject(new Error('down')),
        policy,
        () => ({}),
      ),
    ).rejects.toThrow('down');
  });

  it('waits what the server asked for, and gives up at once on a wait beyond maxWaitMs', async () => {
    const { policy, sleeps } = recording({ beyondMaxWait: 'give-up' });
    const asked = (ms: number) => (outcome: TryOutcome<number>) => (outcome.ok && outcome.value === 429 ? { retryAfterMs: ms } : undefined);
    expect(await withRetry(answers(429, 200), policy, asked(3000))).toBe(200);
    expect(sleeps).toEqual([3000]);
    expect(await withRetry(answers(429, 200), policy, asked(60_000))).toBe(429);
    expect(sleeps).toEqual([3000]);
  });

  it('rejects when the signal aborts during a wait', async () => {
    const controller = new AbortController();
    const pending = withRetry(
      answers(503),
      { attempts: 2, baseMs: 60_000, maxBackoffMs: 60_000, maxWaitMs: 0, jitter: false },
      retryStatus,
      controller.signal,
    );
    controller.abort('stop');
    await expect(pending).rejects.toThrow();
  });
});
