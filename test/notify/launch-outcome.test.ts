import { tmpdir } from 'node:os';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { LaunchEngine } from '../../src/engine/engine';
import { EventBus, type EventOf } from '../../src/events/event-bus';
import { createNotifiers } from '../../src/notify';
import { parseSpec } from '../../src/spec/load';
import { startServer } from '../support/http-server';
import { startFakeGitHub, type FakeGitHub } from '../fakes/github';
import { startFakeSlack, type FakeSlack } from '../fakes/slack';
import { SECRETS, notifierContext, warningsOf } from './harness';
import { checkLaunch } from '../../src/runner/check-launch';

let slack: FakeSlack;
let github: FakeGitHub;
beforeEach(async () => {
  slack = await startFakeSlack({ token: SECRETS.botToken, webhookPath: SECRETS.webhookPath });
  github = await startFakeGitHub({ token: SECRETS.githubToken });
});
afterEach(async () => {
  await Promise.all([slack.close(), github.close()]);
});

const SPEC = {
  launch: {
    service: 'checkout',
    phases: [
      { id: 'migrate', run: 'true', rollback: 'echo undo-migrate' },
      { id: 'canary', run: 'true', rollback: 'echo undo-canary', verify: [{ type: 'command', command: 'echo "p99 too high"; exit 3' }] },
    ],
  },
};

/** A real engine run with every notifier subscribed and every service failing. */
it('rolls back exactly as without notifiers while Slack, GitHub and Datadog all fail', async () => {
  const datadogDown = await startServer(() => undefined);
  await datadogDown.close();
  slack.failNext('chat.postMessage', { error: 'channel_not_found' });
  slack.failNext('webhook', ...Array.from({ length: 20 }, () => ({ status: 500, error: 'rollup_error' })));
  github.answerNext('create-deployment', ...Array.from({ length: 20 }, () => ({ status: 502, body: { message: 'Server Error' } })));

  const base = notifierContext({
    endpoints: { slackApi: slack.apiUrl, datadogApi: datadogDown.url },
    run: { apiUrl: github.apiUrl },
    settings: (s) => {
      s.slack = { webhookUrl: slack.webhookUrl, botToken: SECRETS.botToken, channel: 'C0LAUNCHES' };
      s.github.token = SECRETS.githubToken;
      s.datadog = { ...s.datadog, apiKey: SECRETS.datadogApiKey };
    },
  });
  const launch = parseSpec(stringify(SPEC), 'launch.yml');
  const ctx = { ...base, launch };

  const run = async (withNotifiers: boolean) => {
    const bus = new EventBus();
    if (withNotifiers) for (const notifier of createNotifiers(ctx)) bus.subscribe(notifier);
    bus.emit({
      type: 'launch.started',
      launchId: 'l-1',
      mode: 'launch',
      environment: launch.environment,
      phases: launch.phases.map(({ id, name }) => ({ id, name })),
    });
    const engine = new LaunchEngine({
      launch,
      bus,
      checks: checkLaunch(launch, ctx.settings),
      env: {},
      cwd: tmpdir(),
      output: () => undefined,
    });
    const result = await engine.launch();
    await bus.flush();
    const steps = bus.history
      .filter((e): e is EventOf<'rollback.phase'> => e.type === 'rollback.phase')
      .map(({ phase, ok }) => ({ phase, ok }));
    return { status: result.status, failedPhase: result.failedPhase, steps, warnings: warningsOf(bus) };
  };

  const quiet = await run(false);
  const noisy = await run(true);
  expect(quiet).toMatchObject({
    status: 'rolled_back',
    failedPhase: 'canary',
    steps: [
      { phase: 'canary', ok: true },
      { phase: 'migrate', ok: true },
    ],
  });
  expect({ ...noisy, warnings: [] }).toEqual({ ...quiet, warnings: [] });
  expect(noisy.warnings.map((w) => w.source).sort()).toEqual(['datadog-events', 'github-deployments', 'slack-bot', 'slack-webhook']);
  // An unreachable service is given up on after one message's tries, not retried per message.
  expect(noisy.warnings.find((w) => w.source === 'datadog-events')?.message).toBe(
    'no response after 3 tries: fetch failed (ECONNREFUSED); nothing more is sent for this launch',
  );
});
