import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { EventBus, errorMessage, type Subscriber } from '../engine/events';
import { LaunchEngine, type LaunchResult } from '../engine/engine';
import type { LaunchStatus } from '../engine/model';
import { secretsOf, type Settings } from '../inputs';
import type { RunContext } from '../run-context';
import { loadSpecFile } from '../spec/load';
import { prepareLaunch } from '../spec/prepare';
import { resolveStrategyCommands } from '../strategies/expand';
import { expiredFlags } from '../strategies/flag-expiry';
import type { Launch } from '../spec/schema';
import { buildLaunchEnv } from './launch-env';
import { ConsoleLog, type Printer } from '../report/console-log';
import { writeJsonReport } from '../report/json-report';
import { renderPlan } from '../report/plan';
import { renderSummary } from '../report/summary';
import { renderMetricCharts } from '../metrics/summary';
import { thresholdWarnings } from '../metrics/thresholds';
import { createRedactor } from '../report/redact';
import { createNotifiers, type NotifierContext } from '../notify';
import { resolveRollbackVersion } from '../notify/rollback-version';

export interface LaunchRequest {
  settings: Settings;
  run: RunContext;
  printer: Printer;
  /** Cancellation of the whole run; its reason is the signal forwarded to the running command. */
  signal?: AbortSignal;
  /** Only these phases, for the post step's rollback after a cancelled launch. */
  rollbackPhases?: readonly string[];
  /** Extra subscribers, such as the action's state recorder. */
  subscribers?: readonly Subscriber[];
  reportDir?: string;
  /**
   * The strategy as the main step resolved it (its commands already run). The post step undoes that
   * launch: asking the commands again after a switch would name the new colour as the old one.
   */
  resolvedStrategy?: Launch['strategy'];
  /** Receives the resolved strategy of a launch, so the main step can save it for the post step. */
  onStrategyResolved?(strategy: NonNullable<Launch['strategy']>): void;
}

export interface LaunchOutcome {
  status: LaunchStatus;
  failedPhase?: string;
  reason?: string;
  cancelled: boolean;
  /** Ids of the phases that started, in order (a cancelled launch's rollback undoes these). */
  startedPhases: string[];
  durationMs: number;
  reportPath: string;
  /** The job summary, markdown, secrets redacted. */
  summary: string;
  launch: Launch;
}

