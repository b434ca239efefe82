import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { EventBus, type Subscriber } from '../engine/events';
import { LaunchEngine, type LaunchResult } from '../engine/engine';
import type { LaunchStatus } from '../engine/model';
import type { Settings } from '../inputs';
import type { RunContext } from '../run-context';
import { expiredFlags } from '../strategies/flag-expiry';
import type { Launch } from '../spec/schema';
import { ConsoleLog, type Printer } from '../report/console-log';
import { writeJsonReport } from '../report/json-report';
import { renderPlan } from '../report/plan';
import { renderSummary } from '../report/summary';
import { renderMetricCharts } from '../metrics/summary';
import { thresholdWarnings } from '../metrics/thresholds';
import { createNotifiers } from '../notify';
import { prepareRun } from './prepare-run';

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
  const { loaded, launch, env, cwd, launchId, previousVersion, redact, notifierContext } = await prepareRun(request);

  const bus = new EventBus(Date.now, redact);
  const reportPath = join(request.reportDir ?? tmpdir(), `launch-report-${launchId}.json`);
  bus.subscribe(new ConsoleLog(printer));
  for (const subscriber of request.subscribers ?? []) bus.subscribe(subscriber);
  for (const notifier of createNotifiers(notifierContext)) bus.subscribe(notifier);

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
    extras.push('### Plan', '', '```text', redact(plan.text), '```');
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
  writeJsonReport(reportPath, { launchId, spec: loaded.file, specDigest: loaded.digest(), environment: launch.environment, version: settings.version, previousVersion }, bus.history, redact);
  const startedPhases = bus.history.flatMap((event) => (event.type === 'phase.started' ? [event.phase] : []));
  // The summary is built from the bus's redacted events (and the redacted plan), not redacted as text.
  return { ...result, reason: result.reason && redact(result.reason), startedPhases, reportPath, summary: renderSummary(bus.history, [...extras, renderMetricCharts(bus.history)]), launch };
}
