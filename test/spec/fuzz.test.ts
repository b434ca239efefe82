import { describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import type * as childProcess from 'node:child_process';
import { parseSpec } from '../../src/spec/load';
import { SpecError } from '../../src/spec/problems';
import { SEED_SPEC } from '../support/seed';
import { prng } from '../support/prng';
import { mutate, readmeSpec } from '../support/spec-mutants';

// Every way a process could start is counted: parsing a spec must never run one of its commands.
const spawned = vi.hoisted(() => ({ count: 0 }));
vi.mock('node:child_process', async (importOriginal) => {
  const real = await importOriginal<typeof childProcess>();
  const counted = <F extends (...args: never[]) => unknown>(fn: F): F =>
    ((...args: Parameters<F>) => {
      spawned.count += 1;
      return fn(...args);
    }) as F;
  return {
    ...real,
    spawn: counted(real.spawn),
    spawnSync: counted(real.spawnSync),
    exec: counted(real.exec),
    execSync: counted(real.execSync),
    execFile: counted(real.execFile),
    execFileSync: counted(real.execFileSync),
    fork: counted(real.fork),
  };
});

const SEED = 0x9c0ffee;
const MUTANTS_PER_SPEC = 1500;

interface Verdicts {
  accepted: number;
  refused: number;
  /** Mutants refused without a line, or with another kind of error: each with its text, to reproduce. */
  wrong: { spec: string; error: string }[];
}

function fuzz(name: string, spec: string, seed: number): Verdicts {
  const random = prng(seed);
  const verdicts: Verdicts = { accepted: 0, refused: 0, wrong: [] };
  for (let i = 0; i < MUTANTS_PER_SPEC; i++) {
    const mutant = mutate(spec, random);
    const lineCount = mutant.split('\n').length;
    try {
      parseSpec(mutant, name);
      verdicts.accepted += 1;
    } catch (error) {
      if (!(error instanceof SpecError)) {
        verdicts.wrong.push({ spec: mutant, error: `${(error as Error)?.name}: ${(error as Error)?.message}` });
        continue;
      }
      verdicts.refused += 1;
      const unplaced = error.problems.filter(
        (problem) => problem.file !== name || !(problem.line >= 1 && problem.line <= lineCount + 1) || !problem.message,
      );
      if (!error.problems.length || unplaced.length) verdicts.wrong.push({ spec: mutant, error: error.message || '(no problems)' });
    }
  }
  return verdicts;
}

describe(`spec fuzzing (seed ${SEED.toString(16)}, ${MUTANTS_PER_SPEC} mutants per spec)`, () => {
  const specs: [string, string][] = [
    ['readme-native.yml', readmeSpec()],
    ['seed-launch-config.yaml', readFileSync(SEED_SPEC, 'utf8')],
  ];

  it.each(specs.map(([name, text], index) => [name, text, SEED + index] as const))(
    '%s: every mutant is a model or a SpecError whose every problem names the file and a line; none runs a command',
    (name, text, seed) => {
      // The seeds themselves load, so mutants start from a valid spec.
      expect(() => parseSpec(text, name)).not.toThrow();
      const before = spawned.count;
      const verdicts = fuzz(name, text, seed);
      expect(verdicts.wrong.slice(0, 3)).toEqual([]);
      expect(spawned.count).toBe(before);
      // Both outcomes happen: the mutations do reach the validator, and not only the YAML parser.
      expect(verdicts.refused).toBeGreaterThan(MUTANTS_PER_SPEC / 4);
      expect(verdicts.accepted).toBeGreaterThan(0);
    },
  );

  it('counts a process started through node:child_process (the check above could fail)', async () => {
    const { spawnSync } = await import('node:child_process');
    const before = spawned.count;
    spawnSync('true');
    expect(spawned.count).toBe(before + 1);
  });
});
