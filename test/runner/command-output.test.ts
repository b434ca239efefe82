import { describe, expect, it } from 'vitest';
import { neutraliseCommandLine } from '../../src/runner/command-output';
import { LaunchJournal, readJournal } from '../../src/runner/journal';

describe('neutraliseCommandLine', () => {
  it.each([
    '::save-state name=finished::true',
    '  ::set-output name=status::ok',
    '::stop-commands::tok',
    '##[save-state name=x;]y',
    '##[set-output name=x]y',
    '::SAVE-STATE name=a::b',
  ])('neutralises %s', (line) => expect(neutraliseCommandLine(line)).toBe(`[command output] ${line}`));
  it.each([
    '::warning::careful',
    '::error file=a,line=1::bad',
    '::group::x',
    '::endgroup::',
    '::add-mask::secret',
    'plain ::save-state text',
    '##[group]x',
  ])('passes %s through', (line) => expect(neutraliseCommandLine(line)).toBe(line));
});

describe('LaunchJournal', () => {
  it('reads back what it saved, entry by entry', () => {
    const state: Record<string, string> = {};
    const journal = new LaunchJournal((name, value) => (state[name] = value));
    journal.begin('/tmp/dir', 'tid');
    journal.phaseStarting('a');
    journal.phaseStarting('b');
    journal.rollbackStarting('b');
    journal.rollbackFinished('b', true);
    journal.rollbackStarting('a');
    journal.rollbackFinished('a', false);
    expect(readJournal((name) => state[name] ?? '')).toEqual({
      launchDir: '/tmp/dir',
      trackingId: 'tid',
      started: ['a', 'b'],
      rollbackStarted: ['b', 'a'],
      rolledBack: ['b'],
      rollbackFailed: ['a'],
      finished: false,
    });
  });

  it('does not count an entry it could not save', () => {
    const state: Record<string, string> = {};
    let full = true;
    const journal = new LaunchJournal((name, value) => {
      if (full) throw new Error('ENOSPC');
      state[name] = value;
    });
    expect(() => journal.phaseStarting('a')).toThrow('ENOSPC');
    full = false;
    journal.phaseStarting('b');
    expect(readJournal((name) => state[name] ?? '').started).toEqual(['b']);
  });
});
