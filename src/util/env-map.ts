import { z } from 'zod';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const envNameSchema = z.string().regex(ENV_NAME, 'expected an environment variable name');
export const envValueSchema = z.union([z.string(), z.number(), z.boolean()]).transform(String);

/**
 * Variables for commands (`vars`, a phase's `env`): names to strings, numbers or booleans, read as
 * strings. zod checks a record entry by entry through its key and value schemas, about 2–3 µs each:
 * 3 s of a 50 MB spec's million `vars`. A map whose every entry is well formed is checked and
 * converted here in one loop instead; any other goes through zod, for its messages. This wraps
 * the record's `_zod.run`, a zod internal: no public hook skips a record's per-entry checks while
 * keeping its JSON Schema; test/spec/env-map.test.ts holds both ways to the same output on valid and
 * invalid maps, so a zod upgrade that changes it fails there.
 */
export function envMapSchema(): z.ZodRecord<typeof envNameSchema, typeof envValueSchema> {
  const record = z.record(envNameSchema, envValueSchema);
  const zodRun = record._zod.run.bind(record._zod);
  record._zod.run = (payload, ctx) => {
    const strings = wellFormed(payload.value);
    if (!strings) return zodRun(payload, ctx);
    payload.value = strings;
    return payload;
  };
  return record;
}

/**
 * The map as strings if zod would accept every entry, else undefined. A map of strings only is
 * returned as it is: copying a million entries would cost as much again.
 */
function wellFormed(input: unknown): Record<string, string> | undefined {
  if (!input || typeof input !== 'object' || Object.getPrototypeOf(input) !== Object.prototype) return undefined;
  const map = input as Record<string, unknown>;
  let converted = false;
  for (const key of Object.keys(map)) {
    const value = map[key];
    if (key === '__proto__' || !ENV_NAME.test(key)) return undefined;
    if (typeof value === 'string') continue;
    if (!((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean')) return undefined;
    converted = true;
  }
  if (!converted) return map as Record<string, string>;
  const out: Record<string, string> = {};
  for (const key of Object.keys(map)) out[key] = String(map[key]);
  return out;
}
