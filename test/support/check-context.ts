import type { z } from 'zod';
import { tmpdir } from 'node:os';
import { launchSchema } from '../../src/spec/schema';
import { defaultSettings } from '../../src/settings/inputs';
import { checkLaunch } from '../../src/runner/check-launch';
import type { CheckContext, CheckKind, CheckOutcome, CheckPlan } from '../../src/checks/check';
import type { EventInput } from '../../src/events/event-bus';
import { HealthCheckFailures } from '../../src/checks/health-failures';

export interface TestCheckContext extends CheckContext {
  logs: string[];
  events: EventInput[];
}

export interface CheckContextOptions {
  env?: Record<string, string>;
  /** launch.base_url; `${VAR}` allowed as in a spec. */
  baseUrl?: string;
  signal?: AbortSignal;
  cwd?: string;
  /** The launch's count of failed health-check attempts (default: its own, with no limit). */
  healthFailures?: HealthCheckFailures;
}

/** What a check sees inside a one-phase launch, with its log lines and events collected. */
export function checkContext(options: CheckContextOptions = {}): TestCheckContext {
  const launch = launchSchema.parse({ base_url: options.baseUrl, phases: [{ id: 'deploy', run: 'true' }] });
  const logs: string[] = [];
  const events: EventInput[] = [];
  return {
    launch: checkLaunch(launch, defaultSettings()),
    phase: 'deploy',
    stage: 'gate',
    name: 'check',
    env: options.env ?? {},
    cwd: options.cwd ?? tmpdir(),
    signal: options.signal ?? new AbortController().signal,
    log: (line) => logs.push(line),
    emit: (event) => events.push(event),
    commandDone: Promise.resolve(),
    healthFailures: options.healthFailures ?? new HealthCheckFailures(),
    logs,
    events,
  };
}

/** Parses `raw` as the kind's config (defaults filled in) and runs the check. */
export function runCheck<S extends z.ZodObject>(
  kind: CheckKind<S>,
  raw: Record<string, unknown>,
  ctx: CheckContext = checkContext(),
): Promise<CheckOutcome> {
  return kind.run(kind.config.parse(raw), ctx);
}

export function planCheck<S extends z.ZodObject>(
  kind: CheckKind<S>,
  raw: Record<string, unknown>,
  ctx: CheckContext = checkContext(),
): CheckPlan {
  return kind.plan(kind.config.parse(raw), ctx);
}
