import { describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseSpec } from '../../src/spec/load';
import { SpecError } from '../../src/spec/problems';
import { SEED_SPEC } from '../support/seed';
import { prng } from '../support/prng';

// Every way a process could start is counted: parsing a spec must never run one of its commands.
const spawned = vi.hoisted(() => ({ count: 0 }));
vi.mock('node:child_process', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:child_process')>();
  const counted = <F extends (...args: never[]) => unknown>(fn: F): F =>
    ((...args: Parameters<F>) => {
      spawned.count += 1;
      return fn(...args);
    }) as F;
  return { ...real, spawn: counted(real.spawn), spawnSync: counted(real.spawnSync), exec: counted(real.exec), execSync: counted(real.execSync), execFile: counted(real.execFile), execFileSync: counted(real.execFileSync), fork: counted(real.fork) };
});


const SEED = 0x9c0ffee;
const MUTANTS_PER_SPEC = 1500;

/** The README's native spec: the yaml block that names the JSON schema. */
function readmeSpec(): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = readme.split('```yaml\n').map((part) => part.split('\n```')[0]!).find((part) => part.includes('yaml-language-server'));
  if (!block) throw new Error('README has no native spec block (the one with the yaml-language-server schema line)');
  return `${block}\n`;
}

const BYTES = [':', '-', ' ', '\t', '\n', '{', '}', '[', ']', '&', '*', '!', '"', "'", '#', '|', '>', '%', '@', '`', ',', '?', '\\', '\r', '\u0000', '\u00e9', 'x', '0', '9'];
const VALUES = ['[]', '{}', 'null', '~', 'true', '-1', '0', '0.5', '1e999', '2147483648', '"text"', "''", '*nowhere', '&a x', '!!binary x', '600h', '-5m', '[1, [2, [3]]]', '{ a: 1, a: 2 }', '"${UNSET}"'];

type Mutation = (lines: string[], random: () => number) => string[];
const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)]!;
const lineIndex = (lines: string[], random: () => number): number => Math.floor(random() * lines.length);

const mutations: Record<string, Mutation> = {
  byteFlip(lines, random) {
    const text = lines.join('\n');
    const at = Math.floor(random() * text.length);
    return `${text.slice(0, at)}${pick(BYTES, random)}${text.slice(at + 1)}`.split('\n');
  },
  deleteLine(lines, random) {
    const at = lineIndex(lines, random);
    return [...lines.slice(0, at), ...lines.slice(at + 1)];
  },
  duplicateLine(lines, random) {
    const at = lineIndex(lines, random);
    return [...lines.slice(0, at + 1), lines[at]!, ...lines.slice(at + 1)];
  },
  indent(lines, random) {
    const at = lineIndex(lines, random);
    const line = lines[at]!;
    const changed = random() < 0.5 ? `${' '.repeat(1 + Math.floor(random() * 3))}${line}` : line.replace(/^ {1,2}/, '');
    return lines.map((original, i) => (i === at ? changed : original));
  },
  keyTypo(lines, random) {
    const keyed = lines.flatMap((line, i) => (/^\s*-?\s*[A-Za-z_]+:/.test(line) ? [i] : []));
    if (!keyed.length) return lines;
    const at = pick(keyed, random);
    const changed = lines[at]!.replace(/([A-Za-z_]+):/, (_, key: string) => {
      const i = Math.floor(random() * key.length);
      const typo = random() < 0.5 ? key.slice(0, i) + key.slice(i + 1) : key.slice(0, i) + String.fromCharCode(97 + Math.floor(random() * 26)) + key.slice(i);
      return `${typo || 'x'}:`;
    });
    return lines.map((line, i) => (i === at ? changed : line));
  },
  typeSwap(lines, random) {
    const valued = lines.flatMap((line, i) => (/:\s+\S/.test(line) ? [i] : []));
    if (!valued.length) return lines;
    const at = pick(valued, random);
    const changed = lines[at]!.replace(/(:\s+)(.*)$/, (_, sep: string) => `${sep}${pick(VALUES, random)}`);
    return lines.map((line, i) => (i === at ? changed : line));
  },
};
const kinds = Object.keys(mutations);

function mutate(spec: string, random: () => number): string {
  let lines = spec.split('\n');
  const count = 1 + Math.floor(random() * 3);
  for (let i = 0; i < count; i++) lines = mutations[pick(kinds, random)]!(lines, random);
  return lines.join('\n');
}

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
      const unplaced = error.problems.filter((problem) => problem.file !== name || !(problem.line >= 1 && problem.line <= lineCount + 1) || !problem.message);
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
