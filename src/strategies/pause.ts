import { z } from 'zod';
import type { Phase } from '../phases/phase';
import type { CheckSpec } from '../checks/registry';
import { positiveDurationSchema } from '../util/duration';
import { sleepCommand } from './shell';
import type { ExpansionContext } from './strategy';

/**
 * How a pause "until approved" ends: launch-action runs the command every `interval` until it exits
 * 0. Anything the command can reach works: a label or comment on an issue, a deployment status, a
 * GitHub environment's approval recorded by another job. To reject, cancel the workflow run: the
 * post step rolls the launch back.
 */
export const approvalSchema = z.lazy(() =>
  z
    .object({
      command: z.string().min(1).meta({ description: 'Bash command that exits 0 once the launch may go on; any other exit means not yet' }),
      interval: positiveDurationSchema.default(30_000).meta({ description: 'Wait between two runs of the command' }),
      timeout: positiveDurationSchema.default(3_600_000).meta({ description: 'Without approval by then the launch rolls back' }),
    })
    .strict(),
);
export type Approval = z.output<typeof approvalSchema>;

/** A phase that waits a set time while `watch` keeps measuring (a bake). */
export function timedPause(ctx: ExpansionContext, fields: Pick<Phase, 'id' | 'name' | 'env'>, ms: number, watch: CheckSpec[]): Phase {
  // The limit only has to outlast the wait; watches may run on past it (the engine's bake rule).
  return ctx.phase({ ...fields, run: sleepCommand(ms), watch, timeoutMs: ms + ctx.defaults.timeoutMs });
}

/** A phase that polls the approval command while `watch` keeps measuring. */
export function approvalPause(
  ctx: ExpansionContext,
  fields: Pick<Phase, 'id' | 'name' | 'env'>,
  approval: Approval,
  watch: CheckSpec[],
): Phase {
  // The command sits in the `until` condition, where bash -e does not stop on its failure.
  const run =
    `# wait for approval: the command exits 0 once approved\n` +
    `until (\n${approval.command}\n); do\n  ${sleepCommand(approval.interval)}\ndone`;
  return ctx.phase({ ...fields, run, watch, timeoutMs: approval.timeout });
}
