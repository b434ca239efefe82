import { routerFor, type RouterSpec } from './registry';
import type { RouterContext, Shift, Split } from './router';

/** A phase's in-process traffic action: this router, this shift. */
export interface TrafficStep {
  router: RouterSpec;
  shift: Shift;
}

/** The variables a router's commands and templates see for a shift. */
function shiftEnv(shift: Shift): Record<string, string> {
  return {
    LAUNCH_WEIGHT: String(shift.weight),
    LAUNCH_STABLE_WEIGHT: String(100 - shift.weight),
    LAUNCH_CANARY_BACKEND: shift.canary,
    LAUNCH_STABLE_BACKEND: shift.stable,
  };
}

/** The context with the shift's variables added, for the router's templates and its commands alike. */
function withShift(ctx: RouterContext, shift: Shift): RouterContext {
  const added = shiftEnv(shift);
  return { ...ctx, env: { ...ctx.env, ...added }, run: (command, env) => ctx.run(command, { ...added, ...env }) };
}

/** "canary 25%, stable 75%": the canary's share of what the two backends carry, in whole percent. */
export function describeSplit(split: Split, shift: Shift): string {
  const canary = split[shift.canary] ?? 0;
  const total = canary + (split[shift.stable] ?? 0);
  if (total === 0) return `no traffic on ${shift.stable} or ${shift.canary}`;
  const share = Math.round((canary / total) * 100);
  return `${shift.canary} ${share}%, ${shift.stable} ${100 - share}%`;
}

export function describeShift(shift: Shift): string {
  return describeSplit({ [shift.canary]: shift.weight, [shift.stable]: 100 - shift.weight }, shift);
}

/**
 * Sets the shift and reads it back; throws, saying where traffic is, when the read-back differs. A
 * router that cannot read back (a command router without read_weight) is taken at its word, and says so.
 */
export async function applyTrafficStep(step: TrafficStep, ctx: RouterContext): Promise<string> {
  const router = routerFor(step.router);
  const scoped = withShift(ctx, step.shift);
  const wanted = describeShift(step.shift);
  await router.setWeight(step.router, step.shift, scoped);
  const split = await router.readSplit(step.router, step.shift, scoped);
  if (split === undefined) return `${step.router.type} router set ${wanted} (it has no read-back)`;
  const live = describeSplit(split, step.shift);
  if (live !== wanted) throw new Error(`${step.router.type} router reads back ${live}, expected ${wanted}`);
  return `${step.router.type} router set and read back ${live}`;
}

/** What the router reports as live now, for the plan; a failure is described rather than thrown. */
export async function readLiveSplit(step: TrafficStep, ctx: RouterContext): Promise<string> {
  try {
    const split = await routerFor(step.router).readSplit(step.router, step.shift, withShift(ctx, step.shift));
    return split === undefined ? 'unknown (no read-back)' : describeSplit(split, step.shift);
  } catch (error) {
    return `unknown (${(error as Error).message})`;
  }
}

/** One line for the plan: which router, where, and the split it sets. */
export function describeTrafficStep(step: TrafficStep): string {
  return `traffic → ${describeShift(step.shift)} with ${routerFor(step.router).describe(step.router)}, then read back`;
}
