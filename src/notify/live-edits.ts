import type { LaunchEvent } from '../events/event-bus';
import { changesSummary } from '../events/launch-view';
import { allPaces, TokenBucket, type Pace } from './pacing';
import type { WorkQueue } from './work-queue';

/**
 * Edits for phase completions spread over the launch, and over a rollback's steps: with the urgent
 * ones below, a 200-phase launch that fails and rolls back is edited about 30 times.
 */
const LAUNCH_PROGRESS_EDITS = 20;
const ROLLBACK_PROGRESS_EDITS = 5;
/** Slack's chat.update allows about 50 a minute; GitHub asks for writes a second or more apart. */
const EDIT_SPACING_MS = 1500;

/**
 * One status kept up to date by editing it in place: the Slack live message, the PR comment. An
 * edit is queued under one key and renders the latest state when it starts, so a burst costs one.
 * Phase completions edit every ceil(phases / 20), a rollback's steps every ceil(steps / 5), never
 * closer than 1.5 s; the start, a failure, a rollback's start and end, a failed rollback step and
 * the finish edit at once. The flush writes whatever the last edit did not show.
 */
export class LiveEdits<T> {
  private changes = 0;
  private written = 0;
  private completions = 0;
  private every = 1;
  private readonly spacing = new TokenBucket(EDIT_SPACING_MS);
  private readonly firstPace: Pace;

  constructor(
    private readonly queue: WorkQueue,
    private readonly key: string,
    private readonly render: () => T,
    private readonly write: (rendered: T) => Promise<void>,
    /** The rate of what creates the status, when that is a post under a limit of its own (Slack's channel rate). */
    createPace?: Pace,
  ) {
    this.firstPace = createPace ? allPaces(this.spacing, createPace) : this.spacing;
    queue.beforeFlush(() => {
      if (this.written < this.changes) this.queueEdit();
    });
  }

  onEvent(event: LaunchEvent): void {
    if (!changesSummary(event)) return;
    this.changes++;
    if (event.type === 'launch.started') this.every = perEdit(event.phases.length, LAUNCH_PROGRESS_EDITS);
    if (event.type === 'rollback.started') {
      this.every = perEdit(event.phases.length, ROLLBACK_PROGRESS_EDITS);
      this.completions = 0;
    }
    if (isUrgent(event)) this.queueEdit();
    else if (isCompletion(event) && ++this.completions >= this.every) this.queueEdit();
  }

  private queueEdit(): void {
    this.completions = 0;
    this.queue.coalesce(this.key, () => this.edit(), { pace: this.written ? this.spacing : this.firstPace });
  }

  private async edit(): Promise<void> {
    // Queued by the flush while an edit already under way was showing the last change.
    if (this.written === this.changes) return;
    const version = this.changes;
    await this.write(this.render());
    this.written = version;
  }
}

function perEdit(steps: number, edits: number): number {
  return Math.max(1, Math.ceil(steps / edits));
}

function isUrgent(event: LaunchEvent): boolean {
  switch (event.type) {
    case 'launch.started':
    case 'phase.failed':
    case 'rollback.started':
    case 'rollback.finished':
    case 'launch.finished':
      return true;
    case 'rollback.phase':
      return !event.ok;
    default:
      return false;
  }
}

function isCompletion(event: LaunchEvent): boolean {
  return event.type === 'phase.verified' || event.type === 'rollback.phase';
}
