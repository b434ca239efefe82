import { afterEach, describe, expect, it } from 'vitest';
import type { Subscriber } from '../../src/events/event-bus';
import { createNotifiers } from '../../src/notify';
import { renderSummary } from '../../src/report/summary';
import { startFakeGitHub, type FakeGitHub } from '../fakes/github';
import { startFakeSlack, type FakeRateLimit, type FakeSlack, type PostedSlackMessage } from '../fakes/slack';
import { VirtualClock } from '../support/virtual-clock';
import { ERROR_RATE_BREACH, SECRETS, launchOn, notifierContext, phaseIds, settled, warningsOf } from './harness';

/**
 * Notifiers under Slack's per-channel limits and GitHub's write spacing, on one virtual clock shared
 * by the fake Slack's limiter, the pacing, the edit spacing, the retry waits and the flush deadline.
 */

const PHASES = 200;
const MENTION = '<!subteam^S0123ABC>';
/** Slack's documented chat.postMessage rate: about one a second per channel, short bursts allowed. */
const SLACK_POST_LIMIT: FakeRateLimit = { perSecond: 1, burst: 3 };
/** chat.update is Tier 3: 50 or more a minute. */
const SLACK_UPDATE_LIMIT: FakeRateLimit = { perSecond: 50 / 60, burst: 3 };
const PR = 42;

let slack: FakeSlack | undefined;
let github: FakeGitHub | undefined;
afterEach(async () => {
  await slack?.close();
  await github?.close();
  slack = github = undefined;
});

interface Setup {
  clock: VirtualClock;
  postLimit?: FakeRateLimit;
  webhook?: boolean;
  prComment?: boolean;
}

async function pacedLaunch({ clock, postLimit = SLACK_POST_LIMIT, webhook = false, prComment = false }: Setup) {
  slack = await startFakeSlack({
    token: SECRETS.botToken,
    webhookPath: SECRETS.webhookPath,
    now: clock.now,
    rateLimits: { 'chat.postMessage': postLimit, 'chat.update': SLACK_UPDATE_LIMIT, webhook: postLimit },
  });
  if (prComment) github = await startFakeGitHub({ token: SECRETS.githubToken });
  const fakeSlack = slack;
  const fakeGitHub = github;
  const ctx = notifierContext({
    phases: PHASES,
    clock,
    notify: { slack: { mention_on_failure: MENTION }, github: { deployments: false } },
    endpoints: { slackApi: fakeSlack.apiUrl },
    ...(fakeGitHub && {
      run: {
        apiUrl: fakeGitHub.apiUrl,
        eventName: 'pull_request',
        event: { number: PR, pull_request: { number: PR, head: { sha: 'f'.repeat(40) } } },
      },
    }),
    settings: (s) => {
      if (webhook) s.slack.webhookUrl = fakeSlack.webhookUrl;
      else {
        s.slack.botToken = SECRETS.botToken;
        s.slack.channel = '#launches';
      }
      if (fakeGitHub) s.github.token = SECRETS.githubToken;
    },
  });
  const notifiers = createNotifiers(ctx);
  return { notifiers, ...launchOn(ctx, notifiers) };
}

const ids = phaseIds(PHASES);
const last = ids.at(-1)!;
const replies = (): PostedSlackMessage[] => slack!.messages.filter((m) => m.thread_ts);
const indexOf = (messages: { text?: string }[], pattern: RegExp): number => messages.findIndex((m) => pattern.test(m.text ?? ''));
/** The replies a bot sends for a 200-phase launch failing at its last phase, by kind. */
const CHATTER = /Phase .* verified|⚠️|rolled back in/;
const MUST = [
  /^❌ Phase Canary 199% failed/,
  new RegExp(`^${MENTION.replace(/[\^]/g, '\\^')} ↩️ Rolling back 200 phase`),
  /^↩️ Rollback finished/,
  /rolled back at phase 'canary-199'/,
];

