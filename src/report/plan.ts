import type { Launch, Phase, CheckSpec } from '../spec/schema';
import { credentialVarNames, type Settings } from '../inputs';
import type { CheckStage } from '../engine/model';
import { findCheckKind } from '../checks/registry';
import { formatDuration } from '../spec/duration';
import { errorMessage } from '../engine/events';
import { phaseEnv } from '../engine/phase-env';

export interface PlanReport {
  text: string;
  /** Each says which phase and check lacks what it needs to run. */
  problems: string[];
}

/** The ordered plan: phases, their checks as they will run (templates filled in), timeouts, rollback order. */
export function renderPlan(launch: Launch, settings: Settings, env: Readonly<Record<string, string>>, cwd: string): PlanReport {
  const lines: string[] = [`Launch plan for ${launch.environment}: ${launch.phases.length} phase(s)`];
  const problems: string[] = credentialVarNames(launch.vars).map(
    (name) => `vars.${name} holds a credential written in the spec: keep it in a repository secret and pass it through the action's \`vars\` input instead (\`${name}=\${{ secrets.${name} }}\`)`,
  );

  launch.phases.forEach((phase, index) => {
    lines.push('', `${index + 1}. ${phase.name} [${phase.id}] — timeout ${formatDuration(phase.timeoutMs)}, rollback timeout ${formatDuration(phase.rollbackTimeoutMs)}${phase.rollbackOnFailure ? '' : ', no rollback on failure'}`);
    describeChecks('gate', phase.gates, phase);
    lines.push(`   run:      ${phase.run ?? '(nothing to run)'}`);
    describeChecks('watch', phase.watch, phase);
    describeChecks('verify', phase.verify, phase);
    lines.push(`   rollback: ${phase.rollback ?? '(nothing to undo)'}`);
  });

  const withRollback = launch.phases.filter((phase) => phase.rollback);
  lines.push('', `Rollback order on failure: ${withRollback.length ? [...withRollback].reverse().map((p) => p.id).join(' → ') : 'no phase has a rollback command'}`);
  if (problems.length) lines.push('', `Problems (${problems.length}):`, ...problems.map((p) => `  ✖ ${p}`));
  return { text: lines.join('\n'), problems };

  function describeChecks(stage: CheckStage, checks: readonly CheckSpec[], phase: Phase): void {
    for (const check of checks) {
      const kind = findCheckKind(check.type);
      let summary: string;
      try {
        const plan = kind!.plan(check.config as never, {
          launch,
          settings,
          phase: phase.id,
          stage,
          name: check.name,
          env: phaseEnv(env, phase, 'check'),
          cwd: phase.workingDirectory ?? cwd,
        });
        summary = plan.summary;
        problems.push(...plan.problems.map((problem) => `${phase.id} → ${stage} '${check.name}': ${problem}`));
      } catch (error) {
        summary = check.type;
        problems.push(`${phase.id} → ${stage} '${check.name}': ${errorMessage(error)}`);
      }
      lines.push(`   ${`${stage}:`.padEnd(9)} ${check.name === check.type ? '' : `${check.name} — `}${summary}`);
    }
  }
}
