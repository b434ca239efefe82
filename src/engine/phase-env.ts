import type { Phase } from '../phases/phase';

/** What a phase's commands and checks see: the launch environment, the phase's own `env`, and which phase and action this is. */
export function phaseEnv(
  launchEnv: Readonly<Record<string, string>>,
  phase: Phase,
  action: 'run' | 'rollback' | 'check',
): Record<string, string> {
  return { ...launchEnv, ...phase.env, LAUNCH_PHASE: phase.id, LAUNCH_PHASE_NAME: phase.name, LAUNCH_ACTION: action };
}
