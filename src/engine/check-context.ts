import type { CheckLaunch, PlanContext } from '../checks/check';
import type { CheckStage } from '../events/states';
import type { Phase } from '../phases/phase';
import { phaseEnv } from './phase-env';

/** What a check of `phase` sees, for the engine that runs it and the plan that describes it alike. */
export function planContext(
  launch: CheckLaunch,
  phase: Phase,
  stage: CheckStage,
  name: string,
  env: Readonly<Record<string, string>>,
  cwd: string,
): PlanContext {
  return { launch, phase: phase.id, stage, name, env: phaseEnv(env, phase, 'check'), cwd: phase.workingDirectory ?? cwd };
}
