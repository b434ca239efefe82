import { describe, expect, it } from 'vitest';
import { rateLimitResetAt, retryAfterMs, retryDelayFromHeaders } from '../../src/http/retry-after';

const now = Date.parse('2025-01-01T00:00:00Z');

describe('retryAfterMs', () => {
  it('reads seconds or an HTTP date, and nothing else', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': ' 2 ' }), now)).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }), now)).toBe(0);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'x-ratelimit-reset': '7' }), now)).toBeUndefined();
  });
});

describe('retryDelayFromHeaders', () => {
  it('prefers Retry-After over X-RateLimit-Reset', () => {
    expect(retryDelayFromHeaders(new Headers({ 'retry-after': '1', 'x-ratelimit-reset': '9' }), now)).toBe(1000);
  });

  it('reads X-RateLimit-Reset as seconds until the reset (Datadog)', () => {
    expect(retryDelayFromHeaders(new Headers({ 'x-ratelimit-reset': '4' }), now)).toBe(4000);
  });
});

describe('rateLimitResetAt', () => {
  it('reads x-ratelimit-reset as an epoch second only once the limit is spent (GitHub)', () => {
    const reset = String(now / 1000 + 7);
    expect(rateLimitResetAt(new Headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }))).toBe(now + 7000);
    expect(rateLimitResetAt(new Headers({ 'x-ratelimit-remaining': '12', 'x-ratelimit-reset': reset }))).toBeUndefined();
    expect(rateLimitResetAt(new Headers({ 'x-ratelimit-remaining': '0' }))).toBeUndefined();
  });
});