describe('Slack under its per-channel rate limit', () => {
  it('a failing 200-phase launch: delivers the failure, the rollback with its mention and the outcome; counts what it drops', async () => {
    const clock = new VirtualClock();
    const { bus, script } = await pacedLaunch({ clock });
    // All at once: the worst burst, far more replies than one a second can carry.
    script.breachAndRollBack(ERROR_RATE_BREACH);
    await bus.flush();

    const sent = replies();
    const positions = MUST.map((pattern) => indexOf(sent, pattern));
    expect(positions.every((at) => at >= 0)).toBe(true);
    // In the order they happened.
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(sent[positions[1]!]!.reply_broadcast).toBe(true);

    // 199 phases verified, the breach, 200 rollback steps: whatever was not sent is counted.
    const chatterSent = sent.filter((m) => CHATTER.test(m.text ?? '')).length;
    expect(sent).toHaveLength(chatterSent + MUST.length);
    const [warning, ...others] = warningsOf(bus);
    expect(others).toEqual([]);
    expect(warning).toMatchObject({ source: 'slack-bot', dropped: 400 - chatterSent });
    expect(warning!.dropped).toBeGreaterThan(300);
    expect(warning!.message).not.toContain('not sent within');
    expect(renderSummary(bus.history)).toContain(
      `📭 Notifications dropped under rate limits or the end-of-launch deadline: ${400 - chatterSent} by \`slack-bot\``,
    );

    // The pacing kept to the documented rate: Slack never had to refuse a post.
    expect(slack!.rateLimited['chat.postMessage']).toBe(0);
    const live = slack!.messages.find((m) => !m.thread_ts)!;
    expect(`${live.text} ${JSON.stringify(live.blocks)}`).toContain('↩️ 200 rolled back');
  });

  it("sends what matters first within a cancelled run's 2 s flush, and still reports its count", async () => {
    const clock = new VirtualClock();
    const { bus, script } = await pacedLaunch({ clock });
    script.breachAndRollBack(ERROR_RATE_BREACH);
    await bus.flush(2000);

    // One a second after a burst of three, the live message first: four posts fit in what the queue takes of 2 s.
    expect(replies().map((m) => m.text)).toEqual(MUST.slice(0, 3).map((pattern) => expect.stringMatching(pattern)));
    const [warning, ...others] = warningsOf(bus);
    expect(others).toEqual([]);
    // All 400 chatter replies, and the outcome reply that no longer fitted: the summary counts them, nothing is silently lost.
    expect(warning).toMatchObject({ source: 'slack-bot', dropped: 401 });
    expect(warning!.message).toContain("1 message(s) dropped: not sent within 1.667 s of the launch's end");
    expect(slack!.messages.find((m) => !m.thread_ts)!.text).toContain('rolled back at phase');
  });

  it('waits out the 429s of a Slack stricter than the pacing, and still delivers what matters', async () => {
    const clock = new VirtualClock();
    const { bus, script } = await pacedLaunch({ clock, postLimit: { perSecond: 1, burst: 1 } });
    script.breachAndRollBack(ERROR_RATE_BREACH);
    await bus.flush();

    expect(slack!.rateLimited['chat.postMessage']).toBeGreaterThan(0);
    for (const pattern of MUST) expect(indexOf(replies(), pattern)).toBeGreaterThanOrEqual(0);
    // Each refused post was retried after its Retry-After: no `ratelimited` failure among the warnings.
    expect(warningsOf(bus)).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^\d+ progress message\(s\) dropped[^;]*$/) }),
    ]);
  });

  it('gives a webhook the same priorities: phase results give way to the failure, rollback and outcome', async () => {
    const clock = new VirtualClock();
    const { bus, script } = await pacedLaunch({ clock, webhook: true });
    script.breachAndRollBack(ERROR_RATE_BREACH);
    await bus.flush();

    const posts = slack!.webhookPosts;
    const failed = indexOf(posts, /Phase Canary 199% failed/);
    const rollback = indexOf(posts, /Rolling back 200 phase/);
    const outcome = indexOf(posts, /rolled back at phase 'canary-199'/);
    expect(failed).toBeGreaterThan(0);
    expect(rollback).toBeGreaterThan(failed);
    expect(outcome).toBeGreaterThan(rollback);
    expect(posts[rollback]!.text).toContain(MENTION);
    const verified = posts.filter((p) => / verified in /.test(p.text ?? '')).length;
    expect(posts).toHaveLength(verified + 4);
    expect(warningsOf(bus)).toEqual([expect.objectContaining({ source: 'slack-webhook', dropped: 199 - verified })]);
  });
});

