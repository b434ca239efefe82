/** What every provider's request has; each adds its own fields (definition/schema.ts's MetricRequest has them all). */
export interface BaseRequest {
  name: string;
  provider: string;
  query?: string;
  /** Look-back of a windowed query, ms. */
  window: number;
  /** Resolution of a range query, ms. */
  step: number;
}

/** One sample; `v` is null where the provider has a timestamp but no value. Times are epoch milliseconds. */
export interface Point {
  t: number;
  v: number | null;
}

export interface Series {
  labels: Readonly<Record<string, string>>;
  points: Point[];
}

export interface TimeRange {
  start: number;
  end: number;
  step: number;
}

/** A metrics backend. Each lives in its own file and is listed in providers/registry.ts. */
export interface MetricProvider<R extends BaseRequest = BaseRequest> {
  /** The request as it will be sent (method, URL, query; never credentials), for plans and messages. */
  describe(request: R): string;
  /**
   * The value(s) at evaluation time `at` (epoch ms): one point per series. A measurement passes one
   * `at` to every query it makes, so a canary and its baseline are read at the same instant.
   */
  instant(request: R, at: number, signal: AbortSignal): Promise<Series[]>;
  /** Whether `instant` can read a past `at` (the web provider only reads the present). */
  readonly history: boolean;
  /** A window of history, for statistical judgements. */
  range(request: R, range: TimeRange, signal: AbortSignal): Promise<Series[]>;
}

/**
 * Why a query did not give a reading. `config` errors (a 401, a rejected query, a missing URL) will
 * not heal by asking again: the check fails at once. `transient` ones (down, 5xx, timeout, garbled
 * body, 429) are retried and then counted against consecutive_error_limit.
 */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly kind: 'config' | 'transient',
    /** Set when the provider said how long to wait (Retry-After, X-RateLimit-Reset). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
