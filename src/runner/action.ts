import * as core from './workflow-commands';
import { relative } from 'node:path';
import { readSettings, secretsOf, type Settings } from '../inputs';
import { readRunContext } from '../run-context';
import { SpecError } from '../spec/problems';
import { errorMessage } from '../engine/events';
import { runLaunch, type LaunchOutcome } from './run-launch';
import { STATE, StateRecorder, readSavedList } from './state';
import type { Printer } from '../report/console-log';

const printer: Printer = {
  info: (line) => core.info(line),
  warning: (line) => core.warning(line),
  error: (line) => core.error(line),
  startGroup: (title) => core.startGroup(title),
  endGroup: () => core.endGroup(),
  mask: (secret) => core.maskSecret(secret),
};

/** Reads and validates the inputs and masks every secret among them; no error message echoes a value. */
function readActionSettings(): Settings {
  const settings = readSettings((name) => core.getInput(name));
  for (const secret of secretsOf(settings)) core.maskSecret(secret);
  return settings;
}

/** The main step: run the requested mode; on SIGINT/SIGTERM stop the command and leave rollback to the post step. */
export async function runMain(): Promise<void> {
  core.saveState(STATE.isPost, 'true');
  const started = Date.now();
  try {
    const settings = readActionSettings();
    const controller = new AbortController();
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        core.warning(`Received ${signal}: stopping the running command; the post step rolls back the phases that started.`);
        controller.abort(signal);
      });
    }
    const outcome = await runLaunch({
      settings,
      run: readRunContext(),
      printer,
      signal: controller.signal,
      subscribers: settings.mode === 'launch' ? [new StateRecorder((name, value) => core.saveState(name, value))] : [],
      onStrategyResolved: (strategy) => core.saveState(STATE.strategy, JSON.stringify(strategy)),
      reportDir: process.env.RUNNER_TEMP,
    });
    publish(outcome);
    if (!outcome.cancelled) core.saveState(STATE.finished, 'true');
    if (outcome.status !== 'succeeded' && outcome.status !== 'planned') {
      core.setFailed(`Launch ${outcome.status}${outcome.failedPhase ? ` at phase '${outcome.failedPhase}'` : ''}: ${outcome.reason ?? ''}`);
    }
  } catch (error) {
    reportStartFailure(error, started);
  }
}

/** The post step: if the main step was cancelled mid-launch, roll back what it started, in reverse. */
export async function runPost(): Promise<void> {
  const startedPhases = readSavedList(core.getState, STATE.started);
  if (core.getState(STATE.finished) === 'true' || startedPhases.length === 0) {
    core.info('Launch finished in the main step; nothing to undo.');
    return;
  }
  const done = new Set(readSavedList(core.getState, STATE.rolledBack));
  const pending = startedPhases.filter((id) => !done.has(id));
  core.warning(`The launch was interrupted after starting ${startedPhases.join(', ')}: rolling back ${[...pending].reverse().join(' → ')}.`);
  try {
    const settings = readActionSettings();
    const outcome = await runLaunch({
      settings: { ...settings, mode: 'rollback' },
      run: readRunContext(),
      printer,
      rollbackPhases: pending,
      resolvedStrategy: savedStrategy(),
      reportDir: process.env.RUNNER_TEMP,
    });
    core.appendSummary(outcome.summary);
    if (outcome.status === 'rollback_failed') core.setFailed('ROLLBACK FAILED after the cancelled launch: undo the failed phases by hand.');
  } catch (error) {
    core.setFailed(`Rollback after cancellation could not run: ${errorMessage(error)}`);
  }
}

/** The strategy the main step resolved, if it saved one (we wrote it: no validation needed). */
function savedStrategy(): LaunchOutcome['launch']['strategy'] {
  const saved = core.getState(STATE.strategy);
  return saved ? (JSON.parse(saved) as LaunchOutcome['launch']['strategy']) : undefined;
}

function publish(outcome: LaunchOutcome): void {
  core.setOutput('status', outcome.status);
  core.setOutput('failed-phase', outcome.failedPhase ?? '');
  core.setOutput('report', outcome.reportPath);
  core.setOutput('duration-ms', String(Math.round(outcome.durationMs)));
  core.appendSummary(outcome.summary);
}

/** Bad inputs or a bad spec: annotate each problem on its file and line; no command has run. */
function reportStartFailure(error: unknown, started: number): void {
  core.setOutput('status', 'failed');
  core.setOutput('failed-phase', '');
  core.setOutput('report', '');
  core.setOutput('duration-ms', String(Date.now() - started));
  if (error instanceof SpecError) {
    const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
    for (const problem of error.problems) {
      core.error(`${problem.path ? `${problem.path}: ` : ''}${problem.message}`, {
        title: 'Invalid launch spec',
        file: relative(workspace, problem.file),
        startLine: problem.line,
        startColumn: problem.column,
      });
    }
    core.setFailed(`The launch spec is invalid (${error.problems.length} problem(s)); nothing was run.\n${error.message}`);
    return;
  }
  core.setFailed(errorMessage(error));
}
