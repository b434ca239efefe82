import type { z } from 'zod';

/**
 * Marks a lazily built member of a union told apart by `type` (a check kind, a strategy) with its
 * type. zod's discriminatedUnion reads each member's `_zod.propValues` to learn its type, which builds
 * a z.lazy; stated here, a spec builds only the members it names. Building schemas is most of the
 * action's start-up. (propValues is a settable zod internal; the spec and strategy tests parse every
 * member, so a tag that disagrees with its schema fails them.)
 */
export function tagged<T extends z.ZodLazy>(type: string, member: T): T {
  member._zod.propValues = { type: new Set([type]) };
  return member;
}
