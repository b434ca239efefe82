import type { LaunchEvent, Subscriber } from '../events/event-bus';
import type { LaunchView } from '../events/launch-view';
import type { WorkQueue } from './work-queue';

/**
 * What every notifier shares: it follows the launch in its own LaunchView and sends through its own
 * WorkQueue, whose warnings its `flush` throws for the bus to record.
 */
export abstract class LaunchNotifier implements Subscriber {
  abstract readonly name: string;

  constructor(
    protected readonly view: LaunchView,
    /** Public so that its work can be awaited (`drained`) without flushing. */
    readonly queue: WorkQueue,
  ) {}

  onEvent(event: LaunchEvent): void {
    // Warnings are the bus's own reports, ours included: nothing to announce.
    if (event.type === 'warning') return;
    this.view.apply(event);
    this.react(event);
  }

  flush(withinMs: number): Promise<void> {
    return this.queue.flush(withinMs);
  }

  /** Queues the work `event` calls for; the view already includes the event. */
  protected abstract react(event: LaunchEvent): void;
}
