import type { CheckContext, CheckOutcome, CheckPlan, PlanContext } from './check';
import { errorMessage } from '../util/errors';

export interface ResolvedCheckParts<C, T> {
  /** Turns the config into what the check talks to (templates expanded, URLs built); throws what is missing. */
  resolve(config: C, ctx: PlanContext): T;
  summary(target: T, config: C): string;
  /** The summary when `resolve` failed. */
  unresolvedSummary(config: C): string;
  run(target: T, config: C, ctx: CheckContext): Promise<CheckOutcome>;
}

/**
 * `plan` and `run` for a check that must first resolve its config against the launch: what fails to
 * resolve is a plan problem before the launch, and a failed outcome (never a throw) during it.
 */
export function resolvedCheck<C, T>(
  parts: ResolvedCheckParts<C, T>,
): {
  plan(config: C, ctx: PlanContext): CheckPlan;
  run(config: C, ctx: CheckContext): Promise<CheckOutcome>;
} {
  return {
    plan(config, ctx) {
      try {
        return { summary: parts.summary(parts.resolve(config, ctx), config), problems: [] };
      } catch (error) {
        return { summary: parts.unresolvedSummary(config), problems: [errorMessage(error)] };
      }
    },
    async run(config, ctx) {
      let target: T;
      try {
        target = parts.resolve(config, ctx);
      } catch (error) {
        return { passed: false, message: errorMessage(error) };
      }
      return parts.run(target, config, ctx);
    },
  };
}
