import { z } from 'zod';
import { durationSchema, positiveDurationSchema } from '../util/duration';
import { envMapSchema as envMap } from '../util/env-map';
import { completePhase, phaseDefaults, phaseSchema, type Phase } from '../phases/phase';
import { metricsFields } from '../metrics/definition/schema';
import { presetFields } from '../metrics/presets/registry';
import { notifyFields } from '../notify/schema';
import { strategyFields } from '../strategies/schema';

const envMapSchema = envMap();

export const launchSchema = z
  .object({
    name: z.string().optional(),
    service: z.string().optional().meta({ description: 'Service name, for notifications and markers' }),
    environment: z.string().min(1).default('production'),
    environment_url: z.url().optional(),
    base_url: z.string().optional().meta({ description: 'Base URL for relative check endpoints such as /health; ${VAR} allowed' }),
    vars: envMapSchema.default({}).meta({ description: 'Variables passed to every command as environment variables' }),
    defaults: z
      .object({ timeout: positiveDurationSchema.optional(), rollback_timeout: positiveDurationSchema.optional() })
      .strict()
      .default({}),
    kill_grace: durationSchema.default(5000).meta({ description: 'Time between SIGTERM and SIGKILL for a timed-out command' }),
    ...metricsFields,
    ...notifyFields,
    ...strategyFields,
    phases: z.array(phaseSchema).default([]),
    // Last, so that the generated JSON Schema's numbering of everything before it stays put.
    ...presetFields,
  })
  .strict()
  .superRefine(
    (launch, ctx) => {
      // Runs even when other fields are wrong (`when` below), so phases may still be raw input here.
      if (!launch || typeof launch !== 'object') return;
      const phases: unknown[] = Array.isArray(launch.phases) ? launch.phases : [];
      if (phases.length === 0 && !launch.strategy) {
        ctx.addIssue({ code: 'custom', path: ['phases'], message: 'expected at least one phase (or a strategy)' });
      }
      const firstIndex = new Map<unknown, number>();
      phases.forEach((phase, index) => {
        const id = (phase as { id?: unknown } | null)?.id;
        if (typeof id !== 'string') return;
        const first = firstIndex.get(id);
        if (first === undefined) firstIndex.set(id, index);
        else
          ctx.addIssue({
            code: 'custom',
            path: ['phases', index, 'id'],
            message: `duplicate phase id '${id}' (first used by phases[${first}])`,
          });
      });
    },
    // Duplicate ids and an empty list are reported with every other problem, not after they are fixed.
    { when: () => true },
  )
  .transform((launch) => {
    const defaults = phaseDefaults(launch.defaults);
    return { ...launch, phases: launch.phases.map((phase): Phase => completePhase(phase, defaults)) };
  });
export type Launch = z.output<typeof launchSchema>;

export const specSchema = z.object({ launch: launchSchema }).strict();
export type Spec = z.output<typeof specSchema>;
