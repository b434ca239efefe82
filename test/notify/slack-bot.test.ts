import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNotifiers } from '../../src/notify';
import { waitFor } from '../support/wait-for';
import { blockKitProblem, startFakeSlack, type FakeSlack } from '../fakes/slack';
import { ERROR_RATE_BREACH, SECRETS, launchOn, notifierContext, settled, warningsOf, type ContextOptions } from './harness';

let slack: FakeSlack;
beforeEach(async () => {
  slack = await startFakeSlack({ token: SECRETS.botToken, webhookPath: SECRETS.webhookPath });
});
afterEach(() => slack.close());

function botLaunch(options: ContextOptions = {}) {
  const ctx = notifierContext({
    ...options,
    endpoints: { slackApi: slack.apiUrl },
    settings: (s) => {
      s.slack.botToken = SECRETS.botToken;
      s.slack.channel = '#launches';
    },
  });
  const notifiers = createNotifiers(ctx);
  expect(notifiers.map((n) => n.name)).toEqual(['slack-bot']);
  return { ctx, notifiers, ...launchOn(ctx, notifiers) };
}

const text = (message: { text?: string; blocks?: unknown[] }): string => `${message.text ?? ''}\n${JSON.stringify(message.blocks ?? [])}`;

describe('Slack bot: one live message per launch', () => {
  it('posts the live message once, edits it in place and threads each phase result under it', async () => {
    const { bus, script, notifiers } = botLaunch();
    script.start();
    // Phases that take a while: a short launch's live message shows every phase as it ends.
    for (const id of ['migrate', 'canary-1', 'canary-2']) {
      await settled(notifiers);
      script.pass(id);
    }
    script.finish('succeeded');
    await bus.flush();

    const [live, ...replies] = slack.messages;
    expect(live!.thread_ts).toBeUndefined();
    expect(slack.messages.filter((m) => !m.thread_ts)).toHaveLength(1);
    expect(live!.edits).toBeGreaterThanOrEqual(3);
    expect(live!.channel).toBe('C0LAUNCHES');
    expect(text(live!)).toContain('succeeded');
    expect(text(live!)).toContain('checkout 1.4.0 → production');
    expect(text(live!)).toContain('octocat');
    expect(text(live!)).toContain('https://github.com/acme/shop/actions/runs/4242|Workflow run');

    expect(replies.map((r) => r.thread_ts)).toEqual(replies.map(() => live!.ts));
    expect(replies.map((r) => r.text)).toEqual([
      expect.stringContaining('Phase Database migration verified'),
      expect.stringContaining('Phase Canary 1% verified'),
      expect.stringContaining('Phase Canary 2% verified'),
      expect.stringContaining('succeeded'),
    ]);
    expect(warningsOf(bus)).toEqual([]);
  });

  it('threads the breach with its measured value and threshold, each rollback step, and pings the group once', async () => {
    const { bus, script } = botLaunch({ notify: { slack: { mention_on_failure: '<!subteam^S0123ABC>' } } });
    script.breachAndRollBack(ERROR_RATE_BREACH);
    await bus.flush();

    const [live, ...replies] = slack.messages;
    const breach = replies.find((r) => r.text?.includes('error-rate'))!;
    expect(breach.text).toContain('measured 0.12 against &lt; 0.05');
    expect(replies.filter((r) => r.text?.includes('rolled back in'))).toHaveLength(3);
    const pinged = replies.filter((r) => text(r).includes('<!subteam^S0123ABC>'));
    expect(pinged).toHaveLength(1);
    expect(pinged[0]!.reply_broadcast).toBe(true);
    expect(pinged[0]!.text).toContain('Rolling back 3 phase(s)');

    expect(text(live!)).toContain('rolled back at phase');
    expect(text(live!)).toContain('measured 0.12 against &lt; 0.05');
    expect(slack.messages.filter((m) => !m.thread_ts)).toHaveLength(1);
    expect(warningsOf(bus)).toEqual([]);
  });

  it('posts only the moments chosen in notify.slack.on as replies, and still keeps the live message current', async () => {
    const { bus, script } = botLaunch({ notify: { slack: { on: ['failure'] } } });
    script.breachAndRollBack(ERROR_RATE_BREACH);
    await bus.flush();
    const replies = slack.messages.filter((m) => m.thread_ts);
    expect(replies.map((r) => r.text)).toEqual([expect.stringContaining('error-rate'), expect.stringContaining('rolled back at phase')]);
    expect(text(slack.messages[0]!)).toContain('rolled back');
  });

  it('keeps a 200-phase launch within Block Kit limits, summarising the phase list', async () => {
    const { bus, script } = botLaunch({ phases: 200 });
    script.breachAndRollBack(ERROR_RATE_BREACH);
    await bus.flush();

    // Hundreds of replies at once are more than Slack's per-channel rate carries: progress gives way.
    expect(warningsOf(bus)).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^\d+ progress message\(s\) dropped/), dropped: expect.any(Number) }),
    ]);
    for (const message of slack.messages) expect(blockKitProblem(message.blocks)).toBeUndefined();
    const live = slack.messages[0]!;
    expect(JSON.stringify(live.blocks).length).toBeLessThanOrEqual(12_000);
    expect(text(live)).toMatch(/…and \d+ more/);
    expect(text(live)).toContain('*Phases*\\n↩️ 200 rolled back');
    // One edit per burst of events, not one per event.
    expect(live.edits).toBeLessThan(bus.history.length / 2);
  });
});

