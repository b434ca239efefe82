import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction } from '../support/run-action';
import { startFakeGitHub, type FakeGitHub } from '../fakes/github';

const TOKEN = 'ghs_manualRollbackToken123';

/** `mode: rollback` with no previous-version, as the workflow_dispatch rollback workflow runs it. */
describe('manual rollback through node dist/index.js', () => {
  let github: FakeGitHub;
  beforeEach(async () => {
    github = await startFakeGitHub({ token: TOKEN, owner: 'acme', repo: 'shop' });
  });
  afterEach(() => github.close());

  const seed = (version: string, states: Parameters<FakeGitHub['seedDeployment']>[0]['states']) =>
    github.seedDeployment({
      environment: 'production',
      states,
      payload: {
        tool: 'launch-action',
        mode: 'launch',
        launch_id: `l-${version}`,
        version,
        spec_digest: 'sha256:x',
        phases: ['deploy'],
        run_id: version,
        run_attempt: '1',
      },
    });

  it('returns to the last successful deployment before the live one and marks the live one inactive', async () => {
    seed('1.0.0', ['in_progress', 'success']);
    seed('1.1.0', ['in_progress', 'success']);
    seed('1.2.0', ['in_progress', 'failure', 'inactive']);
    const live = seed('1.3.0', ['in_progress', 'success']);

    const dir = mkdtempSync(join(tmpdir(), 'manual-rollback-'));
    writeFileSync(
      join(dir, 'launch.yml'),
      `launch:
  phases:
    - { id: deploy, run: "false", rollback: 'echo "deploy $LAUNCH_PREVIOUS_VERSION" >> rollback.log' }
`,
    );
    const run = await runAction({
      inputs: { spec: 'launch.yml', mode: 'rollback', environment: 'production', 'working-directory': dir, 'github-token': TOKEN },
      env: {
        GITHUB_API_URL: github.apiUrl,
        GITHUB_REPOSITORY: 'acme/shop',
        GITHUB_RUN_ID: '777',
        GITHUB_RUN_ATTEMPT: '1',
        GITHUB_SHA: 'abc123',
        GITHUB_EVENT_NAME: 'workflow_dispatch',
      },
      cwd: dir,
    });
    expect(run.outputs.status, run.stdout).toBe('rolled_back');
    // A manual rollback that rolled back did what was asked: the step succeeds, with no error annotation.
    expect(run.exitCode).toBe(0);
    expect(run.stdout).not.toMatch(/^::error/m);
    expect(readFileSync(join(dir, 'rollback.log'), 'utf8').trim()).toBe('deploy 1.1.0');
    expect(run.stdout).toContain('Rolling back to 1.1.0');
    expect(github.statesOf(live.id).at(-1)).toBe('inactive');
    // The runner learns what to mask from ::add-mask::; no other line may carry the token.
    expect(
      run.stdout
        .split('\n')
        .filter((line) => !line.startsWith('::add-mask::'))
        .join('\n'),
    ).not.toContain(TOKEN);
    expect(run.summary).not.toContain(TOKEN);
  });

  it('with no version to return to (no input, no deployment history), refuses before running anything, naming the input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manual-rollback-'));
    writeFileSync(
      join(dir, 'launch.yml'),
      `launch:\n  phases:\n    - { id: deploy, run: "true", rollback: 'echo "deploy [$LAUNCH_PREVIOUS_VERSION]" >> rollback.log' }\n`,
    );
    const run = await runAction({
      inputs: { spec: 'launch.yml', mode: 'rollback', environment: 'production', 'working-directory': dir, 'github-token': TOKEN },
      env: {
        GITHUB_API_URL: github.apiUrl,
        GITHUB_REPOSITORY: 'acme/shop',
        GITHUB_RUN_ID: '778',
        GITHUB_RUN_ATTEMPT: '1',
        GITHUB_SHA: 'abc123',
        GITHUB_EVENT_NAME: 'workflow_dispatch',
      },
      cwd: dir,
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('failed');
    expect(run.stdout).toMatch(/^::error::input 'previous-version': a manual rollback needs the version to return to/m);
    expect(() => readFileSync(join(dir, 'rollback.log'), 'utf8')).toThrow(/ENOENT/);
  });
});
