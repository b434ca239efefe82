import { z } from 'zod';
import { checkSchema, type CheckSpec } from '../checks/registry';
import { durationSchema, positiveDurationSchema } from '../util/duration';
import { envMapSchema as envMap } from './env-map';
import { metricsFields } from '../metrics/schema';
import { presetFields } from '../metrics/presets/registry';
import { notifyFields } from '../notify/schema';
import { strategyFields } from '../strategies/schema';
import type { TrafficStep } from '../routers/traffic-step';

export const DEFAULT_PHASE_TIMEOUT_MS = 10 * 60_000;

const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected an id of letters, digits, "_", "." or "-"');
const envMapSchema = envMap();

/**
 * A phase. The product brief's template spells some fields differently (`timeout_ms`,
 * `actions.execute`/`actions.rollback`, `validators`); both spellings load into the same model.
 */
/** Failures tolerated in a group; `subject` names what failed when several phases check one thing (a rolling instance). */
export interface FailureBudget {
  group: string;
  maxFailures: number;
  subject?: string;
}

export const phaseSchema = z
  .object({
    id: idSchema,
    name: z.string().optional(),
    description: z.string().optional(),
    run: z.string().min(1).optional().meta({ description: 'Bash command that performs the phase' }),
    rollback: z.string().min(1).optional().meta({ description: 'Bash command that undoes the phase' }),
    actions: z
      .object({ execute: z.string().min(1).optional(), rollback: z.string().min(1).optional() })
      .strict()
      .optional()
      .meta({ description: 'Template form of run/rollback' }),
    timeout: positiveDurationSchema.optional(),
    timeout_ms: positiveDurationSchema.optional().meta({ description: 'Template form of timeout' }),
    rollback_timeout: positiveDurationSchema.optional(),
    rollback_on_failure: z.boolean().default(true),
    gates: z.array(checkSchema).default([]).meta({ description: 'Checks that must pass before the phase runs' }),
    validators: z.array(checkSchema).default([]).meta({ description: 'Template form of gates' }),
    verify: z.array(checkSchema).default([]).meta({ description: 'Checks that must pass after the phase ran' }),
    watch: z.array(checkSchema).default([]).meta({ description: 'Checks that keep measuring while the phase runs and during its bake time' }),
    env: envMapSchema.default({}),
    working_directory: z.string().optional(),
    batch: z.string().optional().meta({ description: 'Consecutive phases with the same batch run side by side' }),
    failure_budget: z
      .object({ group: z.string().min(1), max_failures: z.number().int().nonnegative() })
      .strict()
      .optional()
      .meta({ description: 'Failures tolerated among phases of this group before the launch rolls back' }),
  })
  .strict()
  .superRefine((phase, ctx) => {
    if (phase.run !== undefined && phase.actions?.execute !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['actions', 'execute'], message: 'give either run or actions.execute, not both' });
    }
    if (phase.rollback !== undefined && phase.actions?.rollback !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['actions', 'rollback'], message: 'give either rollback or actions.rollback, not both' });
    }
    if (phase.timeout !== undefined && phase.timeout_ms !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['timeout_ms'], message: 'give either timeout or timeout_ms, not both' });
    }
  })
  .transform((phase) => {
    return {
      id: phase.id,
      name: phase.name ?? phase.id,
      description: phase.description,
      run: phase.run ?? phase.actions?.execute,
      rollback: phase.rollback ?? phase.actions?.rollback,
      /** Explicit values only; the launch fills in its defaults below. */
      timeoutMs: phase.timeout ?? phase.timeout_ms,
      rollbackTimeoutMs: phase.rollback_timeout,
      rollbackOnFailure: phase.rollback_on_failure,
      gates: [...phase.gates, ...phase.validators],
      verify: phase.verify,
      watch: phase.watch,
      env: phase.env,
      workingDirectory: phase.working_directory,
      batch: phase.batch,
      failureBudget: phase.failure_budget ? ({ group: phase.failure_budget.group, maxFailures: phase.failure_budget.max_failures } as FailureBudget) : undefined,
      /** Strategy phases only: a traffic router's shift, run in-process in place of a command. */
      traffic: undefined as TrafficStep | undefined,
      /** Strategy phases only: the shift back to stable, read back to confirm it. */
      rollbackTraffic: undefined as TrafficStep | undefined,
      /** Strategy phases only: checks that confirm the undo took (a kill switch's exposure is 0 %). */
      rollbackVerify: [] as CheckSpec[],
    };
  });

export const launchSchema = z
  .object({
    name: z.string().optional(),
    service: z.string().optional().meta({ description: 'Service name, for notifications and markers' }),
    environment: z.string().min(1).default('production'),
    environment_url: z.string().url().optional(),
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
        else ctx.addIssue({ code: 'custom', path: ['phases', index, 'id'], message: `duplicate phase id '${id}' (first used by phases[${first}])` });
      });
    },
    // Duplicate ids and an empty list are reported with every other problem, not after they are fixed.
    { when: () => true },
  )
  .transform((launch) => ({
    ...launch,
    phases: launch.phases.map((phase) => {
      const timeoutMs = phase.timeoutMs ?? launch.defaults.timeout ?? DEFAULT_PHASE_TIMEOUT_MS;
      return { ...phase, timeoutMs, rollbackTimeoutMs: phase.rollbackTimeoutMs ?? launch.defaults.rollback_timeout ?? timeoutMs };
    }),
  }));
export type Launch = z.output<typeof launchSchema>;
export type Phase = Launch['phases'][number];

export const specSchema = z.object({ launch: launchSchema }).strict();
export type Spec = z.output<typeof specSchema>;
export type { CheckSpec } from '../checks/registry';
