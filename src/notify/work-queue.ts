import { errorMessage } from '../engine/events';
import { NoResponseError } from './http-retry';

/** Under the event bus's 30 s per notifier, so that the queue stops itself before the bus gives up. */
const FLUSH_DEADLINE_MS = 25_000;

/**
 * A notifier's network work, one task at a time in event order. A failing task becomes a warning and
 * the queue goes on; `flush` waits for the rest and then throws the warnings, which the event bus
 * records as one warning from the notifier (a subscriber cannot emit events of its own).
 */
export class WorkQueue {
  private readonly warnings: string[] = [];
  private readonly waiting = new Set<string>();
  private tail: Promise<void> = Promise.resolve();
  private unfinished = 0;
  private stopped = false;

  constructor(
    private readonly redact: (text: string) => string,
    /** Errors no retry can fix (a bad token, an unknown channel): the rest of the work is skipped. */
    private readonly isFatal: (error: unknown) => boolean,
    private readonly flushDeadlineMs = FLUSH_DEADLINE_MS,
  ) {}

  add(task: () => Promise<void>): void {
    this.unfinished++;
    this.tail = this.tail
      .then(() => (this.stopped ? undefined : task()))
      .catch((error: unknown) => {
        // A service that did not answer at all is skipped from then on too: waiting out its
        // timeouts once per message would hold the end of the launch for minutes.
        if (!this.isFatal(error) && !(error instanceof NoResponseError)) return this.warn(errorMessage(error));
        this.warn(`${errorMessage(error)}; nothing more is sent for this launch`);
        this.stopped = true;
      })
      .finally(() => this.unfinished--);
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

  /** Waits for the queued work, up to the deadline; what is still queued then is dropped, said in a warning. */
  async flush(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    // Unref'd: the deadline alone must not keep the process alive once the bus has moved on.
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), this.flushDeadlineMs).unref()));
    const outcome = await Promise.race([this.tail.then(() => 'done' as const), late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      this.stopped = true;
      this.warn(`${this.unfinished} message(s) dropped: still sending ${this.flushDeadlineMs / 1000} s after the launch ended`);
    }
    if (this.warnings.length === 1) throw new Error(this.warnings[0]);
    if (this.warnings.length > 1) throw new Error(`${this.warnings.length} problems: ${this.warnings.join('; ')}`);
  }
}
