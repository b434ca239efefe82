import type { Phase } from '../phases/phase';
import type { CheckSpec } from '../checks/registry';
import type { Launch } from '../spec/schema';
import { credentialVarNames } from '../settings/inputs';
import type { CheckLaunch } from '../checks/check';
import { planContext } from '../engine/check-context';
import type { CheckStage } from '../events/states';
import { bindCheck } from '../checks/registry';
import { formatDuration } from '../util/duration';
import { errorMessage } from '../util/errors';
import { phaseEnv } from '../engine/phase-env';
import { unsetVariables } from '../exec/unset-variables';
import { singleLine } from '../util/single-line';
import { describeStrategySpec } from '../strategies/registry';
import { describeTrafficStep, readLiveSplit } from '../routers/traffic-step';
import { routerFor } from '../routers/registry';
import { describeResult, runCommand } from '../exec/run-command';
import { describePreset } from '../metrics/presets/registry';
import { describeHealthCheckFailures } from '../metrics/definition/thresholds';

export interface PlanReport {
  text: string;
  /** Each says which phase and check lacks what it needs to run: any one refuses a launch. */
  problems: string[];
  /** Worth a look, not a refusal: variables a command reads that nothing seems to set. */
  warnings: string[];
}

/** The ordered plan: phases, their checks as they will run (templates filled in), timeouts, rollback order. */
export function renderPlan(launch: Launch, launchChecks: CheckLaunch, env: Readonly<Record<string, string>>, cwd: string): PlanReport {
  const lines: string[] = [`Launch plan for ${launch.environment}: ${launch.phases.length} phase(s)`];
  const sizing = launch.strategy && describeStrategySpec(launch.strategy);
  if (sizing) lines.push(`Strategy ${launch.strategy!.type}: ${sizing}`);
  lines.push(...describePreset(launch), ...describeHealthCheckFailures(launch));
  const problems: string[] = [];
  // Worth fixing, yet no reason to refuse a launch.
  const warnings: string[] = credentialVarNames(launch.vars).map(
    (name) =>
      `vars.${name} holds a credential written in the spec: keep it in a repository secret` +
      ` and pass it through the action's \`vars\` input instead (\`${name}=\${{ secrets.${name} }}\`)`,
  );
  // Commands inherit the runner's environment too (PATH, HOME, GITHUB_*...).
  const inherited = process.env;

  launch.phases.forEach((phase, index) => {
    lines.push(
      '',
      `${index + 1}. ${phase.name} [${phase.id}] — timeout ${formatDuration(phase.timeoutMs)}` +
        `, rollback timeout ${formatDuration(phase.rollbackTimeoutMs)}${phase.rollbackOnFailure ? '' : ', no rollback on failure'}`,
    );
    describeChecks('gate', phase.gates, phase);
    if (phase.traffic) lines.push(`   run:      ${describeTrafficStep(phase.traffic)}`);
    if (phase.run || !phase.traffic) lines.push(`   run:      ${phase.run ?? '(nothing to run)'}`);
    describeChecks('watch', phase.watch, phase);
    describeChecks('verify', phase.verify, phase);
    if (phase.rollbackTraffic) lines.push(`   rollback: ${describeTrafficStep(phase.rollbackTraffic)}`);
    if (phase.rollback || !phase.rollbackTraffic) lines.push(`   rollback: ${phase.rollback ?? '(nothing to undo)'}`);
    describeChecks('rollback', phase.rollbackVerify, phase);
    for (const [what, command] of [
      ['run', phase.run],
      ['rollback', phase.rollback],
    ] as const) {
      if (!command) continue;
      const unset = unsetVariables(command, { ...inherited, ...phaseEnv(env, phase, what) });
      if (unset.length)
        warnings.push(
          `${phase.id} → ${what} reads ${unset.map((name) => `$${name}`).join(', ')}, which nothing sets` +
            `: with set -u the command fails there (set it in vars, or write \${NAME:-default})`,
        );
    }
  });

  const withRollback = launch.phases.filter((phase) => phase.rollback || phase.rollbackTraffic);
  lines.push(
    '',
    `Rollback order on failure: ${
      withRollback.length
        ? [...withRollback]
            .reverse()
            .map((p) => p.id)
            .join(' → ')
        : 'no phase has a rollback command'
    }`,
  );
  if (problems.length) lines.push('', `Problems (${problems.length}):`, ...problems.map((p) => `  ✖ ${p}`));
  if (warnings.length) lines.push('', `Warnings (${warnings.length}):`, ...warnings.map((w) => `  ⚠ ${w}`));
  // One line each: a name or command from the spec with a line break must not start a log line of its own.
  return { text: lines.map(singleLine).join('\n'), problems: problems.map(singleLine), warnings: warnings.map(singleLine) };

  function describeChecks(stage: CheckStage, checks: readonly CheckSpec[], phase: Phase): void {
    for (const check of checks) {
      const bound = bindCheck(check);
      let summary: string;
      try {
        const plan = bound!.plan(planContext(launchChecks, phase, stage, check.name, env, cwd));
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

/**
 * "Live split now: stable 90%, canary 10% (nginx ...)" for a launch whose strategy has a router, read
 * from the router as a plan runs; undefined without a router. Reading never changes anything.
 */
export async function describeLiveSplit(launch: Launch, env: Readonly<Record<string, string>>, cwd: string): Promise<string | undefined> {
  const phase = launch.phases.find((candidate) => candidate.traffic);
  if (!phase?.traffic) return undefined;
  const phaseEnvironment = phaseEnv(env, phase, 'check');
  const live = await readLiveSplit(phase.traffic, {
    env: phaseEnvironment,
    cwd,
    signal: AbortSignal.timeout(phase.timeoutMs),
    log: () => {},
    run: async (command, extra) => {
      const result = await runCommand({
        command,
        env: { ...phaseEnvironment, ...extra },
        cwd,
        timeoutMs: phase.timeoutMs,
        graceMs: launch.kill_grace,
      });
      if (result.exitCode !== 0) throw new Error(`\`${command}\` ${describeResult(result, phase.timeoutMs)}`);
      return result.tail;
    },
  });
  return `Live split now: ${live} (${routerFor(phase.traffic.router).describe(phase.traffic.router)})`;
}