describe('Coalesced edits of the live message and the PR comment', () => {
  /** A launch that gives the notifiers time between phases: every completion could be an edit. */
  async function slowFailingLaunch(
    clock: VirtualClock,
    notifiers: Subscriber[],
    script: Awaited<ReturnType<typeof pacedLaunch>>['script'],
  ) {
    const pause = async (ms: number): Promise<void> => {
      await settled(notifiers);
      clock.advance(ms);
    };
    script.start();
    for (const id of ids.slice(0, -1)) {
      await pause(3000);
      script.pass(id);
    }
    await pause(3000);
    script.fail(last, ERROR_RATE_BREACH);
    script.startRollback([...ids].reverse(), `phase '${last}' failed`);
    for (const id of [...ids].reverse()) {
      await pause(1500);
      script.undo(id);
    }
    script.endRollback().finish('rolled_back', { failedPhase: last, reason: 'error rate too high' });
  }

  it('edits each at most ~30 times over a 200-phase launch and its rollback, the last edit showing the final state', async () => {
    const clock = new VirtualClock();
    const { bus, script, notifiers } = await pacedLaunch({ clock, prComment: true });
    expect(notifiers.map((n) => n.name)).toEqual(['slack-bot', 'github-pr-comment']);
    await slowFailingLaunch(clock, notifiers, script);
    await bus.flush();
    expect(warningsOf(bus)).toEqual([]);

    const updates = slack!.server.requests.filter((r) => r.path === '/api/chat.update');
    expect(updates.length).toBeGreaterThanOrEqual(20);
    expect(updates.length).toBeLessThanOrEqual(30);
    const lastUpdate = JSON.parse(updates.at(-1)!.body) as { text: string; blocks: unknown[] };
    expect(lastUpdate.text).toContain("rolled back at phase 'canary-199'");
    expect(JSON.stringify(lastUpdate.blocks)).toContain('↩️ 200 rolled back');
    // Every phase and step still has its reply: a slow launch drops nothing.
    expect(replies()).toHaveLength(199 + 1 + 2 + 200 + 2);

    const patches = github!.server.requests.filter((r) => r.method === 'PATCH');
    const writes = github!.server.requests.filter((r) => r.method === 'PATCH' || r.method === 'POST');
    expect(patches.length).toBeGreaterThanOrEqual(20);
    expect(writes.length).toBeLessThanOrEqual(30);
    const [comment] = github!.comments;
    expect(github!.comments).toHaveLength(1);
    expect((JSON.parse(writes.at(-1)!.body) as { body: string }).body).toBe(comment!.body);
    expect(comment!.body).toContain("rolled back at phase 'canary-199'");
    expect(comment!.body).not.toMatch(/rolling back|⚙️/);
  });

  it('writes the final state at the flush even when the launch never finished (a cancelled run)', async () => {
    const clock = new VirtualClock();
    const { bus, script, notifiers } = await pacedLaunch({ clock, prComment: true });
    script.start();
    await settled(notifiers);
    for (const id of ids.slice(0, -1)) script.pass(id);
    await settled(notifiers);
    // A change no rule edits for at once, and then no finish: only the flush shows it.
    script.bus.emit({ type: 'phase.state', phase: last, from: 'pending', to: 'executing' });
    await bus.flush();

    expect(github!.comments[0]!.body).toContain('| ⚙️ | Canary 199% `canary-199` | running |');
    const live = slack!.messages.find((m) => !m.thread_ts)!;
    expect(JSON.stringify(live.blocks)).toContain('✅ 199 verified · ⚙️ 1 running');
  });
});
