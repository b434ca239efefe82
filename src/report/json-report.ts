import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EventOf, LaunchEvent } from '../engine/events';

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
export function writeJsonReport(path: string, header: ReportHeader, events: readonly LaunchEvent[], redact: (text: string) => string): void {
  const finished = events.find((event): event is EventOf<'launch.finished'> => event.type === 'launch.finished');
  const outcome = JSON.stringify(
    { ...header, status: finished?.status, failedPhase: finished?.failedPhase, durationMs: finished && Math.round(finished.durationMs) },
    null,
    2,
  );
  mkdirSync(dirname(path), { recursive: true });
  const file = openSync(path, 'w');
  try {
    // Secrets sit inside string values, never across two events, so each chunk is redacted alone.
    let text = `${outcome.slice(0, -2)},\n  "events": [`;
    events.forEach((event, index) => {
      const entry = JSON.stringify({ ...event, time: new Date(event.at).toISOString() }, null, 2);
      text += `${index ? ',' : ''}\n    ${entry.replace(/\n/g, '\n    ')}`;
      if (text.length < WRITE_CHUNK) return;
      writeSync(file, redact(text));
      text = '';
    });
    writeSync(file, redact(`${text}${events.length ? '\n  ' : ''}]\n}`));
  } finally {
    closeSync(file);
  }
}
