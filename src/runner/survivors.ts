import { readFileSync } from 'node:fs';
import { exitRecordPath, findTracked, stopTracked, trackingTag, waitUntilGone } from '../exec/process-tracking';
import type { Launch } from '../spec/schema';
import type { Printer } from '../report/console-log';
import type { JournalRecord } from './journal';

/** How long a surviving phase command gets between SIGTERM and SIGKILL. */
const STOP_GRACE_MS = 2500;

/**
 * Deals with what the main step left running when the runner killed it (its final kill reaches the
 * node process alone): phase commands are stopped; a rollback still running is waited for, bounded
 * by its timeout, and its result read from its exit record. Returns the rollbacks settled that way
 * (phase → ok), which the post step must not run again. A rollback that was journaled as started but
 * left no exit record and no process never finished: the post step runs it.
 */
export async function settleSurvivors(record: JournalRecord, launch: Launch, dir: string, printer: Printer): Promise<Map<string, boolean>> {
  const settled = new Map<string, boolean>();
  if (!record.trackingId) return settled;
  const stopped = await stopTracked(`${record.trackingId}/run/`, STOP_GRACE_MS);
  if (stopped) printer.warning(`Stopped ${stopped} process(es) that the main step's phase commands left running.`);

  const finished = new Set([...record.rolledBack, ...record.rollbackFailed]);
  for (const id of record.rollbackStarted.filter((phase) => !finished.has(phase))) {
    const phase = launch.phases.find((candidate) => candidate.id === id);
    if (!phase) continue;
    const tag = trackingTag(record.trackingId, 'rollback', id);
    if (findTracked(tag).length) {
      printer.warning(
        `The main step's rollback of '${id}' is still running: waiting for it (at most ${phase.rollbackTimeoutMs} ms)` +
          ` rather than starting it again.`,
      );
      if (!(await waitUntilGone(tag, phase.rollbackTimeoutMs))) {
        await stopTracked(tag, STOP_GRACE_MS);
        printer.error(
          `The main step's rollback of '${id}' did not finish within ${phase.rollbackTimeoutMs} ms and was stopped: undo it by hand.`,
        );
        settled.set(id, false);
        continue;
      }
    }
    const status = readExitRecord(exitRecordPath(dir, id));
    if (status === undefined) continue;
    if (status === 0) printer.info(`The main step's rollback of '${id}' finished after the step was stopped: not run again.`);
    else
      printer.error(`The main step's rollback of '${id}' failed with exit status ${status} after the step was stopped: undo it by hand.`);
    settled.set(id, status === 0);
  }
  return settled;
}

function readExitRecord(file: string): number | undefined {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}
