import { z } from 'zod';

/** A shape's fields, each optional and without its default. */
export type OptionalFields<S> = {
  [K in keyof S]: z.ZodOptional<S[K] extends z.ZodDefault<infer T> ? T : S[K] extends z.ZodType ? S[K] : never>;
};

/**
 * Every field of `shape` made optional, its default dropped: for fields given in several places (a check
 * over a named metric, flat or under `config:`) the default belongs to the merged whole, or it would
 * overwrite what another place set.
 */
export function optionalFields<S extends z.ZodRawShape>(shape: S): OptionalFields<S> {
  const entries = Object.entries(shape).map(([key, field]) => [
    key,
    (field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : (field as z.ZodType)).optional(),
  ]);
  return Object.fromEntries(entries) as OptionalFields<S>;
}
