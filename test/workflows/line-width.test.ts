/**
 * Prettier wraps our TypeScript at 140 columns and ESLint's max-len holds what it cannot break; YAML has
 * neither, so this holds action.yml and the workflows to the same width.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAX_WIDTH = 140;
const DIRS = ['.github/workflows', '.github/examples'];

const files = [
  'action.yml',
  ...DIRS.flatMap((dir) =>
    readdirSync(join(ROOT, dir))
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => `${dir}/${f}`),
  ),
];

describe('YAML line width', () => {
  it('finds the files it checks', () => {
    expect(files).toContain('.github/workflows/canary.yml');
  });

  it.each(files)(`%s has no line over ${MAX_WIDTH} characters`, (file) => {
    const long = readFileSync(join(ROOT, file), 'utf8')
      .split('\n')
      .flatMap((line, index) => (line.length > MAX_WIDTH ? [`line ${index + 1}: ${line.length} characters`] : []));
    expect(long).toEqual([]);
  });
});
