// What the main and post steps share: the log, the inputs, and writes to the runner's files.
import * as core from '@actions/core';
import { readSettings, secretsOf, type Settings } from '../settings/inputs';
import { errorMessage } from '../util/errors';
import { maskSecret } from './mask-secret';
import type { Printer } from '../report/console-log';

/** The plan and the outcome marker the main step leaves in its launch directory. */
export const PLAN_FILE = 'plan.json';
export const OUTCOME_FILE = 'outcome';

export const printer: Printer = {
  info: (line) => core.info(line),
  warning: (line) => core.warning(line),
  error: (line) => core.error(line),
  startGroup: (title) => core.startGroup(title),
  endGroup: () => core.endGroup(),
  mask: (secret) => maskSecret(secret),
};

/** Reads and validates the inputs and masks every secret among them; no error message echoes a value. */
export function readActionSettings(): Settings {
  const settings = readSettings((name) => core.getInput(name));
  for (const secret of secretsOf(settings)) maskSecret(secret);
  return settings;
}

/** Outputs and summary come after the outcome is recorded: a runner file that fails is a warning. */
export async function warnOnFailure(what: string, write: () => void | Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    core.warning(`Could not write ${what}: ${errorMessage(error)}`);
  }
}

/** Appends markdown to the job summary; outside a runner (no GITHUB_STEP_SUMMARY) there is none to write. */
export async function appendSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await warnOnFailure('the job summary', async () => {
    try {
      await core.summary.addRaw(markdown, true).write();
    } finally {
      // A failed write keeps its buffer, which the next write would repeat.
      core.summary.emptyBuffer();
    }
  });
}
