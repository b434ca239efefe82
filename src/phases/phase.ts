import { z } from 'zod';
import { checkSchema, type CheckSpec } from '../checks/registry';
import { positiveDurationSchema } from '../util/duration';
import { envMapSchema } from '../util/env-map';
import type { TrafficStep } from '../routers/traffic-step';

/**
 * What a phase is: the plain step the engine runs and a strategy expands into. Written from a spec
 * (phaseSchema) or by a strategy in code, every phase is completed by `completePhase`, the one place
 * its defaults live.
 */

export const DEFAULT_PHASE_TIMEOUT_MS = 10 * 60_000;

const idSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected an id of letters, digits, "_", "." or "-"');

/** Failures tolerated in a group; `subject` names what failed when several phases check one thing (a rolling instance). */
export interface FailureBudget {
  group: string;
  maxFailures: number;
  subject?: string;
}

/** A complete phase, as the engine runs it. */
export interface Phase {
  id: string;
  name: string;
  description?: string;
  run?: string;
  rollback?: string;
  timeoutMs: number;
  rollbackTimeoutMs: number;
  rollbackOnFailure: boolean;
  gates: CheckSpec[];
  verify: CheckSpec[];
  watch: CheckSpec[];
  env: Record<string, string>;
  workingDirectory?: string;
  batch?: string;
  failureBudget?: FailureBudget;
  /** Strategy phases only: a traffic router's shift, run in-process in place of a command. */
  traffic?: TrafficStep;
  /** Strategy phases only: the shift back to stable, read back to confirm it. */
  rollbackTraffic?: TrafficStep;
  /** Strategy phases only: checks that confirm the undo took (a kill switch's exposure is 0 %). */
  rollbackVerify: CheckSpec[];
}

/** What a spec or a strategy says about a phase; anything left out takes the default below. */
export type PhaseFields = Pick<Phase, 'id'> & Partial<Omit<Phase, 'id'>>;

/** The launch's limits for phases that set none. */
export interface PhaseDefaults {
  timeoutMs: number;
  rollbackTimeoutMs?: number;
}

export function phaseDefaults(launchDefaults: { timeout?: number; rollback_timeout?: number }): PhaseDefaults {
  return { timeoutMs: launchDefaults.timeout ?? DEFAULT_PHASE_TIMEOUT_MS, rollbackTimeoutMs: launchDefaults.rollback_timeout };
}

/** Fills in what a phase leaves out: its name is its id, its rollback limit its own limit. */
export function completePhase(fields: PhaseFields, defaults: PhaseDefaults): Phase {
  const timeoutMs = fields.timeoutMs ?? defaults.timeoutMs;
  return {
    id: fields.id,
    name: fields.name ?? fields.id,
    description: fields.description,
    run: fields.run,
    rollback: fields.rollback,
    timeoutMs,
    rollbackTimeoutMs: fields.rollbackTimeoutMs ?? defaults.rollbackTimeoutMs ?? timeoutMs,
    rollbackOnFailure: fields.rollbackOnFailure ?? true,
    gates: fields.gates ?? [],
    verify: fields.verify ?? [],
    watch: fields.watch ?? [],
    env: fields.env ?? {},
    workingDirectory: fields.workingDirectory,
    batch: fields.batch,
    failureBudget: fields.failureBudget,
    traffic: fields.traffic,
    rollbackTraffic: fields.rollbackTraffic,
    rollbackVerify: fields.rollbackVerify ?? [],
  };
}

/**
 * A phase as a spec writes it. The product brief's template spells some fields differently
 * (`timeout_ms`, `actions.execute`/`actions.rollback`, `validators`); both spellings load into the
 * same fields. The defaults shown in the JSON Schema are those `completePhase` applies.
 */
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
    rollback_on_failure: z.boolean().optional().meta({ default: true }),
    gates: z.array(checkSchema).optional().meta({ default: [], description: 'Checks that must pass before the phase runs' }),
    validators: z.array(checkSchema).optional().meta({ default: [], description: 'Template form of gates' }),
    verify: z.array(checkSchema).optional().meta({ default: [], description: 'Checks that must pass after the phase ran' }),
    watch: z
      .array(checkSchema)
      .optional()
      .meta({ default: [], description: 'Checks that keep measuring while the phase runs and during its bake time' }),
    env: envMapSchema().optional().meta({ default: {} }),
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
  .transform((phase): PhaseFields => ({
    id: phase.id,
    name: phase.name,
    description: phase.description,
    run: phase.run ?? phase.actions?.execute,
    rollback: phase.rollback ?? phase.actions?.rollback,
    timeoutMs: phase.timeout ?? phase.timeout_ms,
    rollbackTimeoutMs: phase.rollback_timeout,
    rollbackOnFailure: phase.rollback_on_failure,
    gates: phase.gates || phase.validators ? [...(phase.gates ?? []), ...(phase.validators ?? [])] : undefined,
    verify: phase.verify,
    watch: phase.watch,
    env: phase.env,
    workingDirectory: phase.working_directory,
    batch: phase.batch,
    failureBudget: phase.failure_budget ? { group: phase.failure_budget.group, maxFailures: phase.failure_budget.max_failures } : undefined,
  }));
