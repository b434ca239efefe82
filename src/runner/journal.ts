import type { EngineJournal } from '../engine/engine';

/**
 * The launch's progress, saved entry by entry where the post step reads it back: which phases
 * started, which rollbacks started and how they ended, and the outcome. Every save must succeed
 * before the step it records goes ahead (a phase does not start unrecorded), so `save` throws when it
 * cannot write. One entry per event keeps the state linear in the number of phases.
 */
export const ENTRY = {
  /** The directory (in RUNNER_TEMP) holding the plan the main step ran and rollback exit records. */
  launchDir: 'launch-dir',
  /** Tags the main step's commands (process-tracking): the post step finds its survivors by it. */
  trackingId: 'tracking-id',
  /** The launch's strategy with its `{command}` sources resolved, as JSON (the plan copy holds it too). */
  strategy: 'strategy',
  /** `started-0`, `started-1`, ...: one entry per started phase, in order. */
  started: 'started',
  rollbackStarted: 'rollback-started',
  /** `rolled-back-0`, ...: rollbacks that succeeded. */
  rolledBack: 'rolled-back',
  rollbackFailed: 'rollback-failed',
  /** Present once the launch has an outcome (not a cancelled one): the post step then does nothing. */
  finished: 'finished',
} as const;

export type Save = (name: string, value: string) => void;

export interface JournalRecord {
  launchDir?: string;
  trackingId?: string;
  started: string[];
  rollbackStarted: string[];
  rolledBack: string[];
  rollbackFailed: string[];
  finished: boolean;
}

/** Writes the journal; the engine calls it through EngineJournal before each step it records. */
export class LaunchJournal implements EngineJournal {
  private readonly counts = new Map<string, number>();

  constructor(private readonly save: Save) {}

  begin(launchDir: string, trackingId: string): void {
    this.save(ENTRY.launchDir, launchDir);
    this.save(ENTRY.trackingId, trackingId);
  }

  strategyResolved(strategy: unknown): void {
    this.save(ENTRY.strategy, JSON.stringify(strategy));
  }

  phaseStarting(phase: string): void {
    this.append(ENTRY.started, phase);
  }

  rollbackStarting(phase: string): void {
    this.append(ENTRY.rollbackStarted, phase);
  }

  rollbackFinished(phase: string, ok: boolean): void {
    this.append(ok ? ENTRY.rolledBack : ENTRY.rollbackFailed, phase);
  }

  finished(): void {
    this.save(ENTRY.finished, 'true');
  }

  private append(list: string, value: string): void {
    const index = this.counts.get(list) ?? 0;
    this.save(`${list}-${index}`, value);
    this.counts.set(list, index + 1);
  }
}

/** Reads back what the main step journaled. */
export function readJournal(getState: (name: string) => string): JournalRecord {
  const list = (name: string): string[] => {
    const items: string[] = [];
    for (let value = getState(`${name}-0`); value; value = getState(`${name}-${items.length}`)) items.push(value);
    return items;
  };
  return {
    launchDir: getState(ENTRY.launchDir) || undefined,
    trackingId: getState(ENTRY.trackingId) || undefined,
    started: list(ENTRY.started),
    rollbackStarted: list(ENTRY.rollbackStarted),
    rolledBack: list(ENTRY.rolledBack),
    rollbackFailed: list(ENTRY.rollbackFailed),
    finished: getState(ENTRY.finished) === 'true',
  };
}
