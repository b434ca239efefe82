import { z } from 'zod';
import type { Phase } from '../phases/phase';
import type { CheckSpec } from '../checks/registry';
import { flagExposureCheck } from '../checks/flag-exposure';
import { durationSchema } from '../util/duration';
import { checksSchema, timeoutFields, timeoutsOf } from './fields';
import { isExpired } from './flag-expiry';
import { timedPause } from './pause';
import { idPart } from './phase';
import { withVariable } from './shell';
import { migrationSchema } from './migration';
import { defineStrategy, type ExpansionContext, type Placement } from './strategy';

const flagSchema = z.lazy(() =>
  z
    .object({
      key: z.string().min(1).meta({ description: 'Flag key (LAUNCH_FLAG)' }),
      owner: z.string().min(1).meta({ description: 'Who removes the flag once it has served' }),
      expires: z.iso.date().meta({ description: 'Last day the flag may live (YYYY-MM-DD); expired flags are reported' }),
    })
    .strict(),
);

export const featureFlagSchema = z.lazy(() =>
  z
    .object({
      type: z.literal('feature_flag'),
      flags: z.array(flagSchema).min(1).meta({ description: 'Flags ramped together, step by step' }),
      set_percentage: z
        .string()
        .min(1)
        .meta({ description: 'Serves LAUNCH_FLAG to LAUNCH_PERCENT percent of targeting keys; 0 is the kill switch' }),
      steps: z
        .array(z.number().min(0).max(100))
        .min(1)
        .default([0, 5, 25, 50, 100])
        .meta({ description: 'Exposure percentages, increasing' }),
      pause: durationSchema.default(0).meta({ description: 'Wait after each step but the last, with analysis watching' }),
      analysis: checksSchema.meta({ description: 'Watches during every pause' }),
      exposure: flagExposureCheck.config
        .unwrap()
        .omit({ flag: true, percent: true })
        .optional()
        .meta({ description: 'After each step, checks over OFREP that a sample of targeting keys sees the flag at that share' }),
      fail_on_expired: z.boolean().default(false).meta({ description: 'An expired flag makes the spec invalid instead of a warning' }),
      migration: migrationSchema.optional(),
      ...timeoutFields,
    })
    .strict()
    .superRefine((spec, ctx) => {
      spec.steps.forEach((step, index) => {
        if (index > 0 && step <= spec.steps[index - 1]!)
          ctx.addIssue({ code: 'custom', path: ['steps', index], message: `steps must increase: ${step} after ${spec.steps[index - 1]}` });
      });
      const keys = new Set<string>();
      spec.flags.forEach((flag, index) => {
        if (keys.has(flag.key))
          ctx.addIssue({ code: 'custom', path: ['flags', index, 'key'], message: `flag '${flag.key}' is listed twice` });
        keys.add(flag.key);
        if (spec.fail_on_expired && isExpired(flag, new Date())) {
          ctx.addIssue({
            code: 'custom',
            path: ['flags', index, 'expires'],
            message: `flag '${flag.key}' (owner ${flag.owner}) expired on ${flag.expires} and fail_on_expired is set`,
          });
        }
      });
      if (spec.analysis.length > 0 && spec.pause === 0) {
        ctx.addIssue({ code: 'custom', path: ['analysis'], message: 'analysis runs during the pause between steps, and pause is 0' });
      }
    }),
);
type FeatureFlagSpec = z.output<typeof featureFlagSchema>;
type Flag = FeatureFlagSpec['flags'][number];

function exposureChecks(spec: FeatureFlagSpec, flag: Flag, percent: number, name = 'exposure', tolerance?: number): CheckSpec[] {
  if (!spec.exposure) return [];
  return [
    { type: 'flag_exposure', name, config: { ...spec.exposure, flag: flag.key, percent, tolerance: tolerance ?? spec.exposure.tolerance } },
  ];
}

function stepPhases(spec: FeatureFlagSpec, percent: number, index: number, ctx: ExpansionContext): Phase[] {
  return spec.flags.map((flag) =>
    ctx.phase({
      id: `flag.${idPart(flag.key)}.${percent}pct`,
      name: `Expose ${flag.key} to ${percent}%`,
      env: { LAUNCH_FLAG: flag.key, LAUNCH_FLAG_OWNER: flag.owner, LAUNCH_PERCENT: String(percent) },
      run: spec.set_percentage,
      verify: exposureChecks(spec, flag, percent),
      // The kill switch, once per flag: the first step's rollback takes the flag to 0% at once.
      rollback: index === 0 ? withVariable('LAUNCH_PERCENT', '0', spec.set_percentage) : undefined,
      // …and confirmed over OFREP with the same sample: not one key may still see the flag.
      rollbackVerify: index === 0 ? exposureChecks(spec, flag, 0, 'kill switch', 0) : undefined,
      // Several flags move together, side by side.
      batch: spec.flags.length > 1 ? `flag.step-${index + 1}` : undefined,
      ...timeoutsOf(spec),
    }),
  );
}

/** Raises flags' exposure step by step, checking the share each step really serves over OFREP. */
export const featureFlagStrategy = defineStrategy({
  type: 'feature_flag',
  schema: featureFlagSchema,
  expand(spec, ctx): Placement {
    const phases = spec.steps.flatMap((percent, index) => {
      const step = stepPhases(spec, percent, index, ctx);
      if (spec.pause === 0 || index === spec.steps.length - 1) return step;
      const pause = timedPause(
        ctx,
        { id: `flag.pause-${index + 1}`, name: `Hold at ${percent}%`, env: { LAUNCH_PERCENT: String(percent) } },
        spec.pause,
        spec.analysis,
      );
      return [...step, pause];
    });
    return { before: [], after: phases };
  },
});
