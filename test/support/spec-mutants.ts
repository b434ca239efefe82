/**
 * Seeded mutations of a spec's text (bytes, lines, indentation, key typos, values of another type),
 * shared by the spec fuzz test and the plain block YAML differential test.
 */
import { readFileSync } from 'node:fs';

/** The README's native spec: the yaml block that names the JSON schema. */
export function readmeSpec(): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = readme
    .split('```yaml\n')
    .map((part) => part.split('\n```')[0]!)
    .find((part) => part.includes('yaml-language-server'));
  if (!block) throw new Error('README has no native spec block (the one with the yaml-language-server schema line)');
  return `${block}\n`;
}

const BYTES = [
  ':',
  '-',
  ' ',
  '\t',
  '\n',
  '{',
  '}',
  '[',
  ']',
  '&',
  '*',
  '!',
  '"',
  "'",
  '#',
  '|',
  '>',
  '%',
  '@',
  '`',
  ',',
  '?',
  '\\',
  '\r',
  '\u0000',
  '\u00e9',
  'x',
  '0',
  '9',
];
const VALUES = [
  '[]',
  '{}',
  'null',
  '~',
  'true',
  '-1',
  '0',
  '0.5',
  '1e999',
  '2147483648',
  '"text"',
  "''",
  '*nowhere',
  '&a x',
  '!!binary x',
  '600h',
  '-5m',
  '[1, [2, [3]]]',
  '{ a: 1, a: 2 }',
  '"${UNSET}"',
];

type Mutation = (lines: string[], random: () => number) => string[];
export const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)]!;
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
      const typo =
        random() < 0.5
          ? key.slice(0, i) + key.slice(i + 1)
          : key.slice(0, i) + String.fromCharCode(97 + Math.floor(random() * 26)) + key.slice(i);
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

export function mutate(spec: string, random: () => number): string {
  let lines = spec.split('\n');
  const count = 1 + Math.floor(random() * 3);
  for (let i = 0; i < count; i++) {
    // A small text can lose its every line; the next mutation needs one to work on.
    if (!lines.length) lines = [''];
    lines = mutations[pick(kinds, random)]!(lines, random);
  }
  return lines.join('\n');
}
