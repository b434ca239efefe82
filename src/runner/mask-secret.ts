import * as core from '@actions/core';
import { MIN_MASKABLE_LENGTH, secretForms } from '../util/redactor';

/**
 * Masks a secret in the log in every form the action can foresee (raw, each line, URL-encoded, base64,
 * JSON-escaped...). Ours because core.setSecret masks only the exact string it is given, and says
 * nothing when a value is too short for the runner to hide reliably.
 */
export function maskSecret(value: string): void {
  for (const form of secretForms(value)) core.setSecret(form);
  if (value.length < MIN_MASKABLE_LENGTH) {
    core.warning(
      `A secret of ${value.length} character(s) is redacted from the summary, report and messages` +
        `, but the runner cannot reliably hide so short a value in the log: use a longer one.`,
    );
  }
}
