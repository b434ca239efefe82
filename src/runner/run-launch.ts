import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { EventBus, type Subscriber } from '../events/event-bus';
import { errorMessage } from '../util/errors';
import { LaunchEngine, type LaunchResult } from '../engine/engine';
import type { LaunchStatus } from '../events/states';
import type { Settings } from '../settings/inputs';
import type { RunContext } from '../github/run-context';
import { expiredFlags } from '../strategies/flag-expiry';
import type { Launch } from '../spec/schema';
import { ConsoleLog, type Printer } from '../report/console-log';
import { writeJsonReport } from '../report/json-report';
import { describeLiveSplit, renderPlan } from '../report/plan';
import { checkLaunch } from './check-launch';
import { planPart, renderSummary } from '../report/summary';
import { metricChartsPart } from '../report/metric-charts';
import type { BudgetPart } from '../util/size-budget';
import { thresholdWarnings } from '../metrics/definition/thresholds';
import { createNotifiers } from '../notify';
import { loadRun, type SavedPlan } from './load-run';
import type { EngineJournal } from '../engine/engine';
import { neutraliseCommandLine } from './command-output';

/** What notifiers get to finish once the run is cancelled: the runner kills the step seconds later. */
const CANCELLED_FLUSH_MS = 2000;

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
  /** The plan a launch is about to run, before anything runs; throwing stops the launch there. */
  onPlanned?(plan: SavedPlan, launchId: string): void;
  /** Run this plan instead of reading the spec (the post step undoes what the main step ran). */
  savedPlan?: SavedPlan;
  journal?: EngineJournal;
  tracking?: { id: string; dir: string };
  /** Called with the outcome as soon as there is one, before the report is written (the main step records it). */
  onOutcome?(result: Pick<LaunchResult, 'status' | 'cancelled'>): void;
  /** The report's file name within reportDir, when one run has several (main and post step). */
  reportName?: string;
}

export interface LaunchOutcome {
  status: LaunchStatus;
  failedPhase?: string;
  reason?: string;
  cancelled: boolean;
  /** Ids of the phases that reached their command, in order (a cancelled launch's rollback undoes these). */
  startedPhases: string[];
  durationMs: number;
  /** Phases whose failure a failure budget tolerated (the `tolerated-failures` output counts them). */
  toleratedFailures: string[];
  reportPath: string;
  /** The job summary, markdown, secrets redacted. */
  summary: string;
  launch: Launch;
}

/** Loads the spec and carries out the requested mode; shared by the action and the CLI. */
export async function runLaunch(request: LaunchRequest): Promise<LaunchOutcome> {
  const { settings, printer } = request;
  const { loaded, launch, env, cwd, launchId, previousVersion, redact, notifierContext } = await loadRun(request);

  const bus = new EventBus(Date.now, redact);
  const reportPath = join(request.reportDir ?? tmpdir(), request.reportName ?? `launch-report-${launchId}.json`);
  bus.subscribe(new ConsoleLog(printer));
  for (const subscriber of request.subscribers ?? []) bus.subscribe(subscriber);
  for (const notifier of createNotifiers(notifierContext)) bus.subscribe(notifier);

  const wanted = request.rollbackPhases && new Set(request.rollbackPhases);
  const phases = launch.phases.filter((phase) => !wanted || wanted.has(phase.id)).map((phase) => ({ id: phase.id, name: phase.name }));
  bus.emit({
    type: 'launch.started',
    launchId,
    mode: settings.mode,
    environment: launch.environment,
    version: settings.version,
    previousVersion,
    phases,
  });

  for (const warning of thresholdWarnings(launch)) bus.warn('rollback_threshold', warning);
  for (const flag of expiredFlags(launch.strategy))
    bus.warn(
      'flag debt',
      `flag '${flag.key}' (owner ${flag.owner}) expired on ${flag.expires}: remove it from the code and the flag service`,
    );

  let result: Pick<LaunchResult, 'status' | 'failedPhase' | 'reason' | 'cancelled' | 'durationMs' | 'toleratedFailures'>;
  const extras: BudgetPart[] = [];
  // What the plan finds wrong refuses a launch before anything runs, as it fails a plan. A rollback
  // (manual, or the post step's) is not held back: it undoes what is there to undo.
  const checks = checkLaunch(launch, settings);
  const plan = settings.mode === 'rollback' ? undefined : renderPlan(launch, checks, env, cwd);
  for (const problem of plan?.problems ?? []) bus.warn('plan', problem);
  for (const warning of plan?.warnings ?? []) bus.warn('plan', warning);
  const refusal = plan?.problems.length ? `the plan lists ${plan.problems.length} problem(s); nothing was run` : undefined;
  if (plan && (settings.mode === 'plan' || refusal)) {
    const live = settings.mode === 'plan' ? await describeLiveSplit(launch, env, cwd) : undefined;
    const text = live ? `${plan.text}\n\n${live}` : plan.text;
    if (settings.mode === 'plan') printer.info(text);
    extras.push(planPart(redact(text)));
    const status = refusal ? 'failed' : 'planned';
    bus.emit({ type: 'launch.finished', status, reason: refusal, durationMs: 0 });
    result = { status, reason: refusal, cancelled: false, durationMs: 0, toleratedFailures: [] };
  } else {
    const engine = new LaunchEngine({
      launch,
      bus,
      checks,
      env,
      cwd,
      signal: request.signal,
      output: (_phase, _stream, line) => printer.info(neutraliseCommandLine(line)),
      journal: request.journal,
      tracking: request.tracking,
    });
    result =
      settings.mode !== 'rollback'
        ? await engine.launch()
        : request.rollbackPhases
          ? await engine.rollbackOnly(request.rollbackPhases, 'the launch was interrupted before it finished')
          : await engine.rollbackOnly(undefined, 'manual rollback');
  }

  request.onOutcome?.(result);
  // A cancelled run has seconds before the runner kills it: notifiers get a short deadline then,
  // also when the cancellation comes during the flush. Otherwise 90 s: GitHub asks for a minute's
  // wait after a secondary limit without retry-after, and the final deployment status must still be written.
  await bus.flush(request.signal?.aborted ? CANCELLED_FLUSH_MS : 90_000, { signal: request.signal, withinMs: CANCELLED_FLUSH_MS });
  // After the flush, so the notifiers' warnings are in the report too.
  let written = reportPath;
  try {
    writeJsonReport(
      reportPath,
      {
        launchId,
        spec: loaded.file,
        specDigest: loaded.digest(),
        environment: launch.environment,
        version: settings.version,
        previousVersion,
      },
      bus.history,
      redact,
    );
  } catch (error) {
    // The launch is over and its outcome recorded: a report it cannot write is a warning, not a failure.
    printer.warning(`Could not write the report ${reportPath}: ${redact(errorMessage(error))}`);
    written = '';
  }
  const startedPhases = bus.history.flatMap((event) => (event.type === 'phase.state' && event.to === 'executing' ? [event.phase] : []));
  // The summary is built from the bus's redacted events (and the redacted plan), not redacted as text.
  return {
    ...result,
    reason: result.reason && redact(result.reason),
    startedPhases,
    reportPath: written,
    summary: renderSummary(
      bus.history,
      [...extras, metricChartsPart(bus.history)].filter((part) => part !== undefined),
      { reportPath: written },
    ),
    launch,
  };
}
