import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNotifiers } from '../../src/notify';
import { forbidden, primaryRateLimit, secondaryRateLimit, startFakeGitHub, type FakeGitHub } from '../fakes/github';
import { startServer } from '../support/http-server';
import { waitFor } from '../support/wait-for';
import {
  ERROR_RATE_BREACH,
  GITHUB_MS_PER_SECOND,
  RUN_URL,
  SECRETS,
  SHA,
  launchOn,
  notifierContext,
  warningsOf,
  type ContextOptions,
} from './harness';

let github: FakeGitHub;
beforeEach(async () => {
  github = await startFakeGitHub({ token: SECRETS.githubToken });
});
afterEach(() => github.close());

function githubLaunch(options: ContextOptions = {}) {
  const ctx = notifierContext({
    ...options,
    run: { apiUrl: github.apiUrl, ...options.run },
    settings: (s) => {
      s.github.token = SECRETS.githubToken;
    },
  });
  return { ctx, ...launchOn(ctx, createNotifiers(ctx)) };
}

/** A deployment of ours as an earlier launch would have left it. */
function seed(version: string, states: Parameters<FakeGitHub['seedDeployment']>[0]['states'], extra: Record<string, unknown> = {}) {
  return github.seedDeployment({
    environment: 'production',
    states,
    payload: {
      tool: 'launch-action',
      mode: 'launch',
      launch_id: `old-${version}`,
      version,
      spec_digest: 'sha256:old',
      phases: ['migrate'],
      run_id: '100',
      run_attempt: '1',
      ...extra,
    },
  });
}

