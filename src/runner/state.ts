import type { LaunchEvent, Subscriber } from '../engine/events';

/** Names of the values the main step saves for the post step (GITHUB_STATE → STATE_*). */
export const STATE = {
  isPost: 'isPost',
  /** `started-0`, `started-1`, ...: one entry per started phase, in order. */
  started: 'started',
  /** `rolled-back-0`, ...: phases already undone by the main step. */
  rolledBack: 'rolled-back',
  finished: 'finished',
  /** The launch's strategy with its `{command}` sources resolved, as JSON. */
  strategy: 'strategy',
} as const;

/**
 * Saves, as they happen, which phases started and which were already rolled back, so that the post
 * step can undo a cancelled launch even if this process is killed mid-phase. One entry per phase
 * keeps the state file linear in the number of phases (a rewritten list would grow quadratically).
 */
export class StateRecorder implements Subscriber {
  readonly name = 'state';
  private started = 0;
  private rolledBack = 0;

  constructor(private readonly save: (name: string, value: string) => void) {}

  onEvent(event: LaunchEvent): void {
    if (event.type === 'phase.started') this.save(`${STATE.started}-${this.started++}`, event.phase);
    else if (event.type === 'rollback.phase' && event.ok) this.save(`${STATE.rolledBack}-${this.rolledBack++}`, event.phase);
  }
}

/** Reads back a list saved entry by entry (`name-0`, `name-1`, ... until the first gap). */
export function readSavedList(getState: (name: string) => string, name: string): string[] {
  const items: string[] = [];
  for (let value = getState(`${name}-0`); value; value = getState(`${name}-${items.length}`)) items.push(value);
  return items;
}
