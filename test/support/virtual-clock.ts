/**
 * One clock for the code under test and the fakes it talks to: a sleep moves it on at once, so a
 * launch's worth of rate-limit waits, edit spacing and retries takes no real time, and the fake's
 * limiter sees exactly the time the client waited.
 */
export class VirtualClock {
  private time: number;
  /** Every wait asked for, in order. */
  readonly sleeps: number[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.time = start;
  }

  readonly now = (): number => this.time;

  readonly sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.advance(ms);
  };

  /** Time that passes outside any sleep: a phase's own duration. */
  advance(ms: number): void {
    this.time += Math.max(0, ms);
  }
}
