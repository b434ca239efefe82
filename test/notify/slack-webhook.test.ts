import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNotifiers } from '../../src/notify';
import { blockKitProblem, startFakeSlack, type FakeSlack } from '../fakes/slack';
import { ERROR_RATE_BREACH, SECRETS, launchOn, notifierContext, warningsOf, type ContextOptions } from './harness';

let slack: FakeSlack;
beforeEach(async () => {
  slack = await startFakeSlack({ token: SECRETS.botToken, webhookPath: SECRETS.webhookPath });
});
afterEach(() => slack.close());

function webhookLaunch(options: ContextOptions = {}) {
  const ctx = notifierContext({
    ...options,
    settings: (s) => {
      s.slack.webhookUrl = slack.webhookUrl;
    },
  });
  const notifiers = createNotifiers(ctx);
  expect(notifiers.map((n) => n.name)).toEqual(['slack-webhook']);
  return launchOn(ctx, notifiers);
}

const texts = (): string[] => slack.webhookPosts.map((post) => post.text ?? '');

describe('Slack webhook: one message per notable event', () => {
  it('posts start, each phase result and the outcome of a successful launch', async () => {
    const { bus, script } = webhookLaunch();
    script.succeed();
    await bus.flush();
    expect(texts()).toEqual([
      expect.stringContaining('Launching checkout 1.4.0 → production'),
      expect.stringContaining('Phase Database migration verified in 1.5s'),
      expect.stringContaining('Phase Canary 1% verified'),
      expect.stringContaining('Phase Canary 2% verified'),
      expect.stringContaining('checkout 1.4.0 → production: succeeded'),
    ]);
    expect(warningsOf(bus)).toEqual([]);
  });

  it('carries the failing check’s value and threshold into the failure and rollback messages, and mentions the group once', async () => {
    const { bus, script } = webhookLaunch({
      notify: { slack: { on: ['rollback', 'failure'], mention_on_failure: '<!subteam^S0123ABC|@payments>' } },
    });
    script.breachAndRollBack(ERROR_RATE_BREACH);
    await bus.flush();

    expect(texts()).toEqual([
      expect.stringMatching(/^<!subteam\^S0123ABC\|@payments> ↩️ Rolling back 3 phase\(s\)/),
      expect.stringContaining('rolled back at phase'),
    ]);
    for (const post of slack.webhookPosts) expect(JSON.stringify(post.blocks)).toContain('measured 0.12 against &lt; 0.05');
    expect(JSON.stringify(slack.webhookPosts[1])).not.toContain('subteam');
  });

  it('keeps every message of a 200-phase launch within Block Kit limits', async () => {
    const { bus, script } = webhookLaunch({ phases: 200, notify: { slack: { on: ['start', 'failure', 'rollback'] } } });
    script.breachAndRollBack(ERROR_RATE_BREACH);
    await bus.flush();
    expect(warningsOf(bus)).toEqual([]);
    expect(slack.webhookPosts).toHaveLength(3);
    for (const post of slack.webhookPosts) expect(blockKitProblem(post.blocks)).toBeUndefined();
  });
});

describe('Slack webhook: errors', () => {
  it('honours Retry-After on 429 and backs off on 500 rollup_error, then delivers', async () => {
    const sleeps: number[] = [];
    slack.failNext('webhook', { status: 429, error: 'rate_limited', retryAfterSeconds: 2 }, { status: 500, error: 'rollup_error' });
    const { bus, script } = webhookLaunch({ sleeps, notify: { slack: { on: ['start'] } } });
    script.succeed();
    await bus.flush();
    expect(sleeps).toEqual([2000, 200]);
    expect(texts()).toEqual([expect.stringContaining('Launching')]);
    expect(warningsOf(bus)).toEqual([]);
  });

  it('reports a 404 channel_not_found once and sends nothing more', async () => {
    slack.failNext('webhook', { status: 404, error: 'channel_not_found' });
    const { bus, script } = webhookLaunch();
    script.breachAndRollBack(ERROR_RATE_BREACH);
    await bus.flush();
    expect(warningsOf(bus)).toEqual([
      expect.objectContaining({
        source: 'slack-webhook',
        message: 'Slack webhook failed: channel_not_found; nothing more is sent for this launch',
      }),
    ]);
    expect(slack.server.requests).toHaveLength(1);
  });

  it('warns about each rejected message but keeps sending the others', async () => {
    slack.failNext('webhook', { status: 400, error: 'invalid_payload' });
    const { bus, script } = webhookLaunch({ notify: { slack: { on: ['start', 'success'] } } });
    script.succeed();
    await bus.flush();
    expect(warningsOf(bus).map((w) => w.message)).toEqual(['Slack webhook failed: invalid_payload']);
    expect(texts()).toEqual([expect.stringContaining('succeeded')]);
  });
});
