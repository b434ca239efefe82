import { z } from 'zod';
import { checkSchema } from '../checks/registry';
import { positiveDurationSchema } from '../util/duration';

/** Fields every strategy has: limits for the commands it runs (the launch's defaults otherwise). */
export const timeoutFields = {
  timeout: positiveDurationSchema
    .optional()
    .meta({ description: "Limit for each of the strategy's commands (default: launch.defaults.timeout)" }),
  rollback_timeout: positiveDurationSchema.optional().meta({ description: 'Limit for each rollback command (default: the timeout)' }),
};

export interface PhaseTimeouts {
  timeoutMs?: number;
  rollbackTimeoutMs?: number;
}

export function timeoutsOf(spec: { timeout?: number; rollback_timeout?: number }): PhaseTimeouts {
  return { timeoutMs: spec.timeout, rollbackTimeoutMs: spec.rollback_timeout };
}

/** A list of checks of any kind, as in a phase's gates/verify/watch. */
export const checksSchema = z.array(checkSchema).default([]);
