import * as core from '@actions/core';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRunContext } from './github/run-context';
import { errorMessage } from './util/errors';
import { runLaunch } from './runner/run-launch';
import { readJournal } from './runner/journal';
import { settleSurvivors } from './runner/survivors';
import { appendSummary, OUTCOME_FILE, PLAN_FILE, printer, readActionSettings } from './runner/action-step';
import type { SavedPlan } from './runner/load-run';

/** The post step: if the main step was interrupted mid-launch, roll back what it started, in reverse. */
export async function run(): Promise<void> {
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
      core.warning(
        `The launch was interrupted after starting ${record.started.join(', ')}: rolling back ${[...pending].reverse().join(' → ')}.`,
      );
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
      await appendSummary(outcome.summary);
    } else {
      core.info('The main step had already undone every phase that started; nothing left to roll back.');
    }
    if (failed)
      core.setFailed(
        `ROLLBACK FAILED after the interrupted launch${failedEarlier.length ? ` (${failedEarlier.join(', ')})` : ''}` +
          `: undo the failed phases by hand.`,
      );
  } catch (error) {
    core.setFailed(`Rollback after cancellation could not run: ${errorMessage(error)}`);
  }
}
