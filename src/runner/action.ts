import * as core from './workflow-commands';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { readSettings, secretsOf, type Settings } from '../inputs';
import { readRunContext } from '../run-context';
import { SpecError } from '../spec/problems';
import { errorMessage } from '../engine/events';
import { isSuccess } from '../engine/model';
import { runLaunch, type LaunchOutcome } from './run-launch';
import { LaunchJournal, readJournal } from './journal';
import { settleSurvivors } from './survivors';
import type { SavedPlan } from './prepare-run';
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

/** The plan and the outcome marker the main step leaves in its launch directory. */
const PLAN_FILE = 'plan.json';
const OUTCOME_FILE = 'outcome';

/** The main step: run the requested mode; on SIGINT/SIGTERM stop the command and leave rollback to the post step. */
export async function runMain(): Promise<void> {
  const started = Date.now();
  // Unique to this step, so two launch steps in one job keep their own directory, report and commands.
  const trackingId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const launchDir = join(process.env.RUNNER_TEMP ?? tmpdir(), `launch-action-${trackingId}`);
  const journal = new LaunchJournal((name, value) => core.saveState(name, value));
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
      journal: settings.mode === 'launch' ? journal : undefined,
      tracking: { id: trackingId, dir: launchDir },
      onStrategyResolved: (strategy) => journal.strategyResolved(strategy),
      // Before any phase: without its plan and journal saved, the post step could not undo the launch.
      onPlanned: (plan) => {
        mkdirSync(launchDir, { recursive: true });
        writeFileSync(join(launchDir, PLAN_FILE), JSON.stringify(plan));
        journal.begin(launchDir, trackingId);
      },
      onOutcome: (result) => {
        if (settings.mode === 'launch' && !result.cancelled) recordOutcome(journal, launchDir, result.status);
      },
      reportDir: launchDir,
    });
    publish(outcome);
    if (!isSuccess(settings.mode, outcome.status)) {
      core.setFailed(`Launch ${outcome.status}${outcome.failedPhase ? ` at phase '${outcome.failedPhase}'` : ''}: ${outcome.reason ?? ''}`);
    }
  } catch (error) {
    reportStartFailure(error, started);
  }
}

/**
 * The outcome goes in the journal and, as a fallback the post step also reads, in a file of the
 * launch directory: a finished launch must never be rolled back because one of them could not be written.
 */
function recordOutcome(journal: LaunchJournal, launchDir: string, status: string): void {
  const failures: string[] = [];
  try {
    journal.finished();
  } catch (error) {
    failures.push(`state: ${errorMessage(error)}`);
  }
  try {
    writeFileSync(join(launchDir, OUTCOME_FILE), status);
  } catch (error) {
    failures.push(`${join(launchDir, OUTCOME_FILE)}: ${errorMessage(error)}`);
  }
  if (failures.length === 2) core.error(`Could not record that the launch finished (${failures.join('; ')}): the post step will roll it back.`);
}

/** The post step: if the main step was interrupted mid-launch, roll back what it started, in reverse. */
export async function runPost(): Promise<void> {
  const record = readJournal(core.getState);
  const dir = record.launchDir;
  if (!dir || record.started.length === 0 || record.finished || existsSync(join(dir, OUTCOME_FILE))) {
    core.info('Launch finished in the main step; nothing to undo.');
    return;
  }
  try {
    // What the main step ran, not the spec file, which a command may have changed since.
    const plan = JSON.parse(readFileSync(join(dir, PLAN_FILE), 'utf8')) as SavedPlan;
    const settled = await settleSurvivors(record, plan.launch, dir, printer);
    const done = new Set([...record.rolledBack, ...record.rollbackFailed, ...settled.keys()]);
    const failedEarlier = [...record.rollbackFailed, ...[...settled].filter(([, ok]) => !ok).map(([id]) => id)];
    const pending = record.started.filter((id) => !done.has(id));
    let failed = failedEarlier.length > 0;
    if (pending.length) {
      core.warning(`The launch was interrupted after starting ${record.started.join(', ')}: rolling back ${[...pending].reverse().join(' → ')}.`);
      const settings = readActionSettings();
      const outcome = await runLaunch({
        settings: { ...settings, mode: 'rollback' },
        run: readRunContext(),
        printer,
        rollbackPhases: pending,
        savedPlan: plan,
        tracking: { id: `${record.trackingId ?? 'post'}-post`, dir },
        reportDir: dir,
        reportName: 'launch-report-post.json',
      });
      failed ||= outcome.status === 'rollback_failed';
      warnOnFailure('the job summary', () => core.appendSummary(outcome.summary));
    } else {
      core.info('The main step had already undone every phase that started; nothing left to roll back.');
    }
    if (failed) core.setFailed(`ROLLBACK FAILED after the interrupted launch${failedEarlier.length ? ` (${failedEarlier.join(', ')})` : ''}: undo the failed phases by hand.`);
  } catch (error) {
    core.setFailed(`Rollback after cancellation could not run: ${errorMessage(error)}`);
  }
}

/** Outputs and summary come after the outcome is recorded: a runner file that fails is a warning. */
function warnOnFailure(what: string, write: () => void): void {
  try {
    write();
  } catch (error) {
    core.warning(`Could not write ${what}: ${errorMessage(error)}`);
  }
}

function publish(outcome: LaunchOutcome): void {
  warnOnFailure('the step outputs', () => {
    core.setOutput('status', outcome.status);
    core.setOutput('failed-phase', outcome.failedPhase ?? '');
    core.setOutput('tolerated-failures', String(outcome.toleratedFailures.length));
    core.setOutput('report', outcome.reportPath);
    core.setOutput('duration-ms', String(Math.round(outcome.durationMs)));
    core.setOutput('environment-url', outcome.launch.environment_url ?? '');
  });
  warnOnFailure('the job summary', () => core.appendSummary(outcome.summary));
}

/** Bad inputs or a bad spec: annotate each problem on its file and line; no command has run. */
function reportStartFailure(error: unknown, started: number): void {
  warnOnFailure('the step outputs', () => {
    core.setOutput('status', 'failed');
    core.setOutput('failed-phase', '');
    core.setOutput('tolerated-failures', '0');
    core.setOutput('report', '');
    core.setOutput('duration-ms', String(Date.now() - started));
    core.setOutput('environment-url', '');
  });
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
