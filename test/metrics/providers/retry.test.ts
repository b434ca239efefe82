import { describe, expect, it } from 'vitest';
import { backoffMs, type RetryPolicy } from '../../../src/http/retry';
import { retryDelayFromHeaders } from '../../../src/http/retry-after';
import { withProviderRetry as withRetry } from '../../../src/metrics/providers/retry';
import { ProviderError } from '../../../src/metrics/providers/provider';

const fast: RetryPolicy = { attempts: 3, baseMs: 1, maxBackoffMs: 5, maxWaitMs: 50 };

describe('retryDelayFromHeaders', () => {
  it('reads Retry-After in seconds or as an HTTP date, and X-RateLimit-Reset in seconds', () => {
    expect(retryDelayFromHeaders(new Headers({ 'retry-after': '3' }))).toBe(3000);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryDelayFromHeaders(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }), now)).toBe(5000);
    expect(retryDelayFromHeaders(new Headers({ 'x-ratelimit-reset': '7' }))).toBe(7000);
    expect(retryDelayFromHeaders(new Headers({}))).toBeUndefined();
  });
});

describe('backoffMs', () => {
  it('jitters below a doubling ceiling and obeys what the provider asked for, capped', () => {
    const error = new ProviderError('503', 'transient');
    const policy = { attempts: 5, baseMs: 100, maxBackoffMs: 300, maxWaitMs: 1000, random: () => 0.999 };
    expect([1, 2, 3, 4].map((attempt) => backoffMs(attempt, policy, error))).toEqual([100, 200, 300, 300]);
    expect(backoffMs(1, { ...policy, random: () => 0 }, error)).toBe(0);
    expect(backoffMs(1, policy, new ProviderError('429', 'transient', 400))).toBe(400);
    expect(backoffMs(1, policy, new ProviderError('429', 'transient', 60_000))).toBe(1000);
  });
});

describe('withRetry', () => {
  const signal = new AbortController().signal;

  it('retries transient errors until success', async () => {
    let calls = 0;
    const value = await withRetry(async () => (++calls < 3 ? Promise.reject(new ProviderError('down', 'transient')) : 'ok'), fast, signal);
    expect(value).toBe('ok');
    expect(calls).toBe(3);
  });

  it('gives up after its attempts, and never retries configuration errors', async () => {
    let calls = 0;
    await expect(withRetry(() => (calls++, Promise.reject(new ProviderError('down', 'transient'))), fast, signal)).rejects.toThrow('down');
    expect(calls).toBe(3);
    calls = 0;
    await expect(withRetry(() => (calls++, Promise.reject(new ProviderError('401', 'config'))), fast, signal)).rejects.toThrow('401');
    expect(calls).toBe(1);
  });

  it('stops waiting when aborted', async () => {
    const controller = new AbortController();
    const slow = { ...fast, baseMs: 60_000, maxBackoffMs: 60_000, random: () => 1 };
    const pending = withRetry(() => Promise.reject(new ProviderError('down', 'transient')), slow, controller.signal);
    controller.abort('stop');
    await expect(pending).rejects.toThrow();
  });
});
