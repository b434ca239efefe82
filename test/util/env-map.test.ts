import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { envMapSchema, envNameSchema, envValueSchema } from '../../src/util/env-map';
import { prng } from '../support/prng';
import { pick } from '../support/spec-mutants';

const SEED = 0xe7a1;
const NAMES = ['A', 'a', '_', 'VAR_1', 'Path', 'x9', '1A', 'a-b', 'a.b', '', ' A', 'é', '__proto__', 'constructor', 'toString'];
const VALUES: unknown[] = [
  '',
  'text',
  '${X}',
  0,
  -0,
  1.5,
  -12,
  1e21,
  2 ** 53,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  false,
  null,
  undefined,
  [],
  {},
  ['a'],
  { a: 1 },
];

function randomMap(random: () => number): unknown {
  if (random() < 0.05) return pick([null, [], 'vars', 3, new Map([['A', 'x']]), Object.create(null)], random);
  const map: Record<string, unknown> = {};
  const count = Math.floor(random() * 6);
  // Mostly well-formed maps, so that both ways are taken.
  for (let i = 0; i < count; i++) {
    if (random() < 0.8) map[`V${Math.floor(random() * 100)}`] = pick(['x', 1, true, 'long value'], random);
    else
      Object.defineProperty(map, pick(NAMES, random), {
        value: pick(VALUES, random),
        enumerable: true,
        configurable: true,
        writable: true,
      });
  }
  return map;
}

describe(`env maps (seed ${SEED.toString(16)})`, () => {
  it('give what zod alone gives, output and issues, on 5,000 maps valid and invalid', () => {
    const ours = envMapSchema();
    const zods = z.record(envNameSchema, envValueSchema);
    const random = prng(SEED);
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const input = randomMap(random);
      const got = ours.safeParse(input);
      const want = zods.safeParse(input);
      expect(got.success, JSON.stringify(input)).toBe(want.success);
      if (got.success && want.success) {
        accepted += 1;
        expect(Object.entries(got.data)).toEqual(Object.entries(want.data));
      } else expect(got.error!.issues).toEqual(want.error!.issues);
    }
    expect(accepted).toBeGreaterThan(2500);
    expect(accepted).toBeLessThan(5000);
  });

  it('check a well-formed map without zod, and a malformed one through it', () => {
    const ours = envMapSchema();
    const keyRuns = vi.spyOn(envNameSchema._zod, 'run');
    try {
      expect(ours.parse({ A: 'x', B: 2, C: false })).toEqual({ A: 'x', B: '2', C: 'false' });
      expect(keyRuns).not.toHaveBeenCalled();
      expect(ours.safeParse({ A: 'x', 'not-a-name': 'y' }).error?.issues[0]).toMatchObject({ code: 'invalid_key', path: ['not-a-name'] });
      expect(keyRuns).toHaveBeenCalled();
    } finally {
      keyRuns.mockRestore();
    }
  });
});