/** Loads the spec and carries out the requested mode; shared by the action and the CLI. */
export async function runLaunch(request: LaunchRequest): Promise<LaunchOutcome> {
  const { settings, printer } = request;
  const cwd = resolve(settings.workingDirectory);
  const specFile = resolve(cwd, settings.spec);
  const loaded = loadSpecFile(specFile);
  const validated: Launch = { ...loaded.launch, environment: settings.environment ?? loaded.launch.environment };

  const launchId = request.run.runId ? `${request.run.runId}-${request.run.runAttempt ?? '1'}` : randomUUID().slice(0, 8);
  const redact = createRedactor(secretsOf(settings));
  const notifierContext = { launch: validated, settings, run: request.run, mode: settings.mode, version: settings.version, specDigest: loaded.digest, redact };
  const previousVersion = settings.previousVersion ?? (settings.mode === 'rollback' ? await findRollbackVersion(notifierContext, printer) : undefined);
  const identity = { launchId, mode: settings.mode, environment: validated.environment, version: settings.version, previousVersion };
  // Built before expansion: a strategy's own commands (listing instances...) see the same environment.
  const env = buildLaunchEnv(validated, settings, identity);
  // A plan runs nothing: commands that list a strategy's targets show as such in it.
  const resolved =
    settings.mode === 'plan'
      ? validated
      : request.resolvedStrategy
        ? { ...validated, strategy: request.resolvedStrategy }
        : await resolveStrategyCommands(validated, { mode: settings.mode, env, cwd });
  if (resolved.strategy && settings.mode === 'launch') request.onStrategyResolved?.(resolved.strategy);
  const launch = prepareLaunch(resolved);

  const bus = new EventBus();
  const reportPath = join(request.reportDir ?? tmpdir(), `launch-report-${launchId}.json`);
  bus.subscribe(new ConsoleLog(printer));
  for (const subscriber of request.subscribers ?? []) bus.subscribe(subscriber);
  if (settings.mode !== 'plan') {
    const notifiers = createNotifiers({ ...notifierContext, launch, previousVersion });
    for (const notifier of notifiers) bus.subscribe(notifier);
  }

  const wanted = request.rollbackPhases && new Set(request.rollbackPhases);
  const phases = launch.phases.filter((phase) => !wanted || wanted.has(phase.id)).map((phase) => ({ id: phase.id, name: phase.name }));
  bus.emit({ type: 'launch.started', launchId, mode: settings.mode, environment: launch.environment, version: settings.version, previousVersion, phases });

  for (const warning of thresholdWarnings(launch)) bus.warn('rollback_threshold', warning);
  for (const flag of expiredFlags(launch)) bus.warn('flag debt', `flag '${flag.key}' (owner ${flag.owner}) expired on ${flag.expires}: remove it from the code and the flag service`);

  let result: Pick<LaunchResult, 'status' | 'failedPhase' | 'reason' | 'cancelled' | 'durationMs'>;
  const extras: string[] = [];
  if (settings.mode === 'plan') {
    const plan = renderPlan(launch, settings, env, cwd);
    printer.info(plan.text);
    for (const problem of plan.problems) bus.warn('plan', problem);
    extras.push('### Plan', '', '```text', plan.text, '```');
    bus.emit({ type: 'launch.finished', status: 'planned', durationMs: 0 });
    result = { status: 'planned', cancelled: false, durationMs: 0 };
  } else {
    const engine = new LaunchEngine({
      launch,
      bus,
      settings,
      env,
      cwd,
      signal: request.signal,
      output: (_phase, _stream, line) => printer.info(line),
    });
    result =
      settings.mode !== 'rollback'
        ? await engine.launch()
        : request.rollbackPhases
          ? await engine.rollbackOnly(request.rollbackPhases, 'the launch was interrupted before it finished')
          : await engine.rollbackOnly(undefined, 'manual rollback');
  }

  // A cancelled run has seconds before the runner kills it: notifiers get a short deadline then.
  await bus.flush(request.signal?.aborted ? 2000 : 30_000);
  // After the flush, so the notifiers' warnings are in the report too.
  writeJsonReport(reportPath, { launchId, spec: specFile, specDigest: loaded.digest, environment: launch.environment, version: settings.version, previousVersion }, bus.history, redact);
  const startedPhases = bus.history.flatMap((event) => (event.type === 'phase.started' ? [event.phase] : []));
  return { ...result, startedPhases, reportPath, summary: redact(renderSummary(bus.history, [...extras, renderMetricCharts(bus.history)])), launch };
}

/**
 * A manual rollback without previous-version goes back to the version of the environment's last
 * successful deployment before the current one (GitHub Deployments). Without one, rollback commands
 * run with an empty LAUNCH_PREVIOUS_VERSION, said loudly.
 */
async function findRollbackVersion(ctx: NotifierContext, printer: Printer): Promise<string | undefined> {
  try {
    const found = await resolveRollbackVersion(ctx);
    if (found) {
      const undone = found.undoes ? ` (undoing deployment ${found.undoes.deploymentId}${found.undoes.version ? ` of ${found.undoes.version}` : ''})` : '';
      printer.info(`Rolling back to ${found.version}, the last successful deployment (${found.deploymentId}) of ${ctx.launch.environment}${undone}.`);
      return found.version;
    }
    printer.warning('No previous-version was given and no earlier successful deployment was found: rollback commands get an empty LAUNCH_PREVIOUS_VERSION.');
  } catch (error) {
    printer.warning(`Could not read the deployment history (${errorMessage(error)}): rollback commands get an empty LAUNCH_PREVIOUS_VERSION.`);
  }
  return undefined;
}