describe('Slack bot: Slack trouble never changes the launch', () => {
  it('waits as long as a 429 Retry-After asks, then posts', async () => {
    const sleeps: number[] = [];
    slack.failNext('chat.postMessage', { status: 429, error: 'ratelimited', retryAfterSeconds: 3 });
    const { bus, script } = botLaunch({ sleeps });
    script.succeed();
    await bus.flush();
    expect(sleeps).toContain(3000);
    expect(slack.messages.filter((m) => !m.thread_ts)).toHaveLength(1);
    expect(warningsOf(bus)).toEqual([]);
  });

  it('turns channel_not_found into one warning and stops calling Slack', async () => {
    slack.failNext('chat.postMessage', { error: 'channel_not_found' });
    const { bus, script } = botLaunch();
    script.breachAndRollBack(ERROR_RATE_BREACH);
    await bus.flush();

    expect(warningsOf(bus)).toEqual([
      expect.objectContaining({ source: 'slack-bot', message: expect.stringContaining('chat.postMessage failed: channel_not_found') }),
    ]);
    expect(slack.server.requests).toHaveLength(1);
    expect(bus.history.at(-2)).toMatchObject({ type: 'launch.finished', status: 'rolled_back' });
  });

  it('gives up on a Slack that keeps failing with a warning, after bounded retries', async () => {
    const sleeps: number[] = [];
    slack.failNext('chat.postMessage', ...Array.from({ length: 40 }, () => ({ status: 503, error: 'service unavailable' })));
    slack.failNext('chat.update', ...Array.from({ length: 40 }, () => ({ status: 503, error: 'service unavailable' })));
    const { bus, script } = botLaunch({ sleeps });
    script.breachAndRollBack(ERROR_RATE_BREACH);
    await bus.flush();

    const [warning] = warningsOf(bus);
    expect(warning?.source).toBe('slack-bot');
    expect(warning?.message).toContain('HTTP 503');
    expect(sleeps.every((ms) => ms <= 10_000)).toBe(true);
    expect(sleeps.slice(0, 2)).toEqual([100, 200]);
  });

  it('posts a new live message when the old one can no longer be edited, and threads under the new one', async () => {
    const { bus, script } = botLaunch();
    script.start().pass('migrate');
    // The live post (showing the burst up to the phase's end) and the phase's reply.
    await waitFor(() => slack.server.requests.length === 2, 'the first Slack requests');
    slack.failNext('chat.update', { error: 'edit_window_closed' });
    script.pass('canary-1').pass('canary-2').finish('succeeded');
    await bus.flush();

    const tops = slack.messages.filter((m) => !m.thread_ts);
    expect(tops).toHaveLength(2);
    expect(text(tops[1]!)).toContain('succeeded');
    const last = slack.messages.at(-1)!;
    expect(last.thread_ts).toBe(tops[1]!.ts);
    expect(warningsOf(bus)).toEqual([
      expect.objectContaining({ message: expect.stringContaining('edit_window_closed: posted a new live message') }),
    ]);
  });
});

describe('Slack Web API base URL (GovSlack, relays)', () => {
  const unreachable = 'http://127.0.0.1:9/api';
  function launchWith(apiUrl: { input?: string; spec?: string }) {
    const ctx = notifierContext({
      ...(apiUrl.spec && { notify: { slack: { api_url: apiUrl.spec } } }),
      settings: (s) => {
        s.slack.botToken = SECRETS.botToken;
        s.slack.channel = '#launches';
        s.slack.apiUrl = apiUrl.input;
      },
    });
    return launchOn(ctx, createNotifiers(ctx));
  }

  it("takes the spec's notify.slack.api_url", async () => {
    const { bus, script } = launchWith({ spec: slack.apiUrl });
    script.succeed();
    await bus.flush();
    expect(slack.messages.length).toBeGreaterThan(0);
  });

  it('lets the slack-api-url input win over the spec', async () => {
    const { bus, script } = launchWith({ input: slack.apiUrl, spec: unreachable });
    script.succeed();
    await bus.flush();
    expect(slack.messages.length).toBeGreaterThan(0);
    expect(warningsOf(bus)).toEqual([]);
  });
});
