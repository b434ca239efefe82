import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LaunchEvent, Subscriber } from '../engine/events';

export interface ReportHeader {
  launchId: string;
  spec: string;
  specDigest: string;
  environment: string;
  version?: string;
  previousVersion?: string;
}

/**
 * Keeps every event and writes them, with the outcome, to a JSON file once the launch is over and the
 * other subscribers have flushed (so their warnings are in it too).
 */
export class JsonReport implements Subscriber {
  readonly name = 'report';
  private readonly events: LaunchEvent[] = [];

  constructor(
    readonly path: string,
    private readonly header: ReportHeader,
    private readonly redact: (text: string) => string,
  ) {}

  onEvent(event: LaunchEvent): void {
    this.events.push(event);
  }

  write(): void {
    const finished = this.events.find((event) => event.type === 'launch.finished');
    const body = {
      ...this.header,
      status: finished?.type === 'launch.finished' ? finished.status : undefined,
      failedPhase: finished?.type === 'launch.finished' ? finished.failedPhase : undefined,
      durationMs: finished?.type === 'launch.finished' ? Math.round(finished.durationMs) : undefined,
      events: this.events.map((event) => ({ ...event, time: new Date(event.at).toISOString() })),
    };
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileSync(this.path, this.redact(JSON.stringify(body, null, 2)));
  }
}
