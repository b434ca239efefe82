import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveRollbackVersion } from '../../src/github/rollback-version';
import { startFakeGitHub, type FakeDeploymentState, type FakeGitHub } from '../fakes/github';
import { githubRepo, httpOptions, type NotifierContext } from '../../src/notify/context';
import { SECRETS, notifierContext } from '../notify/harness';

let github: FakeGitHub;
beforeEach(async () => {
  github = await startFakeGitHub({ token: SECRETS.githubToken });
});
afterEach(() => github.close());

function rollbackContext(run: { runId?: string; runAttempt?: string } = { runId: '9000' }) {
  return notifierContext({
    mode: 'rollback',
    version: undefined,
    previousVersion: undefined,
    run: { apiUrl: github.apiUrl, ...run },
    settings: (s) => {
      s.github.token = SECRETS.githubToken;
    },
  });
}

/** The look-up as the runner makes it: the repository's client from the notifier context. */
function lookUp(ctx: NotifierContext) {
  return resolveRollbackVersion(githubRepo(ctx, httpOptions(ctx)), ctx.launch.environment, ctx.run);
}

/** Deployments are listed newest first: seed them oldest first. */
function seed(version: string, states: FakeDeploymentState[], extra: Record<string, unknown> = {}, environment = 'production') {
  return github.seedDeployment({
    environment,
    states,
    payload: {
      tool: 'launch-action',
      mode: 'launch',
      launch_id: `launch-${version}`,
      version,
      spec_digest: 'sha256:x',
      phases: ['migrate'],
      run_id: '1',
      run_attempt: '1',
      ...extra,
    },
  });
}

describe('resolveRollbackVersion', () => {
  it('picks the last successful deployment before the live one, among several', async () => {
    seed('1.0.0', ['in_progress', 'success']);
    const good = seed('1.1.0', ['in_progress', 'success']);
    seed('1.2.0', ['in_progress', 'failure', 'inactive']); // rolled back automatically: never live
    seed('1.3.0', ['in_progress', 'failure']);
    seed('1.4.0', ['in_progress', 'success'], {}, 'staging'); // another environment
    seed('1.4.0', ['in_progress', 'success']);
    const live = seed('1.4.0', ['in_progress', 'success']); // the same version again: going back to it changes nothing
    github.seedDeployment({ environment: 'production', states: ['success'], payload: { version: '9.9.9' } }); // another tool's
    github.seedDeployment({ environment: 'production', states: ['success'], payload: 'not json' });

    expect(await lookUp(rollbackContext())).toEqual({
      version: '1.1.0',
      deploymentId: good.id,
      undoes: { deploymentId: live.id, version: '1.4.0' },
    });
  });

  it('skips a version that an earlier manual rollback undid', async () => {
    const first = seed('1.0.0', ['in_progress', 'success']);
    seed('1.1.0', ['in_progress', 'success']);
    const bad = seed('1.2.0', ['in_progress', 'success']);
    const back = seed('1.1.0', ['in_progress', 'success'], { mode: 'rollback', previous_version: '1.2.0', rolled_back_deployment: bad.id });
    seed('1.2.0', [], { mode: 'rollback', rolled_back_deployment: back.id }); // a rollback that never got going
    // Live: 1.1.0 (the rollback); 1.2.0 was undone, 1.1.0 is the same version: back to 1.0.0.
    expect(await lookUp(rollbackContext())).toEqual({
      version: '1.0.0',
      deploymentId: first.id,
      undoes: { deploymentId: back.id, version: '1.1.0' },
    });
  });

  it('after a cancelled launch, returns to the version that is still live', async () => {
    seed('1.0.0', ['in_progress', 'success']);
    const live = seed('1.1.0', ['in_progress', 'success']);
    const cancelled = seed('1.2.0', ['in_progress', 'failure'], { run_id: '4242', run_attempt: '2' });
    const result = await lookUp(rollbackContext({ runId: '4242', runAttempt: '2' }));
    expect(result).toEqual({ version: '1.1.0', deploymentId: live.id, undoes: { deploymentId: cancelled.id, version: '1.2.0' } });
  });

  it('understands GitHub’s auto-inactivated deployments in non-production environments', async () => {
    const one = seed('1.0.0', ['in_progress', 'success', 'inactive'], {}, 'staging');
    seed('1.1.0', ['in_progress', 'success'], {}, 'staging');
    const ctx = rollbackContext();
    ctx.launch.environment = 'staging';
    expect((await lookUp(ctx))?.deploymentId).toBe(one.id);
  });

  it('reads past the first page of deployments', async () => {
    const target = seed('0.9.0', ['success']);
    for (let i = 0; i < 120; i++) seed('1.0.0', ['success']);
    expect((await lookUp(rollbackContext()))?.deploymentId).toBe(target.id);
    expect(github.server.requests.filter((r) => r.path.endsWith('/deployments')).map((r) => r.query.get('page'))).toEqual(['1', '2']);
  });

  it('is undefined when there is nothing to go back to, or no token', async () => {
    seed('1.0.0', ['in_progress', 'success']);
    expect(await lookUp(rollbackContext())).toBeUndefined();
    const noToken = rollbackContext();
    noToken.settings.github.token = undefined;
    expect(await lookUp(noToken)).toBeUndefined();
  });

  it('throws a clear error when GitHub cannot be read', async () => {
    github.answerNext('list-deployments', { status: 404, body: { message: 'Not Found' } });
    await expect(lookUp(rollbackContext())).rejects.toThrow('GitHub GET /deployments: HTTP 404: Not Found');
  });
});
