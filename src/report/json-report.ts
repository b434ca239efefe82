import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EventOf, LaunchEvent } from '../events/event-bus';
import { redactValues, type Redact } from '../util/redactor';

export interface ReportHeader {
  launchId: string;
  spec: string;
  specDigest: string;
  environment: string;
  version?: string;
  previousVersion?: string;
}

/** Past this many characters the text written so far goes to the file. */
const WRITE_CHUNK = 64 * 1024;

/**
 * Writes the report: the outcome, then every event of the launch (the bus's history; no copy is kept).
 * The text is what JSON.stringify(report, null, 2) gives, written an event at a time: over a large
 * fleet a launch has thousands of events, and one string of them all, built from a copy of each, was
 * the run's largest allocation, at its very end.
 */
export function writeJsonReport(path: string, header: ReportHeader, events: readonly LaunchEvent[], redact: Redact): void {
  const finished = events.find((event): event is EventOf<'launch.finished'> => event.type === 'launch.finished');
  // Built from redacted values, not redacted as text: an escaped secret (`\"`, `\\`) would not match.
  const outcome = JSON.stringify(
    redactValues(
      { ...header, status: finished?.status, failedPhase: finished?.failedPhase, durationMs: finished && Math.round(finished.durationMs) },
      redact,
    ),
    null,
    2,
  );
  mkdirSync(dirname(path), { recursive: true });
  const file = openSync(path, 'w');
  try {
    let text = `${outcome.slice(0, -2)},\n  "events": [`;
    events.forEach((event, index) => {
      const entry = JSON.stringify(redactValues({ ...event, time: new Date(event.at).toISOString() }, redact), null, 2);
      text += `${index ? ',' : ''}\n    ${entry.replace(/\n/g, '\n    ')}`;
      if (text.length < WRITE_CHUNK) return;
      writeSync(file, text);
      text = '';
    });
    writeSync(file, `${text}${events.length ? '\n  ' : ''}]\n}`);
  } finally {
    closeSync(file);
  }
}
