import { describe, expect, it } from 'vitest';
import { PhaseStates, IllegalTransitionError, canTransition } from '../../src/engine/state-machine';

describe('phase state machine', () => {
  it('walks the happy path and the rollback path', () => {
    const seen: string[] = [];
    const states = new PhaseStates(['p'], (_phase, from, to) => seen.push(`${from}>${to}`));
    for (const to of ['validating', 'executing', 'verifying', 'verified', 'rolling_back', 'rolled_back'] as const) states.move('p', to);
    expect(seen).toEqual([
      'pending>validating',
      'validating>executing',
      'executing>verifying',
      'verifying>verified',
      'verified>rolling_back',
      'rolling_back>rolled_back',
    ]);
  });

  it('rejects illegal transitions', () => {
    const states = new PhaseStates(['p']);
    expect(() => states.move('p', 'verified')).toThrow(IllegalTransitionError);
    expect(() => states.move('p', 'verified')).toThrow("phase 'p': illegal transition pending → verified");
    states.move('p', 'validating');
    states.move('p', 'failed');
    expect(() => states.move('p', 'executing')).toThrow(IllegalTransitionError);
    expect(canTransition('rolled_back', 'rolling_back')).toBe(false);
    expect(canTransition('rollback_failed', 'rolled_back')).toBe(false);
  });

  it('refuses unknown phases', () => {
    expect(() => new PhaseStates(['a']).move('b', 'validating')).toThrow("unknown phase 'b'");
  });
});
