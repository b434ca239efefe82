import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { parsePlainBlockYaml } from '../../src/spec/plain-block-yaml';
import { shapeProblems } from '../../src/spec/yaml-shape';
import { SEED_SPEC } from '../support/seed';
import { prng } from '../support/prng';
import { mutate, pick, readmeSpec } from '../support/spec-mutants';

const SEED = 0x51a7b10c;
const GENERATED = 4000;
const MUTANTS_PER_SPEC = 1500;

/** What the yaml path makes of a text: its value, or a refusal (a YAML error or a shape problem). */
function yamlPath(text: string): { value: unknown } | 'refused' {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  if (doc.errors.length || shapeProblems(doc.contents).length) return 'refused';
  return { value: doc.toJS() };
}

/** Equal values with keys in the same order (the order vars reach commands in); -0 is not 0. */
function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => same(item, b[i]));
  if (a && typeof a === 'object') {
    if (!b || typeof b !== 'object' || Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
    const keys = Object.keys(a);
    const other = Object.keys(b);
    return (
      keys.length === other.length &&
      keys.every((key, i) => key === other[i] && same((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
    );
  }
  return Object.is(a, b);
}

const KEYS = ['a', 'b', 'c', 'id', 'run', 'x.y', 'a/b', 'a-b', '_k', 'K9'];
const ODD_KEYS = [
  'true',
  'True',
  'null',
  'NULL',
  'yes',
  'on',
  '__proto__',
  'a b',
  '"q"',
  "'q'",
  'a:b',
  '1',
  '0x1',
  '-a',
  '? a',
  '&x a',
  'k#',
  'ключ',
  'k\u00a0',
  '\u00a0k',
  'k'.repeat(1100),
];
const SCALARS = [
  'plain',
  'two words',
  './deploy.sh "$VAR"',
  'http://host:9090/x',
  '0',
  '-12',
  '0.5',
  '1.50',
  '600h',
  'true',
  'null',
  '"quoted"',
  "'it''s'",
  '[a, b]',
  '{ a: 1, b: [2, 3] }',
];
const ODD_SCALARS = [
  'plain',
  'two words',
  'a  b',
  './deploy.sh "$VAR"',
  'http://host:9090/x',
  '${IMAGE_TAG}',
  'é',
  'a#b',
  'a #b',
  'a: b',
  'a:',
  ':a',
  'a:b',
  '-x',
  '- x',
  '-',
  '--',
  '---',
  '...',
  '~',
  'null',
  'Null',
  'NULL',
  'nULL',
  'true',
  'True',
  'TRUE',
  'tRUE',
  'false',
  'FALSE',
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  '0',
  '-0',
  '+0',
  '007',
  '08',
  '-12',
  '+12',
  '1_000',
  '2147483648',
  '99999999999999999999',
  '0o17',
  '0o8',
  '0x1F',
  '0xg',
  '0b101',
  '0.5',
  '-.5',
  '+.5',
  '.5',
  '5.',
  '1.50',
  '1e3',
  '1E-3',
  '-1.5e+3',
  '1e',
  'e3',
  '.inf',
  '-.Inf',
  '+.INF',
  '.nan',
  '.NaN',
  'nan',
  'inf',
  '600h',
  '1h30m',
  '30s',
  '"quoted"',
  '"with \\" escape"',
  '"\\n\\t\\u00e9"',
  '"\\x41"',
  '"\\e"',
  '"\\ "',
  '"unclosed',
  '"a" b',
  '"a" # c',
  '"a"#c',
  "'single'",
  "'it''s'",
  "'unclosed",
  "'a' # c",
  "''",
  '""',
  '[]',
  '{}',
  '[a, b]',
  '{ a: 1, b: [2, 3] }',
  '{ a: 1, a: 2 }',
  '{ 1: a, "1": b }',
  '[a, b] # c',
  '[a] x',
  '[a]: b',
  '[unclosed',
  '{ a: *x }',
  '[&x a, *x]',
  '[!!str 1]',
  `${'['.repeat(70)}${']'.repeat(70)}`,
  '*alias',
  '&anchor v',
  '!!str 1',
  '!tag v',
  '|',
  '|-',
  '>',
  '%x',
  '@x',
  '`x',
  ', x',
  '? x',
  '# only a comment',
  'x # comment',
  'x\ty',
  'x\r',
  ' lead',
  'trail   ',
  '\u00a0x',
  'x\u00a0',
  'x\u00a0#c',
  '\u{1f680}',
  '\u2028x',
  'x\u0085y',
  '\ufeffx',
];

/** A random block document: mappings and sequences in their block forms, comments and blank lines, keys and values from the pools. */
function generate(random: () => number): string {
  const lines: string[] = [];
  const chance = (p: number): boolean => random() < p;
  const filler = (indent: number): void => {
    if (chance(0.05)) lines.push('');
    if (chance(0.05)) lines.push(`${' '.repeat(Math.floor(random() * (indent + 3)))}# note`);
  };
  const comment = (): string => (chance(0.1) ? ' # c' : '');
  // Mostly what specs hold, sometimes what tests the subset's edges; numbered keys keep duplicates rare.
  const key = (): string => (chance(0.9) ? `${pick(KEYS, random)}${Math.floor(random() * 50)}` : pick(ODD_KEYS, random));
  const scalar = (): string => pick(chance(0.8) ? SCALARS : ODD_SCALARS, random);
  const node = (indent: number, depth: number, lead: string): void => {
    const kind = depth > 4 || chance(0.3) ? 'scalar' : chance(0.6) ? 'map' : 'seq';
    if (kind === 'scalar') {
      lines[lines.length - 1] += ` ${scalar()}${comment()}`;
      return;
    }
    const child = indent + (chance(0.9) ? 2 : 1 + Math.floor(random() * 4));
    const count = 1 + Math.floor(random() * 4);
    for (let i = 0; i < count; i++) {
      filler(child);
      if (kind === 'map') {
        lines.push(`${' '.repeat(child)}${key()}:${chance(0.05) ? '  ' : ''}`);
        node(child, depth + 1, 'key');
      } else {
        // Sequences sometimes indentless (at the key's own indent) and items sometimes compact maps (`- key: value`).
        const at = lead === 'key' && chance(0.3) ? indent : child;
        if (chance(0.3)) {
          lines.push(`${' '.repeat(at)}-${chance(0.1) ? '   ' : ' '}${key()}:`);
          node(at + 2, depth + 1, 'key');
          if (chance(0.5)) {
            lines.push(`${' '.repeat(at + 2)}${key()}:`);
            node(at + 2, depth + 1, 'key');
          }
        } else {
          lines.push(`${' '.repeat(at)}-`);
          node(at, depth + 1, '');
        }
      }
    }
  };
  lines.push(`${chance(0.1) ? '  ' : ''}launch:`);
  node(lines[0]!.length - 'launch:'.length, 0, 'key');
  if (chance(0.2)) lines.push(`${key()}: ${pick(SCALARS, random)}`);
  return `${lines.join('\n')}${chance(0.8) ? '\n' : ''}`;
}

interface Outcome {
  /** Texts the plain path read; each must be what the yaml path gives. */
  plain: number;
  /** Texts the plain path left to yaml. */
  left: number;
  /** Texts where the two disagree: the plain path read a value yaml refuses or reads otherwise. */
  wrong: { text: string; plain: unknown; yaml: unknown }[];
}

function compare(texts: Iterable<string>): Outcome {
  const outcome: Outcome = { plain: 0, left: 0, wrong: [] };
  for (const text of texts) {
    const plain = parsePlainBlockYaml(text);
    if (!plain) {
      outcome.left += 1;
      continue;
    }
    outcome.plain += 1;
    const reference = yamlPath(text);
    if (reference === 'refused' || !same(plain.value, reference.value)) outcome.wrong.push({ text, plain: plain.value, yaml: reference });
  }
  return outcome;
}

function* generated(count: number, seed: number): Generator<string> {
  const random = prng(seed);
  for (let i = 0; i < count; i++) {
    const text = generate(random);
    yield random() < 0.3 ? mutate(text, random) : text;
  }
}

function* mutants(spec: string, count: number, seed: number): Generator<string> {
  const random = prng(seed);
  for (let i = 0; i < count; i++) yield mutate(spec, random);
}

describe(`plain block YAML against the yaml package (seed ${SEED.toString(16)})`, () => {
  it(`${GENERATED} generated documents: whatever the plain path reads, yaml reads the same; the rest is left to yaml`, () => {
    const outcome = compare(generated(GENERATED, SEED));
    expect(outcome.wrong.slice(0, 3)).toEqual([]);
    // Both paths are exercised: the subset is not empty, and the generator reaches beyond it.
    expect(outcome.plain).toBeGreaterThan(GENERATED / 5);
    expect(outcome.left).toBeGreaterThan(GENERATED / 5);
  });

  it.each([
    ['the README spec', readmeSpec(), SEED + 1],
    ['the template', readFileSync(SEED_SPEC, 'utf8'), SEED + 2],
  ])(`${MUTANTS_PER_SPEC} mutants of %s: same value as yaml, or left to yaml`, (_name, spec, seed) => {
    expect(same(parsePlainBlockYaml(spec)?.value, (yamlPath(spec) as { value: unknown }).value)).toBe(true);
    const outcome = compare(mutants(spec, MUTANTS_PER_SPEC, seed));
    expect(outcome.wrong.slice(0, 3)).toEqual([]);
    expect(outcome.plain).toBeGreaterThan(MUTANTS_PER_SPEC / 5);
  });

  it('leaves to yaml what it does not read the same way: duplicate keys, anchors, multi-line and block scalars, tabs', () => {
    for (const text of [
      'a: 1\na: 2\n',
      'a: &x 1\nb: *x\n',
      'a: b\n  c\n',
      'a: |\n  x\n',
      'a:\tb\n',
      'a: "x\n  y"\n',
      '--- \na: 1\n',
      'a: 1\r\n',
    ]) {
      expect(parsePlainBlockYaml(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('the comparison itself tells key order, -0 and types apart', () => {
    expect(same({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(same([0], [-0])).toBe(false);
    expect(same({ a: '1' }, { a: 1 })).toBe(false);
    expect(same({ a: [null, { b: true }] }, { a: [null, { b: true }] })).toBe(true);
  });
});
