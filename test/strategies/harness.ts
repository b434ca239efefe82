import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSpec } from '../../src/spec/load';
import { expandStrategy } from '../../src/spec/prepare';
import type { Launch } from '../../src/spec/schema';
import type { LaunchEvent } from '../../src/events/event-bus';
import { runAction, type ActionRun } from '../support/run-action';

export interface StrategyRun extends ActionRun {
  /** The JSON report's events (empty when the spec never ran). */
  events: LaunchEvent[];
  /** How it was run, for its post step. */
  inputs: Record<string, string>;
  cwd: string;
}

export interface LaunchOptions {
  mode?: 'launch' | 'plan' | 'rollback';
  version?: string;
  previousVersion?: string;
  vars?: Record<string, string>;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Cancels the run (SIGINT, as the runner does) once its output shows this. */
  interruptWhen?: string;
}

/** Writes the spec to a fresh folder and runs the shipped bundle on it as the runner would. */
export async function launchThroughDist(yaml: string, options: LaunchOptions = {}): Promise<StrategyRun> {
  const dir = mkdtempSync(join(tmpdir(), 'strategy-'));
  writeFileSync(join(dir, 'launch.yml'), yaml);
  const inputs: Record<string, string> = {
    spec: 'launch.yml',
    mode: options.mode ?? 'launch',
    'working-directory': dir,
    vars: Object.entries(options.vars ?? {})
      .map(([name, value]) => `${name}=${value}`)
      .join('\n'),
  };
  if (options.version) inputs.version = options.version;
  if (options.previousVersion) inputs['previous-version'] = options.previousVersion;
  const run = await runAction({ inputs, env: options.env, cwd: dir, timeoutMs: options.timeoutMs, interruptWhen: options.interruptWhen });
  return { ...run, events: reportEvents(run), inputs, cwd: dir };
}

/** The post step after `main`, as the runner runs it: same inputs, the main step's saved state. */
export async function postStepOf(main: StrategyRun, env?: Record<string, string>): Promise<ActionRun> {
  return runAction({ inputs: main.inputs, cwd: main.cwd, state: main.state, env });
}

function reportEvents(run: ActionRun): LaunchEvent[] {
  return run.outputs.report ? (JSON.parse(readFileSync(run.outputs.report, 'utf8')) as { events: LaunchEvent[] }).events : [];
}

export function eventsOf<T extends LaunchEvent['type']>(events: readonly LaunchEvent[], type: T): Extract<LaunchEvent, { type: T }>[] {
  return events.filter((event): event is Extract<LaunchEvent, { type: T }> => event.type === type);
}

/** The rollback commands that ran, as `phase` ids in the order they ran. */
export function rolledBack(events: readonly LaunchEvent[]): string[] {
  return eventsOf(events, 'rollback.phase')
    .filter((event) => !event.skipped)
    .map((event) => event.phase);
}

/** A spec parsed and expanded in-process, for the unit tests of each expansion. */
export function expand(yaml: string): Launch {
  return expandStrategy(parseSpec(yaml, 'launch.yml'));
}
