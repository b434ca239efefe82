import { z } from 'zod';
import type { Phase } from '../phases/phase';
import { checkSchema } from '../checks/registry';
import { durationSchema, formatDuration } from '../util/duration';
import { checksSchema, timeoutFields, timeoutsOf } from './fields';
import { approvalPause, approvalSchema, timedPause } from './pause';
import { withVariable } from './shell';
import { migrationSchema } from './migration';
import { defineStrategy, type ExpansionContext, type Placement } from './strategy';
import { routerField, routerProblem, shiftPhaseFields } from './traffic';

const STEP_KINDS = ['set_weight', 'pause', 'analysis'] as const;

/** One step, as in Argo Rollouts: exactly one of set_weight, pause or analysis. */
const stepSchema = z.lazy(() =>
  z
    .object({
      set_weight: z.number().int().min(0).max(100).optional().meta({ description: 'Percentage of traffic for the canary (LAUNCH_WEIGHT)' }),
      pause: z
        .union([durationSchema, z.object({ duration: durationSchema.optional() }).strict()])
        .optional()
        .meta({ description: '5m (or {duration: 5m}) waits that long; {} waits for the approval command' }),
      analysis: z.array(checkSchema).min(1).optional().meta({ description: 'Checks that must pass before the next step' }),
    })
    .strict()
    .superRefine((step, ctx) => {
      const given = STEP_KINDS.filter((kind) => step[kind] !== undefined);
      if (given.length !== 1)
        ctx.addIssue({
          code: 'custom',
          message: `a step is exactly one of ${STEP_KINDS.join(', ')}${given.length ? ` (got ${given.join(' and ')})` : ''}`,
        });
    }),
);
type Step = z.output<typeof stepSchema>;

export const canarySchema = z.lazy(() =>
  z
    .object({
      type: z.literal('canary'),
      deploy: z.string().min(1).meta({ description: 'Starts the canary on LAUNCH_VERSION, with no traffic yet' }),
      set_weight: z
        .string()
        .min(1)
        .optional()
        .meta({ description: 'Gives the canary LAUNCH_WEIGHT percent of traffic (0 takes it all away); or give router' }),
      router: routerField('backends stable and canary'),
      remove: z.string().min(1).meta({ description: 'Removes the canary (on rollback, after its weight went back to 0)' }),
      promote: z.string().min(1).optional().meta({ description: 'After the last step: makes the canary version the stable one' }),
      steps: z.array(stepSchema).min(1),
      analysis: checksSchema.meta({ description: 'Background analysis: watches during every pause' }),
      approval: approvalSchema.optional().meta({ description: 'Ends a `pause: {}`; required when a step has one' }),
      migration: migrationSchema.optional(),
      ...timeoutFields,
    })
    .strict()
    .superRefine((spec, ctx) => {
      const problem = routerProblem(spec.set_weight, spec.router, 'set_weight', ['stable', 'canary']);
      if (problem) ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
      if (!spec.steps.some((step) => step.set_weight !== undefined)) {
        ctx.addIssue({ code: 'custom', path: ['steps'], message: 'expected at least one set_weight step' });
      }
      const approvalAt = spec.steps.findIndex((step) => step.pause !== undefined && pauseMs(step.pause) === undefined);
      if (approvalAt >= 0 && !spec.approval) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', approvalAt, 'pause'],
          message: 'a pause without a duration waits for approval: set strategy.approval.command',
        });
      }
      if (spec.analysis.length > 0 && !spec.steps.some((step) => step.pause !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['analysis'],
          message: 'background analysis runs during pauses, and no step pauses (add a pause step, or use an analysis step)',
        });
      }
    }),
);
type CanarySpec = z.output<typeof canarySchema>;

/** A pause's wait, or undefined for "until approved". */
function pauseMs(pause: NonNullable<Step['pause']>): number | undefined {
  return typeof pause === 'number' ? pause : pause.duration;
}

function stepPhase(spec: CanarySpec, step: Step, index: number, weight: number, firstWeight: boolean, ctx: ExpansionContext): Phase {
  const id = `canary.step-${index + 1}`;
  const env = { LAUNCH_WEIGHT: String(weight) };
  if (step.set_weight !== undefined) {
    // Only the first weight change is undone, and straight to 0: one command takes all traffic off.
    const action = spec.router
      ? shiftPhaseFields(spec.router, { stable: 'stable', canary: 'canary', weight }, firstWeight)
      : { run: spec.set_weight, rollback: firstWeight ? withVariable('LAUNCH_WEIGHT', '0', spec.set_weight!) : undefined };
    return ctx.phase({
      id: `${id}.weight-${step.set_weight}`,
      name: `Set canary weight to ${step.set_weight}%`,
      env,
      ...action,
      ...timeoutsOf(spec),
    });
  }
  if (step.pause !== undefined) {
    const ms = pauseMs(step.pause);
    if (ms !== undefined)
      return timedPause(ctx, { id: `${id}.pause`, name: `Pause ${formatDuration(ms)} at ${weight}%`, env }, ms, spec.analysis);
    // The schema insists on `approval` whenever a pause has no duration.
    return approvalPause(ctx, { id: `${id}.approval`, name: `Wait for approval at ${weight}%`, env }, spec.approval!, spec.analysis);
  }
  return ctx.phase({ id: `${id}.analysis`, name: `Analyse the canary at ${weight}%`, env, verify: step.analysis! });
}

function canaryPhases(spec: CanarySpec, ctx: ExpansionContext): Phase[] {
  const phases = [
    ctx.phase({
      id: 'canary.deploy',
      name: 'Deploy the canary',
      env: { LAUNCH_WEIGHT: '0' },
      run: spec.deploy,
      rollback: spec.remove,
      ...timeoutsOf(spec),
    }),
  ];
  let weight = 0;
  let weighted = false;
  spec.steps.forEach((step, index) => {
    weight = step.set_weight ?? weight;
    phases.push(stepPhase(spec, step, index, weight, step.set_weight !== undefined && !weighted, ctx));
    weighted ||= step.set_weight !== undefined;
  });
  if (spec.promote !== undefined) {
    phases.push(
      ctx.phase({
        id: 'canary.promote',
        name: 'Promote the canary',
        env: { LAUNCH_WEIGHT: String(weight) },
        run: spec.promote,
        ...timeoutsOf(spec),
      }),
    );
  }
  return phases;
}

/**
 * Moves traffic to a canary in steps with pauses and analysis between them; on any failure the
 * weight goes back to 0 and the canary is removed.
 */
export const canaryStrategy = defineStrategy({
  type: 'canary',
  schema: canarySchema,
  expand(spec, ctx): Placement {
    return { before: [], after: canaryPhases(spec, ctx) };
  },
});
