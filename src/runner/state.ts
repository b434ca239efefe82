import type { LaunchEvent, Subscriber } from '../engine/events';

/** Names of the values the main step saves for the post step (GITHUB_STATE → STATE_*). */
export const STATE = {
  isPost: 'isPost',
  started: 'started-phases',
  rolledBack: 'rolled-back-phases',
  finished: 'finished',
} as const;

/**
 * Saves, as they happen, which phases started and which were already rolled back, so that the post
 * step can undo a cancelled launch even if this process is killed mid-phase.
 */
export class StateRecorder implements Subscriber {
  readonly name = 'state';
  private readonly started: string[] = [];
  private readonly rolledBack: string[] = [];

  constructor(private readonly save: (name: string, value: string) => void) {}

  onEvent(event: LaunchEvent): void {
    if (event.type === 'phase.started') {
      this.started.push(event.phase);
      this.save(STATE.started, JSON.stringify(this.started));
    } else if (event.type === 'rollback.phase' && event.ok) {
      this.rolledBack.push(event.phase);
      this.save(STATE.rolledBack, JSON.stringify(this.rolledBack));
    }
  }
}

export function readPhaseList(value: string): string[] {
  if (!value) return [];
  const parsed: unknown = JSON.parse(value);
  return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
}
