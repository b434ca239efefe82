/** The clock notifiers wait on: the retry policy's, so that tests can run every wait on one virtual clock. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** A limit on how often work may start: the queue waits `delayMs` before a task, then calls `take`. */
export interface Pace {
  /** The wait before the next start, or before the one after `ahead` more starts. */
  delayMs(now: number, ahead?: number): number;
  take(now: number): void;
}

/**
 * Up to `burst` sends at once, then one every `intervalMs` (a token bucket, kept as the time it
 * next empties). `take` always succeeds: after a wait that the clock did not really spend (a test's
 * instant sleep), the bucket moves on instead of asking for the same wait again.
 */
export class TokenBucket implements Pace {
  private emptyAt = -Infinity;

  constructor(
    private readonly intervalMs: number,
    private readonly burst = 1,
  ) {}

  delayMs(now: number, ahead = 0): number {
    return Math.max(0, Math.max(this.emptyAt, now) + ahead * this.intervalMs - (this.burst - 1) * this.intervalMs - now);
  }

  take(now: number): void {
    this.emptyAt = Math.max(this.emptyAt, now) + this.intervalMs;
  }
}

/** Several limits at once: waits for the slowest, and counts against each. */
export function allPaces(...paces: Pace[]): Pace {
  return {
    delayMs: (now, ahead) => Math.max(0, ...paces.map((pace) => pace.delayMs(now, ahead))),
    take: (now) => paces.forEach((pace) => pace.take(now)),
  };
}
