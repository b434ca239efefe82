import type { LaunchMode, LaunchStatus, PhaseState, CheckStage } from './states';
import { redactValues, type Redact } from '../util/redactor';
import { errorMessage } from '../util/errors';

/** Everything the engine reports. Subscribers (log, summary, report, notifiers) see only these. */
export type LaunchEvent =
  | {
      type: 'launch.started';
      at: number;
      launchId: string;
      mode: LaunchMode;
      environment: string;
      version?: string;
      previousVersion?: string;
      phases: { id: string; name: string }[];
    }
  | { type: 'phase.started'; at: number; phase: string }
  | { type: 'phase.state'; at: number; phase: string; from: PhaseState; to: PhaseState }
  | {
      type: 'check.result';
      at: number;
      phase: string;
      stage: CheckStage;
      check: string;
      checkType: string;
      passed: boolean;
      message: string;
      value?: number;
      threshold?: string;
      durationMs: number;
    }
  | {
      type: 'measurement';
      at: number;
      phase: string;
      check: string;
      metric: string;
      query?: string;
      value: number | null;
      verdict: 'pass' | 'fail' | 'inconclusive' | 'error';
      condition?: string;
      message?: string;
      bounds?: { min?: number; max?: number };
    }
  | {
      type: 'command.finished';
      at: number;
      phase: string;
      kind: 'run' | 'rollback';
      command: string;
      exitCode: number | null;
      signal: string | null;
      timedOut: boolean;
      cancelled: boolean;
      durationMs: number;
    }
  | { type: 'phase.verified'; at: number; phase: string; durationMs: number }
  | { type: 'phase.failed'; at: number; phase: string; reason: string; durationMs: number }
  | { type: 'rollback.started'; at: number; phases: string[]; reason: string }
  // skipped: nothing was run, because the phase has no rollback or (notStarted) never reached its command.
  | {
      type: 'rollback.phase';
      at: number;
      phase: string;
      ok: boolean;
      skipped: boolean;
      notStarted?: boolean;
      error?: string;
      durationMs: number;
    }
  | { type: 'rollback.finished'; at: number; ok: boolean; failed: string[] }
  // dropped: messages a notifier had to leave unsent (rate limits, the flush deadline), for the summary's outcome.
  | { type: 'warning'; at: number; source: string; message: string; dropped?: number }
  // toleratedFailures: phases that failed within a failure budget; a success with any is not a plain one.
  | {
      type: 'launch.finished';
      at: number;
      status: LaunchStatus;
      failedPhase?: string;
      reason?: string;
      durationMs: number;
      toleratedFailures?: string[];
    };

/**
 * Fields that name things rather than say them (ids, enums, phase lists): never redacted, so that a
 * secret of a few characters cannot rename a phase for the post step or turn an event's type into `***`.
 */
const IDENTIFIERS: ReadonlySet<string> = new Set([
  'type',
  'launchId',
  'mode',
  'phase',
  'phases',
  'id',
  'from',
  'to',
  'stage',
  'checkType',
  'kind',
  'verdict',
  'status',
  'failedPhase',
  'failed',
  'source',
  'signal',
]);

export type LaunchEventType = LaunchEvent['type'];
export type EventOf<T extends LaunchEventType> = Extract<LaunchEvent, { type: T }>;
/** Distributes Omit over the union so each member keeps its own fields. */
export type EventInput = LaunchEvent extends infer E ? (E extends LaunchEvent ? Omit<E, 'at'> : never) : never;

export interface Subscriber {
  readonly name: string;
  /** Called synchronously and in order; slow work (network) must queue itself and finish in `flush`. */
  onEvent(event: LaunchEvent): void;
  /** Awaited once the launch is over, for at most `withinMs`; errors here are warnings, never failures. */
  flush?(withinMs: number): Promise<void>;
}

/** A subscriber's flush that had problems, some of them work it had to drop: the count goes into its warning. */
export class FlushError extends Error {
  constructor(
    message: string,
    readonly dropped: number,
  ) {
    super(message);
  }
}

/**
 * Fans events out to subscribers. A subscriber that throws is isolated: the launch goes on and the
 * problem becomes a warning event for the others (a notifier must never fail a launch).
 */
export class EventBus {
  private readonly subscribers: Subscriber[] = [];
  readonly history: LaunchEvent[] = [];

  /**
   * `redact` takes secrets out of every string of every event as it is emitted: the one point all
   * subscribers (log, notifiers, summary, report) read from, before any of them formats a value.
   */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly redact?: Redact,
  ) {}

  subscribe(subscriber: Subscriber): void {
    this.subscribers.push(subscriber);
  }

  emit(input: EventInput): LaunchEvent {
    const raw = { ...input, at: this.now() };
    const event = this.redact ? redactValues(raw, this.redact, IDENTIFIERS) : raw;
    this.history.push(event);
    const failures: [string, unknown][] = [];
    for (const subscriber of this.subscribers) {
      try {
        subscriber.onEvent(event);
      } catch (error) {
        failures.push([subscriber.name, error]);
      }
    }
    // Warned once everyone has the event, so no subscriber hears of a problem before its cause.
    for (const [name, error] of failures) {
      // A warning about a warning would recurse; report those straight to stderr instead.
      if (event.type === 'warning') process.stderr.write(`${name}: ${errorMessage(error)}\n`);
      else this.warn(name, errorMessage(error));
    }
    return event;
  }

  /**
   * Lets the subscribers finish their queued work side by side, all within `timeoutMs`: on
   * cancellation the runner kills the process seconds later, so the bound is for the whole flush.
   * `cut`: a cancellation arriving mid-flush leaves only `cut.withinMs` more, so what the step
   * writes after the flush (outputs, summary, report) is written before the kill.
   */
  async flush(timeoutMs = 30_000, cut?: { signal?: AbortSignal; withinMs: number }): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let cutTimer: NodeJS.Timeout | undefined;
    let bound = `within ${timeoutMs} ms`;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      cut?.signal?.addEventListener(
        'abort',
        () => {
          bound = `within ${cut.withinMs} ms of the cancellation`;
          cutTimer = setTimeout(resolve, cut.withinMs);
        },
        { once: true },
      );
    });
    const pending = new Set<string>();
    const flushes = this.subscribers.flatMap((subscriber) => {
      if (!subscriber.flush) return [];
      pending.add(subscriber.name);
      return [
        subscriber.flush(timeoutMs).then(
          () => pending.delete(subscriber.name),
          (error: unknown) => {
            pending.delete(subscriber.name);
            this.warn(subscriber.name, errorMessage(error), error instanceof FlushError && error.dropped ? error.dropped : undefined);
          },
        ),
      ];
    });
    await Promise.race([Promise.all(flushes), deadline]);
    clearTimeout(timer);
    clearTimeout(cutTimer);
    for (const name of pending) this.warn(name, `did not finish ${bound}`);
  }

  warn(source: string, message: string, dropped?: number): void {
    this.emit({ type: 'warning', source, message, ...(dropped && { dropped }) });
  }
}
