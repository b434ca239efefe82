import { FlushError } from '../events/event-bus';
import { errorMessage } from '../util/errors';
import { defaultRetryPolicy, NoResponseError } from '../http/json-client';
import type { Clock, Pace } from './pacing';

/**
 * The share of the bus's flush time the queue takes for itself (25 s of the usual 30): it stops and
 * reports what it dropped before the bus gives up on it.
 */
const FLUSH_SHARE = 5 / 6;
/**
 * How long a message that matters may wait behind progress chatter. Past that the chatter ahead of
 * it is dropped: a failure read minutes late, behind 200 "phase verified" replies, is read too late.
 */
const MAX_WAIT_BEHIND_CHATTER_MS = 10_000;

export interface WorkOptions {
  /** Progress chatter (a phase verified, a rollback step done): dropped first when time or rate runs out. */
  droppable?: boolean;
  /** A rate the task must keep: the queue waits for it before starting the task. */
  pace?: Pace;
}

interface Entry extends WorkOptions {
  run: () => Promise<void>;
  queuedAt: number;
  key?: string;
}

/**
 * A notifier's network work, one task at a time in event order. A failing task becomes a warning and
 * the queue goes on; `flush` waits for the rest and then throws the warnings, which the event bus
 * records as one warning from the notifier (a subscriber cannot emit events of its own).
 *
 * Order is kept, except that droppable chatter gives way: it is dropped when a message that matters
 * has waited behind it too long, or when sending it would leave that message no time before the
 * flush deadline. Anything that could only start after the deadline is dropped too. What is dropped
 * is counted in the flush's error, for the summary.
 */
export class WorkQueue {
  private readonly warnings: string[] = [];
  private readonly entries: Entry[] = [];
  private readonly waiting = new Set<string>();
  private readonly flushHooks: (() => void)[] = [];
  private current?: Entry;
  private idle: Promise<void> = Promise.resolve();
  private busy = false;
  private stopped = false;
  private deadline = Infinity;
  private readonly dropped = { chatter: 0, late: 0 };

  constructor(
    private readonly redact: (text: string) => string,
    /** Errors no retry can fix (a bad token, an unknown channel): the rest of the work is skipped. */
    private readonly isFatal: (error: unknown) => boolean,
    private readonly clock: Clock = defaultRetryPolicy,
  ) {}

  add(task: () => Promise<void>, options: WorkOptions = {}): void {
    this.enqueue({ ...options, run: task, queuedAt: this.clock.now() });
  }

  /**
   * Queues `task` unless one under the same key is still waiting to start: that one renders the
   * latest state when it runs, so a burst of events costs one request instead of one per event.
   */
  coalesce(key: string, task: () => Promise<void>, options: WorkOptions = {}): void {
    if (this.waiting.has(key)) return;
    this.waiting.add(key);
    this.enqueue({ ...options, run: task, queuedAt: this.clock.now(), key });
  }

  /** Runs `hook` as the flush starts, before its deadline: where pending state gets its last write queued. */
  beforeFlush(hook: () => void): void {
    this.flushHooks.push(hook);
  }

  warn(message: string): void {
    this.warnings.push(this.redact(message));
  }

  /** Resolves once every task queued so far has run or been dropped. */
  drained(): Promise<void> {
    return this.idle;
  }

  /**
   * Waits for the queued work, up to a deadline within the `withinMs` the bus allows (30 s, or 2 s
   * on cancellation); what is still queued then is dropped and counted.
   */
  async flush(withinMs = 30_000): Promise<void> {
    for (const hook of this.flushHooks) hook();
    const deadlineMs = Math.round(withinMs * FLUSH_SHARE);
    this.deadline = this.clock.now() + deadlineMs;
    let timer: NodeJS.Timeout | undefined;
    // A task stuck in a request is not interrupted by the clock's deadline: this timer ends the wait.
    // Unref'd: the deadline alone must not keep the process alive once the bus has moved on.
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), deadlineMs).unref()));
    const outcome = await Promise.race([this.drained().then(() => 'done' as const), late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      this.stopped = true;
      this.dropped.late += this.entries.splice(0).length + (this.current ? 1 : 0);
    }
    const problems = [...this.warnings, ...this.droppedNotes(deadlineMs)];
    const dropped = this.dropped.chatter + this.dropped.late;
    if (problems.length === 1) throw new FlushError(problems[0]!, dropped);
    if (problems.length > 1) throw new FlushError(`${problems.length} problems: ${problems.join('; ')}`, dropped);
  }

  private enqueue(entry: Entry): void {
    this.entries.push(entry);
    if (this.busy) return;
    this.busy = true;
    this.idle = this.drain();
  }

  private async drain(): Promise<void> {
    // Not within the event that queued the work: the rest of a synchronous burst of events coalesces first.
    await Promise.resolve();
    for (let entry = this.entries.shift(); entry; entry = this.entries.shift()) {
      this.current = entry;
      if (this.stopped) this.release(entry);
      else await this.start(entry);
      this.current = undefined;
    }
    this.busy = false;
  }

  private async start(entry: Entry): Promise<void> {
    const wait = entry.pace?.delayMs(this.clock.now()) ?? 0;
    const dropAs = this.dropReason(entry, this.clock.now() + wait);
    if (dropAs) {
      this.dropped[dropAs]++;
      return this.release(entry);
    }
    if (wait > 0) await this.clock.sleep(wait);
    // Only now: a coalesced task takes in more of its burst while it waits for its pace.
    this.release(entry);
    entry.pace?.take(this.clock.now());
    try {
      await entry.run();
    } catch (error) {
      // A service that did not answer at all is skipped from then on too: waiting out its
      // timeouts once per message would hold the end of the launch for minutes.
      if (!this.isFatal(error) && !(error instanceof NoResponseError)) return this.warn(errorMessage(error));
      this.warn(`${errorMessage(error)}; nothing more is sent for this launch`);
      this.stopped = true;
    }
  }

  private release(entry: Entry): void {
    if (entry.key) this.waiting.delete(entry.key);
  }

  private dropReason(entry: Entry, startsAt: number): 'chatter' | 'late' | undefined {
    if (startsAt > this.deadline) return 'late';
    if (!entry.droppable) return undefined;
    const behind = this.entries.filter((later) => !later.droppable);
    if (behind.length && startsAt - behind[0]!.queuedAt > MAX_WAIT_BEHIND_CHATTER_MS) return 'chatter';
    // Near the deadline (a cancelled run's flush has 2 s): sent, it would leave no time for what matters behind it.
    const sharing = behind.filter((later) => later.pace === entry.pace).length;
    const now = this.clock.now();
    return entry.pace && sharing && now + entry.pace.delayMs(now, sharing) > this.deadline ? 'chatter' : undefined;
  }

  private droppedNotes(deadlineMs: number): string[] {
    const { chatter, late } = this.dropped;
    return [
      chatter ? `${chatter} progress message(s) dropped so that failure, rollback and outcome messages went out in time` : '',
      late ? `${late} message(s) dropped: not sent within ${deadlineMs / 1000} s of the launch's end` : '',
    ].filter(Boolean);
  }
}
