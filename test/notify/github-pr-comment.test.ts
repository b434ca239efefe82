import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNotifiers } from '../../src/notify';
import { startFakeGitHub, type FakeGitHub } from '../fakes/github';
import { ERROR_RATE_BREACH, RUN_URL, SECRETS, launchOn, notifierContext, warningsOf, type ContextOptions } from './harness';

let github: FakeGitHub;
beforeEach(async () => {
  github = await startFakeGitHub({ token: SECRETS.githubToken });
});
afterEach(() => github.close());

const PR = 42;

function prLaunch(options: ContextOptions = {}) {
  const ctx = notifierContext({
    environment: 'staging',
    notify: { github: { deployments: false } },
    ...options,
    run: {
      apiUrl: github.apiUrl,
      eventName: 'pull_request',
      event: { number: PR, pull_request: { number: PR, head: { sha: 'f'.repeat(40) } } },
    },
    settings: (s) => {
      s.github.token = SECRETS.githubToken;
    },
  });
  const notifiers = createNotifiers(ctx);
  expect(notifiers.map((n) => n.name)).toEqual(['github-pr-comment']);
  return launchOn(ctx, notifiers);
}

const ours = () => github.comments.filter((c) => c.body.includes('<!-- launch-action:env=staging -->'));

describe('PR comment', () => {
  it('creates one comment with the status table and a link to the run', async () => {
    const { bus, script } = prLaunch();
    script.succeed();
    await bus.flush();

    expect(warningsOf(bus)).toEqual([]);
    expect(ours()).toHaveLength(1);
    const body = ours()[0]!.body;
    expect(body).toContain('### ✅ checkout 1.4.0 → staging: succeeded (4m12s)');
    expect(body).toContain('| ✅ | Database migration `migrate` | verified | 1.5s |  |');
    expect(body).toContain(`[Workflow run](${RUN_URL})`);
    expect(github.server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('edits the same comment on a second run instead of adding another', async () => {
    github.seedComment(PR, 'Looks good to me');
    const first = prLaunch();
    first.script.succeed();
    await first.bus.flush();
    const id = ours()[0]!.id;

    const second = prLaunch();
    second.script.breachAndRollBack(ERROR_RATE_BREACH);
    await second.bus.flush();

    expect(warningsOf(second.bus)).toEqual([]);
    expect(ours().map((c) => c.id)).toEqual([id]);
    expect(github.comments).toHaveLength(2);
    expect(github.comments[0]!.body).toBe('Looks good to me');
    expect(ours()[0]!.body).toContain('rolled back at phase');
    expect(ours()[0]!.body).toContain('error-rate (watch, phase canary-2) measured 0.12 against < 0.05');
  });

  it('finds its comment past the first page, and keeps one comment per environment', async () => {
    for (let i = 0; i < 120; i++) github.seedComment(PR, `comment ${i}`);
    const production = github.seedComment(PR, '<!-- launch-action:env=production -->\nold production launch');
    const staging = github.seedComment(PR, '<!-- launch-action:env=staging -->\nold staging launch');
    const { bus, script } = prLaunch();
    script.succeed();
    await bus.flush();
    expect(ours().map((c) => c.id)).toEqual([staging.id]);
    expect(staging.body).toContain('succeeded');
    expect(production.body).toBe('<!-- launch-action:env=production -->\nold production launch');
  });

  it('posts a new comment when its comment was deleted meanwhile', async () => {
    const stale = github.seedComment(PR, '<!-- launch-action:env=staging -->\nold');
    const { bus, script } = prLaunch();
    script.start();
    github.answerNext('update-comment', { status: 404, body: { message: 'Not Found' } });
    for (const id of ['migrate', 'canary-1', 'canary-2']) script.pass(id);
    script.finish('succeeded');
    await bus.flush();
    expect(warningsOf(bus)).toEqual([]);
    expect(ours().map((c) => c.id)).toEqual([stale.id, expect.any(Number)]);
    expect(ours()[1]!.body).toContain('succeeded');
  });

  it('escapes table cells and keeps a 200-phase table short', async () => {
    const { bus, script } = prLaunch({ phases: 200 });
    script.breachAndRollBack({ ...ERROR_RATE_BREACH, message: 'p99 | p50\nboth high' });
    await bus.flush();
    const body = ours()[0]!.body;
    expect(body).toContain('p99 \\| p50 both high');
    expect(body.split('\n').filter((line) => line.startsWith('| '))).toHaveLength(102);
    expect(body).toContain('…and 100 more phases');
  });
});
