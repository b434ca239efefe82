import { errorMessage } from '../engine/events';

/**
 * A notifier's network work, one task at a time in event order. A failing task becomes a warning and
 * the queue goes on; `flush` waits for the rest and then throws the warnings, which the event bus
 * records as one warning from the notifier (a subscriber cannot emit events of its own).
 */
export class WorkQueue {
  private readonly warnings: string[] = [];
  private readonly waiting = new Set<string>();
  private tail: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly redact: (text: string) => string,
    /** Errors no retry can fix (a bad token, an unknown channel): the rest of the work is skipped. */
    private readonly isFatal: (error: unknown) => boolean = () => false,
  ) {}

  add(task: () => Promise<void>): void {
    this.tail = this.tail
      .then(() => (this.stopped ? undefined : task()))
      .catch((error: unknown) => {
        if (!this.isFatal(error)) return this.warn(errorMessage(error));
        this.warn(`${errorMessage(error)}; nothing more is sent for this launch`);
        this.stopped = true;
      });
  }

  /**
   * Queues `task` unless one under the same key is still waiting to start: that one renders the
   * latest state when it runs, so a burst of events costs one request instead of one per event.
   */
  coalesce(key: string, task: () => Promise<void>): void {
    if (this.waiting.has(key)) return;
    this.waiting.add(key);
    this.add(() => {
      this.waiting.delete(key);
      return task();
    });
  }

  warn(message: string): void {
    this.warnings.push(this.redact(message));
  }

  async flush(): Promise<void> {
    await this.tail;
    if (this.warnings.length === 1) throw new Error(this.warnings[0]);
    if (this.warnings.length > 1) throw new Error(`${this.warnings.length} problems: ${this.warnings.join('; ')}`);
  }
}
