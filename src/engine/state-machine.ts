import type { PhaseState } from '../events/states';

const TRANSITIONS: Record<PhaseState, readonly PhaseState[]> = {
  pending: ['validating', 'rolling_back'],
  validating: ['executing', 'failed'],
  executing: ['verifying', 'failed'],
  verifying: ['verified', 'failed'],
  verified: ['rolling_back'],
  failed: ['rolling_back'],
  rolling_back: ['rolled_back', 'rollback_failed'],
  rolled_back: [],
  rollback_failed: [],
};

export class IllegalTransitionError extends Error {
  constructor(phase: string, from: PhaseState, to: PhaseState) {
    super(`phase '${phase}': illegal transition ${from} → ${to}`);
  }
}

export function canTransition(from: PhaseState, to: PhaseState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The state of every phase of one launch; refuses transitions the lifecycle does not allow. */
export class PhaseStates {
  private readonly states = new Map<string, PhaseState>();

  constructor(
    phaseIds: readonly string[],
    private readonly onChange: (phase: string, from: PhaseState, to: PhaseState) => void = () => {},
  ) {
    for (const id of phaseIds) this.states.set(id, 'pending');
  }

  get(phase: string): PhaseState {
    const state = this.states.get(phase);
    if (!state) throw new Error(`unknown phase '${phase}'`);
    return state;
  }

  move(phase: string, to: PhaseState): void {
    const from = this.get(phase);
    if (!canTransition(from, to)) throw new IllegalTransitionError(phase, from, to);
    this.states.set(phase, to);
    this.onChange(phase, from, to);
  }

  snapshot(): Record<string, PhaseState> {
    return Object.fromEntries(this.states);
  }
}
