import { launchSchema } from '../../src/spec/schema';
import { defaultSettings, type Settings } from '../../src/settings/inputs';
import { prepareLaunch } from '../../src/spec/prepare';
import { checkLaunch } from '../../src/runner/check-launch';
import type { CheckStage } from '../../src/events/states';
import type { EventOf } from '../../src/events/event-bus';
import { metricCheck } from '../../src/checks/metric';
import { checkContext, type TestCheckContext } from '../support/check-context';

export interface MetricContextOptions {
  stage?: CheckStage;
  settings?: Partial<Settings>;
  commandDone?: Promise<void>;
  signal?: AbortSignal;
  env?: Record<string, string>;
  name?: string;
  /** Prepare the launch as a run does (a preset's metrics, thresholds bound) before the check sees it. */
  prepare?: boolean;
}

/** What a metric check sees inside a one-phase launch whose launch-level fields are `spec`. */
export function metricContext(spec: Record<string, unknown> = {}, options: MetricContextOptions = {}): TestCheckContext {
  const base = checkContext({ signal: options.signal, env: options.env });
  const parsed = launchSchema.parse({ phases: [{ id: 'deploy', run: 'true' }], ...spec });
  return {
    ...base,
    launch: checkLaunch(options.prepare ? prepareLaunch(parsed) : parsed, { ...defaultSettings(), ...options.settings }),
    stage: options.stage ?? 'gate',
    name: options.name ?? 'check',
    commandDone: options.commandDone ?? Promise.resolve(),
  };
}

export function runMetric(config: Record<string, unknown>, ctx: TestCheckContext) {
  return metricCheck.run(metricCheck.config.parse(config), ctx);
}

export function planMetric(config: Record<string, unknown>, ctx: TestCheckContext) {
  return metricCheck.plan(metricCheck.config.parse(config), ctx);
}

export function measurements(ctx: TestCheckContext): Omit<EventOf<'measurement'>, 'at'>[] {
  return ctx.events.filter((event): event is Omit<EventOf<'measurement'>, 'at'> => event.type === 'measurement');
}

/** Settings pointing the prometheus provider at `url`. */
export function prometheusAt(url: string, extra: Partial<Settings['prometheus']> = {}): Partial<Settings> {
  return { prometheus: { headers: {}, ...extra, url } };
}
