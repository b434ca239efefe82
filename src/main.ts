import * as core from '@actions/core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { readRunContext } from './github/run-context';
import { SpecError } from './spec/problems';
import { errorMessage } from './util/errors';
import { isSuccess } from './events/states';
import { runLaunch, type LaunchOutcome } from './runner/run-launch';
import { LaunchJournal } from './runner/journal';
import { appendSummary, OUTCOME_FILE, PLAN_FILE, printer, readActionSettings, warnOnFailure } from './runner/action-step';

/** The main step: run the requested mode; on SIGINT/SIGTERM stop the command and leave rollback to the post step. */
export async function run(): Promise<void> {
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
    core.debug(`launch directory (plan, report, command records): ${launchDir}`);
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
    await publish(outcome);
    if (!isSuccess(settings.mode, outcome.status)) {
      core.setFailed(`Launch ${outcome.status}${outcome.failedPhase ? ` at phase '${outcome.failedPhase}'` : ''}: ${outcome.reason ?? ''}`);
    }
  } catch (error) {
    await reportStartFailure(error, started);
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
  if (failures.length === 2)
    core.error(`Could not record that the launch finished (${failures.join('; ')}): the post step will roll it back.`);
}

async function publish(outcome: LaunchOutcome): Promise<void> {
  await warnOnFailure('the step outputs', () => {
    core.setOutput('status', outcome.status);
    core.setOutput('failed-phase', outcome.failedPhase ?? '');
    core.setOutput('tolerated-failures', String(outcome.toleratedFailures.length));
    core.setOutput('report', outcome.reportPath);
    core.setOutput('duration-ms', String(Math.round(outcome.durationMs)));
    core.setOutput('environment-url', outcome.launch.environment_url ?? '');
  });
  await appendSummary(outcome.summary);
}

/** Bad inputs or a bad spec: annotate each problem on its file and line; no command has run. */
async function reportStartFailure(error: unknown, started: number): Promise<void> {
  await warnOnFailure('the step outputs', () => {
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
