import type { EventOf, LaunchEvent } from './event-bus';
import type { LaunchMode, LaunchStatus, PhaseState } from './states';

/** What the notifiers know about a launch before its first event: who, what and where to link. */
export interface LaunchFacts {
  service: string;
  environment: string;
  mode: LaunchMode;
  version?: string;
  previousVersion?: string;
  environmentUrl?: string;
  actor?: string;
  runUrl?: string;
}

/** A failing check result: what was measured against what, for failure and rollback messages. */
export type Breach = Pick<EventOf<'check.result'>, 'phase' | 'stage' | 'check' | 'checkType' | 'message' | 'value' | 'threshold'>;

export interface PhaseView {
  id: string;
  name: string;
  state: PhaseState;
  /** When the phase started and ended (event times), for timelines. */
  startedAt?: number;
  endedAt?: number;
  durationMs?: number;
  reason?: string;
  /** Check results of the phase at every stage, and the first failing one as "check: message". */
  checks: { passed: number; failed: number; firstFailure?: string };
  /** Its undo; it started when the undo before it ended (they run one after another). */
  rollback?: Pick<EventOf<'rollback.phase'>, 'ok' | 'skipped' | 'notStarted' | 'error' | 'durationMs'> & {
    startedAt: number;
    endedAt: number;
  };
}

export type LaunchProgress = 'starting' | 'running' | 'rolling_back' | LaunchStatus;

/** Events that change what a status message or comment shows (measurements and passing checks do not). */
const SUMMARY_EVENTS = new Set<LaunchEvent['type']>([
  'launch.started',
  'phase.started',
  'phase.state',
  'phase.verified',
  'phase.failed',
  'rollback.started',
  'rollback.phase',
  'rollback.finished',
  'launch.finished',
]);

export function changesSummary(event: LaunchEvent): boolean {
  return SUMMARY_EVENTS.has(event.type) || (event.type === 'check.result' && !event.passed);
}

/** The launch as the events so far describe it; the notifiers and the job summary render from one of these. */
export class LaunchView {
  readonly phases = new Map<string, PhaseView>();
  readonly breaches: Breach[] = [];
  readonly warnings: EventOf<'warning'>[] = [];
  progress: LaunchProgress = 'starting';
  launchId?: string;
  failedPhase?: string;
  reason?: string;
  durationMs?: number;
  /** Phases that failed within a failure budget while the launch went on. */
  toleratedFailures: readonly string[] = [];
  rollback?: { phases: string[]; reason: string; ok?: boolean; failed: string[] };
  /** When the last undo ended (or the rollback began): where the next one starts. */
  private lastUndoEnd?: number;

  constructor(readonly facts: LaunchFacts) {}

  /** The view of a whole stream, e.g. a finished launch's history. */
  static of(events: readonly LaunchEvent[], facts: LaunchFacts): LaunchView {
    const view = new LaunchView(facts);
    for (const event of events) view.apply(event);
    return view;
  }

  apply(event: LaunchEvent): void {
    switch (event.type) {
      case 'launch.started':
        this.launchId = event.launchId;
        Object.assign(this.facts, {
          environment: event.environment,
          mode: event.mode,
          version: event.version,
          previousVersion: event.previousVersion,
        });
        for (const phase of event.phases) this.phase(phase.id).name = phase.name;
        this.progress = event.mode === 'rollback' ? 'rolling_back' : 'running';
        break;
      case 'phase.started':
        this.phase(event.phase).startedAt = event.at;
        break;
      case 'phase.state':
        this.phase(event.phase).state = event.to;
        break;
      case 'phase.verified':
        Object.assign(this.phase(event.phase), { state: 'verified', durationMs: event.durationMs, endedAt: event.at });
        break;
      case 'phase.failed':
        Object.assign(this.phase(event.phase), { state: 'failed', durationMs: event.durationMs, reason: event.reason, endedAt: event.at });
        break;
      case 'check.result': {
        const { checks } = this.phase(event.phase);
        if (event.passed) checks.passed++;
        else {
          checks.failed++;
          checks.firstFailure ??= `${event.check}: ${event.message}`;
        }
        // A failed rollback check explains the rollback's failure (the outcome says so), not the launch's.
        if (!event.passed && event.stage !== 'rollback') this.breaches.push(event);
        break;
      }
      case 'rollback.started':
        this.rollback = { phases: event.phases, reason: event.reason, failed: [] };
        this.progress = 'rolling_back';
        this.lastUndoEnd = event.at;
        break;
      case 'rollback.phase': {
        const phase = this.phase(event.phase);
        const { ok, skipped, notStarted, error, durationMs } = event;
        phase.rollback = {
          ok,
          skipped,
          notStarted,
          error,
          durationMs,
          startedAt: this.lastUndoEnd ?? event.at - durationMs,
          endedAt: event.at,
        };
        this.lastUndoEnd = event.at;
        // A phase that never started was not rolled back: it stays as it was.
        if (!notStarted) phase.state = ok ? 'rolled_back' : 'rollback_failed';
        break;
      }
      case 'rollback.finished':
        if (this.rollback) Object.assign(this.rollback, { ok: event.ok, failed: event.failed });
        break;
      case 'warning':
        this.warnings.push(event);
        break;
      case 'launch.finished':
        Object.assign(this, {
          progress: event.status,
          failedPhase: event.failedPhase,
          reason: event.reason,
          durationMs: event.durationMs,
          toleratedFailures: event.toleratedFailures ?? [],
        });
        break;
      case 'command.finished':
      case 'measurement':
        // Told in the log and the metric charts; the view's per-phase state does not change.
        break;
    }
  }

  /** Whether launch.started was seen: until then the facts are only what the constructor was given. */
  get started(): boolean {
    return this.launchId !== undefined;
  }

  get finished(): boolean {
    return !['starting', 'running', 'rolling_back'].includes(this.progress);
  }

  /**
   * The phases in the order a long list should show them when it cannot show all: those worth a look
   * (running, failed, rolled back) first, then the routine verified and pending ones.
   */
  phasesByInterest(): PhaseView[] {
    const phases = [...this.phases.values()];
    const routine = (phase: PhaseView): boolean => phase.state === 'verified' || phase.state === 'pending';
    return [...phases.filter((phase) => !routine(phase)), ...phases.filter(routine)];
  }

  /** The breaches that explain the failure: the failed phase's when known, else all; newest last. */
  failureBreaches(): Breach[] {
    const own = this.breaches.filter((breach) => breach.phase === this.failedPhase);
    return own.length ? own : this.breaches;
  }

  private phase(id: string): PhaseView {
    let found = this.phases.get(id);
    if (!found) this.phases.set(id, (found = { id, name: id, state: 'pending', checks: { passed: 0, failed: 0 } }));
    return found;
  }
}
