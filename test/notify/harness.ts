import { stringify } from 'yaml';
import { EventBus, type EventOf, type Subscriber } from '../../src/events/event-bus';
import type { LaunchMode, LaunchStatus } from '../../src/events/states';
import { defaultSettings, type Settings } from '../../src/settings/inputs';
import type { GitHubPacing } from '../../src/github/client';
import type { NotifierContext } from '../../src/notify';
import { httpOptions } from '../../src/notify/context';
import { LaunchNotifier } from '../../src/notify/launch-notifier';
import type { RunContext } from '../../src/github/run-context';
import { parseSpec } from '../../src/spec/load';
import type { Launch } from '../../src/spec/schema';
import type { VirtualClock } from '../support/virtual-clock';

/** Secret values the notifiers are given; none may show up in anything sent or warned. */
export const SECRETS = {
  githubToken: 'ghs_FAKEgithubTOKEN0123456789abcdef',
  botToken: 'xoxb-1234-5678-FAKEbotTOKENsecret',
  webhookPath: '/services/T0FAKE/B0FAKE/FAKEwebhookSECRET123',
  datadogApiKey: 'fakeDatadogApiKey0123456789abcdef',
  datadogAppKey: 'fakeDatadogAppKey0123456789abcdef01234567',
};

export const RUN_URL = 'https://github.com/acme/shop/actions/runs/4242';
export const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

export interface ContextOptions {
  phases?: number;
  environment?: string;
  notify?: Record<string, unknown>;
  mode?: LaunchMode;
  version?: string;
  previousVersion?: string;
  run?: Partial<RunContext>;
  settings?: (settings: Settings) => void;
  /** Fake servers for Slack's Web API and Datadog events, set as the inputs would. */
  endpoints?: { slackApi?: string; datadogApi?: string };
  /** Receives every wait the retry logic asks for; the wait itself is instant. */
  sleeps?: number[];
  /** Runs every wait of the notifiers (retries, pacing, edit spacing, the flush deadline) on this clock instead. */
  clock?: VirtualClock;
  githubPacing?: Partial<GitHubPacing>;
}

/** How long a second of GitHub's rate-limit waits and retry backoff takes in these tests. */
export const GITHUB_MS_PER_SECOND = 5;

export function phaseIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => (i === 0 ? 'migrate' : `canary-${i}`));
}

/** The context with the whole spec's launch, whose phases the script below runs. */
export type SpecNotifierContext = NotifierContext & { launch: Launch };

/** A NotifierContext as the runner builds it: the spec parsed from YAML, settings, run facts. */
export function notifierContext(options: ContextOptions = {}): SpecNotifierContext {
  const spec = {
    launch: {
      service: 'checkout',
      environment: options.environment ?? 'production',
      environment_url: 'https://shop.example.com',
      ...(options.notify && { notify: options.notify }),
      phases: phaseIds(options.phases ?? 3).map((id) => ({
        id,
        name: id === 'migrate' ? 'Database migration' : `Canary ${id.slice(7)}%`,
        run: 'true',
        rollback: 'true',
      })),
    },
  };
  const settings = defaultSettings();
  options.settings?.(settings);
  if (options.endpoints?.slackApi) settings.slack.apiUrl = options.endpoints.slackApi;
  if (options.endpoints?.datadogApi) settings.datadog.eventsUrl = options.endpoints.datadogApi;
  const run: RunContext = {
    repository: 'acme/shop',
    owner: 'acme',
    repo: 'shop',
    sha: SHA,
    ref: 'refs/heads/main',
    runId: '4242',
    runAttempt: '1',
    actor: 'octocat',
    eventName: 'push',
    event: {},
    serverUrl: 'https://github.com',
    apiUrl: 'http://127.0.0.1:9',
    runUrl: RUN_URL,
    ...options.run,
  };
  const sleeps = options.sleeps ?? [];
  return {
    launch: parseSpec(stringify(spec), 'launch.yml'),
    settings,
    run,
    mode: options.mode ?? 'launch',
    version: options.version ?? '1.4.0',
    previousVersion: options.previousVersion ?? '1.3.9',
    specDigest: () => 'sha256:0f1e2d',
    retry: {
      baseMs: 100,
      timeoutMs: 5000,
      ...(options.clock
        ? { sleep: options.clock.sleep, now: options.clock.now }
        : {
            sleep: async (ms) => {
              sleeps.push(ms);
            },
          }),
    },
    // A second of GitHub's waits lasts 5 ms here: the secondary limit's fallback minute takes 300 ms.
    githubPacing: { msPerSecond: GITHUB_MS_PER_SECOND, writeSpacingMs: 1, ...options.githubPacing },
  };
}

export interface Breach {
  check: string;
  value?: number;
  threshold?: string;
  message: string;
}

/** Emits the events of a launch, in the order and shape the engine emits them. */
export class LaunchScript {
  constructor(
    readonly bus: EventBus,
    private readonly ctx: SpecNotifierContext,
  ) {}

  start(): this {
    const { ctx } = this;
    this.bus.emit({
      type: 'launch.started',
      launchId: `${ctx.run.runId}-${ctx.run.runAttempt}`,
      mode: ctx.mode,
      environment: ctx.launch.environment,
      version: ctx.version,
      previousVersion: ctx.previousVersion,
      phases: ctx.launch.phases.map(({ id, name }) => ({ id, name })),
    });
    return this;
  }

