import { resolve } from 'node:path';
import { errorMessage } from '../util/errors';
import { InputError, credentialVars, secretsOf } from '../settings/inputs';
import { loadSpecFile, type LoadedSpec } from '../spec/load';
import { prepareLaunch } from '../spec/prepare';
import { resolveStrategyCommands } from '../spec/prepare';
import type { Launch } from '../spec/schema';
import { buildLaunchEnv } from './launch-env';
import type { Printer } from '../report/console-log';
import { createRedactor } from '../util/redactor';
import { singleLine } from '../util/single-line';
import type { NotifierContext } from '../notify';
import { githubRepo, httpOptions } from '../notify/context';
import { resolveRollbackVersion } from '../github/rollback-version';
import type { LaunchRequest } from './run-launch';

/** The spec as a launch ran it (inputs applied, strategy resolved): the post step undoes exactly this. */
export interface SavedPlan {
  file: string;
  digest: string;
  launch: Launch;
}

export interface LoadedRun {
  loaded: LoadedSpec;
  /** The phases to run: strategy expanded, thresholds bound, environment overridden by the input. */
  launch: Launch;
  /** What every command and check sees: vars and LAUNCH_* context. */
  env: Record<string, string>;
  cwd: string;
  launchId: string;
  previousVersion?: string;
  redact: (text: string) => string;
  notifierContext: NotifierContext;
}

/**
 * Works out what to run before anything runs: loads and validates the spec, settles the versions
 * (a manual rollback may look its target up), builds the environment and resolves the strategy.
 */
export async function loadRun(request: LaunchRequest): Promise<LoadedRun> {
  const { settings, printer } = request;
  const cwd = resolve(settings.workingDirectory);
  const saved = request.savedPlan;
  const loaded: LoadedSpec = saved
    ? { file: saved.file, launch: saved.launch, digest: () => saved.digest }
    : loadSpecFile(resolve(cwd, settings.spec));
  const validated: Launch = saved ? saved.launch : { ...loaded.launch, environment: settings.environment ?? loaded.launch.environment };

  const launchId = request.run.runId ? `${request.run.runId}-${request.run.runAttempt ?? '1'}` : Math.random().toString(36).slice(2, 10);
  // The spec's own credential-named vars are secrets too, like the `vars` input's.
  const specSecrets = credentialVars(loaded.launch.vars);
  for (const secret of specSecrets) printer.mask?.(secret);
  const redact = createRedactor([...secretsOf(settings), ...specSecrets]);
  const context = { settings, run: request.run, mode: settings.mode, version: settings.version, specDigest: loaded.digest, redact };
  const previousVersion =
    settings.previousVersion ??
    (settings.mode === 'rollback' ? await findRollbackVersion({ ...context, launch: validated }, printer) : undefined);
  // A manual rollback returns to a version, or it would run every rollback with an empty one. (After
  // an interrupted launch the post step undoes what started, with whatever the launch was given.)
  if (settings.mode === 'rollback' && !previousVersion && !request.rollbackPhases) {
    throw new InputError(
      `input 'previous-version': a manual rollback needs the version to return to, and none is known` +
        ` (no earlier successful deployment of '${validated.environment}' was found)` +
        `; set it and run again. Nothing was run.`,
    );
  }
  const identity = { launchId, mode: settings.mode, environment: validated.environment, version: settings.version, previousVersion };
  // Built before expansion: a strategy's own commands (listing instances...) see the same environment.
  const env = buildLaunchEnv(validated, settings, identity);
  // A plan runs nothing: commands that list a strategy's targets show as such in it.
  const resolved =
    settings.mode === 'plan' || saved
      ? validated
      : request.resolvedStrategy
        ? { ...validated, strategy: request.resolvedStrategy }
        : await resolveStrategyCommands(validated, { mode: settings.mode, env, cwd });
  if (resolved.strategy && settings.mode === 'launch') request.onStrategyResolved?.(resolved.strategy);
  if (settings.mode === 'launch') request.onPlanned?.({ file: loaded.file, digest: loaded.digest(), launch: resolved }, launchId);
  const launch = prepareLaunch(resolved);
  return { loaded, launch, env, cwd, launchId, previousVersion, redact, notifierContext: { ...context, launch, previousVersion } };
}

/**
 * A manual rollback without previous-version goes back to the version of the environment's last
 * successful deployment before the current one (GitHub Deployments); without one it is refused.
 */
async function findRollbackVersion(ctx: NotifierContext, printer: Printer): Promise<string | undefined> {
  // The history is outside text: redacted and kept on one line like every other line we print.
  const clean = (text: string): string => singleLine(ctx.redact?.(text) ?? text);
  try {
    const found = await resolveRollbackVersion(githubRepo(ctx, httpOptions(ctx)), ctx.launch.environment, ctx.run);
    if (found) {
      const undone = found.undoes
        ? ` (undoing deployment ${found.undoes.deploymentId}${found.undoes.version ? ` of ${found.undoes.version}` : ''})`
        : '';
      printer.info(
        clean(
          `Rolling back to ${found.version}, the last successful deployment (${found.deploymentId}) of ${ctx.launch.environment}${undone}.`,
        ),
      );
      return found.version;
    }
  } catch (error) {
    printer.warning(clean(`Could not read the deployment history: ${errorMessage(error)}`));
  }
  return undefined;
}
