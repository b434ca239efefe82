import { z } from 'zod';

export const launchModeSchema = z.enum(['launch', 'plan', 'rollback']);
export type LaunchMode = z.infer<typeof launchModeSchema>;

export const launchStatusSchema = z.enum(['succeeded', 'rolled_back', 'failed', 'rollback_failed', 'planned']);
export type LaunchStatus = z.infer<typeof launchStatusSchema>;

/** Whether a step in `mode` ended as asked: a manual rollback that rolled back did its job. */
export function isSuccess(mode: LaunchMode, status: LaunchStatus): boolean {
  return status === 'succeeded' || status === 'planned' || (mode === 'rollback' && status === 'rolled_back');
}

export const phaseStateSchema = z.enum([
  'pending',
  'validating',
  'executing',
  'verifying',
  'verified',
  'failed',
  'rolling_back',
  'rolled_back',
  'rollback_failed',
]);
export type PhaseState = z.infer<typeof phaseStateSchema>;

export const checkStageSchema = z.enum(['gate', 'verify', 'watch', 'rollback']);
export type CheckStage = z.infer<typeof checkStageSchema>;