  pass(phase: string, durationMs = 1500): this {
    this.run(phase);
    this.bus.emit({
      type: 'check.result',
      phase,
      stage: 'verify',
      check: 'health',
      checkType: 'http_status',
      passed: true,
      message: 'GET /health → 200',
      durationMs: 40,
    });
    this.bus.emit({ type: 'phase.state', phase, from: 'verifying', to: 'verified' });
    this.bus.emit({ type: 'phase.verified', phase, durationMs });
    return this;
  }

  fail(phase: string, breach: Breach, durationMs = 2500): this {
    this.run(phase);
    this.bus.emit({ type: 'check.result', phase, stage: 'watch', checkType: 'metric', passed: false, durationMs: 900, ...breach });
    this.bus.emit({ type: 'phase.state', phase, from: 'verifying', to: 'failed' });
    this.bus.emit({ type: 'phase.failed', phase, reason: `watch '${breach.check}' failed: ${breach.message}`, durationMs });
    return this;
  }

  rollBack(phases: string[], reason: string, failing: string[] = []): this {
    this.startRollback(phases, reason);
    for (const phase of phases) this.undo(phase, !failing.includes(phase));
    return this.endRollback(failing);
  }

  startRollback(phases: string[], reason: string): this {
    this.bus.emit({ type: 'rollback.started', phases, reason });
    return this;
  }

  undo(phase: string, ok = true): this {
    this.bus.emit({ type: 'phase.state', phase, from: 'verified', to: 'rolling_back' });
    this.bus.emit({ type: 'phase.state', phase, from: 'rolling_back', to: ok ? 'rolled_back' : 'rollback_failed' });
    this.bus.emit({
      type: 'rollback.phase',
      phase,
      ok,
      skipped: false,
      durationMs: 800,
      ...(!ok && { error: 'rollback exited with code 1: kubectl: connection refused' }),
    });
    return this;
  }

  endRollback(failing: string[] = []): this {
    this.bus.emit({ type: 'rollback.finished', ok: failing.length === 0, failed: failing });
    return this;
  }

  finish(status: LaunchStatus, detail: Partial<EventOf<'launch.finished'>> = {}): this {
    this.bus.emit({ type: 'launch.finished', status, durationMs: 252_000, ...detail });
    return this;
  }

  /** A whole successful launch. */
  succeed(): this {
    this.start();
    for (const { id } of this.ctx.launch.phases) this.pass(id);
    return this.finish('succeeded');
  }

  /** A launch whose last phase breaches `breach` and is rolled back in reverse order. */
  breachAndRollBack(breach: Breach, failingRollbacks: string[] = []): this {
    const ids = this.ctx.launch.phases.map((phase) => phase.id);
    const last = ids.at(-1)!;
    this.start();
    for (const id of ids.slice(0, -1)) this.pass(id);
    this.fail(last, breach);
    this.rollBack([...ids].reverse(), `phase '${last}' failed: watch '${breach.check}' failed: ${breach.message}`, failingRollbacks);
    return this.finish(failingRollbacks.length ? 'rollback_failed' : 'rolled_back', {
      failedPhase: last,
      reason: `watch '${breach.check}' failed: ${breach.message}`,
    });
  }

  /** `mode: rollback`: every phase's rollback, newest first. */
  manualRollback(ok = true): this {
    const ids = this.ctx.launch.phases.map((phase) => phase.id).reverse();
    this.start().rollBack(ids, 'manual rollback', ok ? [] : [ids[0]!]);
    return this.finish(ok ? 'rolled_back' : 'rollback_failed', ok ? {} : { reason: 'a rollback step failed' });
  }

  private run(phase: string): void {
    this.bus.emit({ type: 'phase.started', phase });
    this.bus.emit({ type: 'phase.state', phase, from: 'pending', to: 'validating' });
    this.bus.emit({ type: 'phase.state', phase, from: 'validating', to: 'executing' });
    this.bus.emit({ type: 'phase.state', phase, from: 'executing', to: 'verifying' });
  }
}

export const ERROR_RATE_BREACH: Breach = {
  check: 'error-rate',
  value: 0.12,
  threshold: '< 0.05',
  message: 'error rate 0.12 is above 0.05 for 3 of 3 samples',
};

/** A bus with `subscribers` on it, and a script to drive it. */
export function launchOn(ctx: SpecNotifierContext, subscribers: readonly Subscriber[]): { bus: EventBus; script: LaunchScript } {
  // Redacting as the action's bus does, with the secrets in ctx.
  const bus = new EventBus(Date.now, httpOptions(ctx).redact);
  for (const subscriber of subscribers) bus.subscribe(subscriber);
  return { bus, script: new LaunchScript(bus, ctx) };
}

/** Waits until the notifiers have done the work queued so far, without flushing: a launch's pause between phases. */
export async function settled(subscribers: readonly Subscriber[]): Promise<void> {
  await Promise.all(subscribers.flatMap((subscriber) => (subscriber instanceof LaunchNotifier ? [subscriber.queue.drained()] : [])));
}

export function warningsOf(bus: EventBus): EventOf<'warning'>[] {
  return bus.history.filter((event): event is EventOf<'warning'> => event.type === 'warning');
}
