const SECONDS = /^\d+(\.\d+)?$/;

/**
 * How long (ms) a response asks to be left alone; undefined when it does not say. `Retry-After`
 * comes first, then `X-RateLimit-Reset` as seconds until the window resets (Datadog's way). Which
 * statuses count as a rate limit is the caller's business: this only reads the headers.
 */
export function retryDelayFromHeaders(headers: Headers, now = Date.now()): number | undefined {
  const retryAfter = retryAfterMs(headers, now);
  if (retryAfter !== undefined) return retryAfter;
  const seconds = headers.get('x-ratelimit-reset')?.trim();
  return seconds && SECONDS.test(seconds) ? Number(seconds) * 1000 : undefined;
}

/** `Retry-After` in ms, given in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (!retryAfter) return undefined;
  if (SECONDS.test(retryAfter)) return Number(retryAfter) * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * When a spent GitHub rate limit resets (epoch ms). GitHub sends `x-ratelimit-reset` on every answer,
 * so it means a wait only with `x-ratelimit-remaining: 0`.
 */
export function rateLimitResetAt(headers: Headers): number | undefined {
  const reset = headers.get('x-ratelimit-reset')?.trim();
  return headers.get('x-ratelimit-remaining') === '0' && reset && SECONDS.test(reset) ? Number(reset) * 1000 : undefined;
}