describe('GitHub deployments', () => {
  it('records a successful launch: in_progress then success, with the payload, log and environment URLs', async () => {
    const { bus, script } = githubLaunch();
    script.succeed();
    await bus.flush();

    expect(warningsOf(bus)).toEqual([]);
    const [deployment] = github.deployments;
    expect(deployment).toMatchObject({
      ref: SHA,
      environment: 'production',
      required_contexts: [],
      auto_merge: false,
      transient_environment: false,
      payload: {
        tool: 'launch-action',
        mode: 'launch',
        version: '1.4.0',
        previous_version: '1.3.9',
        spec_digest: 'sha256:0f1e2d',
        phases: ['migrate', 'canary-1', 'canary-2'],
        launch_id: '4242-1',
        run_id: '4242',
        run_attempt: '1',
      },
    });
    for (const request of github.server.requests) {
      expect(request.headers).toMatchObject({
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        authorization: `token ${SECRETS.githubToken}`,
      });
      expect(request.headers['user-agent']).toMatch(/^launch-action octokit-core/);
    }
    expect(deployment!.statuses).toEqual([
      expect.objectContaining({
        state: 'in_progress',
        log_url: RUN_URL,
        environment_url: 'https://shop.example.com',
        description: 'Launching: checkout 1.4.0 → production',
      }),
      expect.objectContaining({ state: 'success', log_url: RUN_URL, description: 'succeeded (4m12s)' }),
    ]);
  });

  it('records an automatic rollback as failure, then inactive', async () => {
    const { bus, script } = githubLaunch();
    script.breachAndRollBack(ERROR_RATE_BREACH);
    await bus.flush();
    const [deployment] = github.deployments;
    expect(github.statesOf(deployment!.id)).toEqual(['in_progress', 'failure', 'inactive']);
    expect(deployment!.statuses[1]!.description).toMatch(/^rolled back at phase 'canary-2'/);
    expect(deployment!.statuses[1]!.description.length).toBeLessThanOrEqual(140);
  });

  it('records a failed rollback as failure, leaving the deployment active', async () => {
    const { bus, script } = githubLaunch();
    script.breachAndRollBack(ERROR_RATE_BREACH, ['canary-1']);
    await bus.flush();
    expect(github.statesOf(github.deployments[0]!.id)).toEqual(['in_progress', 'failure']);
  });

  it('records a manual rollback as a deployment of the version it returns to, and marks the undone one inactive', async () => {
    const good = seed('1.3.9', ['in_progress', 'success'], { run_id: '90' });
    const bad = seed('1.4.0', ['in_progress', 'success'], { previous_version: '1.3.9' });
    const { bus, script } = githubLaunch({ mode: 'rollback', version: undefined, previousVersion: '1.3.9', run: { runId: '5000' } });
    script.manualRollback();
    await bus.flush();

    expect(warningsOf(bus)).toEqual([]);
    const rollback = github.deployments.at(-1)!;
    expect(rollback.payload).toMatchObject({
      mode: 'rollback',
      version: '1.3.9',
      previous_version: '1.4.0',
      rolled_back_deployment: bad.id,
      run_id: '5000',
    });
    expect(rollback.sha).toBe(good.sha);
    expect(github.statesOf(rollback.id)).toEqual(['in_progress', 'success']);
    expect(github.statesOf(bad.id)).toEqual(['in_progress', 'success', 'inactive']);
    expect(bad.statuses.at(-1)!.description).toBe('Rolled back to 1.3.9');
    expect(github.statesOf(good.id)).toEqual(['in_progress', 'success']);
  });

  it('after a cancelled launch, the post step’s rollback marks that launch’s own deployment inactive', async () => {
    seed('1.3.9', ['in_progress', 'success']);
    const cancelled = seed('1.4.0', ['in_progress', 'failure'], { run_id: '4242', run_attempt: '1', launch_id: '4242-1' });
    const { bus, script } = githubLaunch({ mode: 'rollback' });
    script.manualRollback();
    await bus.flush();
    expect(github.deployments).toHaveLength(2);
    expect(github.statesOf(cancelled.id)).toEqual(['in_progress', 'failure', 'in_progress', 'inactive']);
  });

  it('on a pull request deploys the head commit to a transient environment', async () => {
    const { bus, script } = githubLaunch({
      environment: 'pr-42',
      run: { eventName: 'pull_request', event: { number: 42, pull_request: { number: 42, head: { sha: 'f'.repeat(40) } } } },
    });
    script.succeed();
    await bus.flush();
    expect(github.deployments[0]).toMatchObject({ ref: 'f'.repeat(40), environment: 'pr-42', transient_environment: true });
  });

  it('warns clearly when GitHub answers 202 without creating a deployment, and writes no status', async () => {
    github.answerNext('create-deployment', { status: 202, body: { message: 'Auto-merged main into topic-branch on deployment.' } });
    const { bus, script } = githubLaunch();
    script.succeed();
    await bus.flush();
    expect(warningsOf(bus)).toEqual([
      expect.objectContaining({
        source: 'github-deployments',
        message:
          "GitHub created no deployment for 'production' (HTTP 202: Auto-merged main into topic-branch on deployment.)" +
          '; its statuses are skipped',
      }),
    ]);
    expect(github.server.requests.filter((r) => r.path.endsWith('/statuses'))).toEqual([]);
  });

  it('warns clearly on 409', async () => {
    github.answerNext('create-deployment', { status: 409, body: { message: 'Conflict: Commit status checks failed for main.' } });
    const { bus, script } = githubLaunch();
    script.breachAndRollBack(ERROR_RATE_BREACH);
    await bus.flush();
    expect(warningsOf(bus).map((w) => w.message)).toEqual([
      "GitHub refused the deployment for 'production' (HTTP 409: Conflict: Commit status checks failed for main.)" +
        '; its statuses are skipped',
    ]);
    expect(bus.history.at(-2)).toMatchObject({ type: 'launch.finished', status: 'rolled_back' });
  });

  describe('rate limits', () => {
    const statusWrites = () => github.server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/statuses'));
    /** ms between the first request on a path and its retry */
    const waited = (requests: { at: number }[]) => requests[1]!.at - requests[0]!.at;
    const seconds = (n: number) => n * GITHUB_MS_PER_SECOND;

    it.each([403, 429] as const)(
      'a secondary limit (%i) without retry-after is waited out for the minute GitHub asks, and the final status is written',
      async (status) => {
        const { bus, script } = githubLaunch();
        script.start();
        await waitFor(() => github.deployments[0]?.statuses.length === 1, 'the in_progress status');
        github.answerNext('create-status', secondaryRateLimit({ status }));
        for (const id of ['migrate', 'canary-1', 'canary-2']) script.pass(id);
        script.finish('succeeded');
        await bus.flush();

        expect(warningsOf(bus)).toEqual([]);
        expect(github.statesOf(github.deployments[0]!.id)).toEqual(['in_progress', 'success']);
        const [, refused, retried] = statusWrites();
        expect(retried!.at - refused!.at).toBeGreaterThanOrEqual(seconds(60) - 2);
      },
    );

    it('a secondary limit with retry-after waits that long, not the minute', async () => {
      github.answerNext('create-status', secondaryRateLimit({ retryAfterSeconds: 10 }));
      const { bus, script } = githubLaunch();
      script.succeed();
      await bus.flush();
      expect(warningsOf(bus)).toEqual([]);
      expect(github.statesOf(github.deployments[0]!.id)).toEqual(['in_progress', 'success']);
      const wait = waited(statusWrites());
      expect(wait).toBeGreaterThanOrEqual(seconds(10) - 2);
      expect(wait).toBeLessThan(seconds(60));
    });

    it.each([403, 429] as const)('a primary limit (%i) waits until x-ratelimit-reset', async (status) => {
      github.answerNext('create-deployment', primaryRateLimit(20, status));
      const { bus, script } = githubLaunch();
      script.succeed();
      await bus.flush();
      expect(warningsOf(bus)).toEqual([]);
      const wait = waited(github.server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/deployments')));
      expect(wait).toBeGreaterThanOrEqual(seconds(20) - 2);
      expect(wait).toBeLessThan(seconds(60));
      expect(github.statesOf(github.deployments[0]!.id)).toEqual(['in_progress', 'success']);
    });

    it('does not wait an hour for a primary limit: it reports the reset and stops, and the launch goes on', async () => {
      github.answerNext('create-deployment', primaryRateLimit(3600));
      const { bus, script } = githubLaunch();
      script.succeed();
      await bus.flush();
      expect(github.server.requests).toHaveLength(1);
      expect(warningsOf(bus).map((w) => w.message)).toEqual([
        expect.stringMatching(
          /^GitHub POST \/deployments: HTTP 403: API rate limit exceeded .*\(rate limit resets at .*\); nothing more is sent for this launch$/,
        ),
      ]);
      expect(bus.history.at(-2)).toMatchObject({ type: 'launch.finished', status: 'succeeded' });
    });

    it('a 403 that is no rate limit is not retried: a missing permission is reported once', async () => {
      github.answerNext('create-deployment', forbidden());
      const { bus, script } = githubLaunch();
      script.succeed();
      await bus.flush();
      expect(github.server.requests).toHaveLength(1);
      expect(warningsOf(bus).map((w) => w.message)).toEqual([
        'GitHub POST /deployments: HTTP 403: Resource not accessible by integration; nothing more is sent for this launch',
      ]);
    });

    it('retries a 5xx after a backoff', async () => {
      github.answerNext('create-status', { status: 502, body: { message: 'Server Error' } });
      const { bus, script } = githubLaunch();
      script.succeed();
      await bus.flush();
      expect(warningsOf(bus)).toEqual([]);
      expect(waited(statusWrites())).toBeGreaterThanOrEqual(seconds(1) - 2);
      expect(github.statesOf(github.deployments[0]!.id)).toEqual(['in_progress', 'success']);
    });

    it('a GitHub that answers nothing is retried, then reported once, and the launch goes on', async () => {
      const closed = await startFakeGitHub({ token: SECRETS.githubToken });
      await closed.close();
      const { bus, script } = githubLaunch({ run: { apiUrl: closed.apiUrl } });
      script.succeed();
      await bus.flush();
      expect(warningsOf(bus).map((w) => w.message)).toEqual([
        expect.stringMatching(
          /^GitHub POST \/deployments: no response after 3 tries: .*ECONNREFUSED.*; nothing more is sent for this launch$/,
        ),
      ]);
      expect(bus.history.at(-2)).toMatchObject({ type: 'launch.finished', status: 'succeeded' });
    });

    it('gives each try its own deadline: a hung GitHub costs the tries, not the launch', async () => {
      const hung = await startServer(() => undefined);
      const { bus, script } = githubLaunch({ run: { apiUrl: hung.url }, githubPacing: { timeoutMs: 100 } });
      script.succeed();
      await bus.flush();
      await hung.close();
      expect(hung.requests).toHaveLength(3);
      expect(warningsOf(bus).map((w) => w.message)).toEqual([
        expect.stringMatching(/^GitHub POST \/deployments: no response after 3 tries: .*timeout.*; nothing more is sent/),
      ]);
    });

    it('spaces writes, the deployment’s and the PR comment’s together', async () => {
      const spacing = 200;
      seed('1.3.9', ['in_progress', 'success'], { run_id: '90' });
      seed('1.4.0', ['in_progress', 'success'], { previous_version: '1.3.9' });
      // A manual rollback reads the history first, so no write pays for the first connection.
      const { bus, script } = githubLaunch({
        mode: 'rollback',
        previousVersion: '1.3.9',
        githubPacing: { writeSpacingMs: spacing },
        run: {
          runId: '5000',
          eventName: 'pull_request',
          event: { number: 42, pull_request: { number: 42, head: { sha: 'f'.repeat(40) } } },
        },
      });
      script.manualRollback();
      await bus.flush();
      expect(warningsOf(bus)).toEqual([]);
      const writes = github.server.requests.filter((r) => r.method !== 'GET').sort((a, b) => a.at - b.at);
      expect(writes.map((r) => `${r.method} ${r.path.replace(/\d+/g, 'N')}`).sort()).toEqual([
        'POST /repos/acme/shop/deployments',
        'POST /repos/acme/shop/deployments/N/statuses',
        'POST /repos/acme/shop/deployments/N/statuses',
        'POST /repos/acme/shop/deployments/N/statuses',
        'POST /repos/acme/shop/issues/N/comments',
      ]);
      // Spacing is of when writes are let go; arrival here adds the client's own jitter
      // (tens of ms for each endpoint's first call in a cold process).
      const gaps = writes.slice(1).map((r, i) => r.at - writes[i]!.at);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(spacing - 50);
    });
  });
});
