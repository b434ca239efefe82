/**
 * The launch's failed health-check attempts (every `http_status` attempt, a rolling launch's instance
 * checks included) against `rollback_threshold.health_check_failures`: counted in-process, so the
 * threshold needs no metrics provider. One count per launch, shared by all its checks.
 */
export class HealthCheckFailures {
  private count = 0;

  /** `limit` undefined: no threshold, nothing breaches (the attempts are still counted). */
  constructor(readonly limit?: number) {}

  /** Counts one failed attempt; says how the threshold stands, and whether this attempt breached it. */
  record(): { breached: boolean; text: string } {
    this.count += 1;
    if (this.limit === undefined) return { breached: false, text: '' };
    const breached = this.count > this.limit;
    return {
      breached,
      text:
        `health_check_failures = ${this.count} ${breached ? 'breached' : 'within'} max ${this.limit}` +
        ` (failed health-check attempts in this launch)`,
    };
  }
}
