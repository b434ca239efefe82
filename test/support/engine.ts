import { EventBus, type LaunchEvent } from '../../src/events/event-bus';
import { LaunchEngine, type LaunchResult } from '../../src/engine/engine';
import { parseSpec } from '../../src/spec/load';
import { prepareLaunch } from '../../src/spec/prepare';
import { defaultSettings } from '../../src/settings/inputs';
import { checkLaunch } from '../../src/runner/check-launch';
import { tmpdir } from 'node:os';

export interface EngineRun {
  result: LaunchResult;
  events: LaunchEvent[];
  output: string[];
}

/** Parses a spec from YAML text and runs it through the engine, collecting events and output. */
export async function runSpec(
  yaml: string,
  options: {
    mode?: 'launch' | 'rollback';
    signal?: AbortSignal;
    env?: Record<string, string>;
    phases?: string[];
    onOutput?: (line: string) => unknown;
  } = {},
): Promise<EngineRun> {
  const launch = prepareLaunch(parseSpec(yaml, 'test.yml'));
  const bus = new EventBus();
  const output: string[] = [];
  const engine = new LaunchEngine({
    launch,
    bus,
    checks: checkLaunch(launch, defaultSettings()),
    env: { LAUNCH_ENVIRONMENT: launch.environment, ...launch.vars, ...options.env },
    cwd: tmpdir(),
    signal: options.signal,
    output: (phase, _stream, line) => {
      output.push(`${phase}: ${line}`);
      options.onOutput?.(`${phase}: ${line}`);
    },
  });
  const result = options.mode === 'rollback' ? await engine.rollbackOnly(options.phases, 'manual rollback') : await engine.launch();
  return { result, events: bus.history, output };
}

export function eventsOf<T extends LaunchEvent['type']>(events: LaunchEvent[], type: T): Extract<LaunchEvent, { type: T }>[] {
  return events.filter((event): event is Extract<LaunchEvent, { type: T }> => event.type === type);
}
