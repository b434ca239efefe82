import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { runAction } from '../support/run-action';
import { phase, workspace } from '../support/workspace';
import { isAlive } from '../support/process';
import { waitFor } from '../support/wait-for';
import { startServer } from '../support/http-server';

describe('node dist/index.js as the runner runs it', () => {
  it('launches, sets outputs, writes the report and the job summary', async () => {
    const ws = workspace(
      `launch:\n  environment: staging\n  environment_url: https://staging.example.com\n` +
        `  phases:${phase('migrate', 'true')}${phase('deploy', 'test "$LAUNCH_VERSION" = 2.0.0')}\n`,
    );
    const run = await runAction({ inputs: { spec: 'launch.yml', version: '2.0.0', 'working-directory': ws.dir }, cwd: ws.dir });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['environment-url']).toBe('https://staging.example.com');
    expect(run.outputs.status).toBe('succeeded');
    expect(run.outputs['failed-phase']).toBe('');
    expect(Number(run.outputs['duration-ms'])).toBeGreaterThanOrEqual(0);
    expect(ws.log()).toEqual(['run migrate', 'run deploy']);
    const report = JSON.parse(readFileSync(run.outputs.report!, 'utf8'));
    expect(report.status).toBe('succeeded');
    expect(report.events.map((e: { type: string }) => e.type)).toContain('phase.verified');
    expect(report.events.every((e: { time: string }) => !Number.isNaN(Date.parse(e.time)))).toBe(true);
    expect(run.summary).toContain('Launch succeeded');
    expect(run.summary).toMatch(/\| `migrate` \| ✅ verified \|/);
    expect(run.summary).toContain('```mermaid\ngantt');
    expect(run.state.finished).toBe('true');
    expect(run.stdout).toContain('::group::▶ migrate');
  });

  it('rolls back in reverse order after a failed gate and fails the step', async () => {
    const ws = workspace(`launch:
  phases:${phase('migrate', 'true')}${phase('deploy', 'true')}${phase(
    'traffic',
    'true',
    `
      gates:
        - type: command
          name: error-budget
          command: echo "error budget exhausted" >&2; exit 1`,
  )}
`);
    const run = await runAction({ inputs: { spec: 'launch.yml', 'working-directory': ws.dir }, cwd: ws.dir });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('rolled_back');
    expect(run.outputs['failed-phase']).toBe('traffic');
    // traffic's gate failed before its command: it has nothing to undo, and its rollback is not run.
    expect(ws.log()).toEqual(['run migrate', 'run deploy', 'rollback deploy', 'rollback migrate']);
    expect(run.stdout).toMatch(/traffic.*: not started, nothing to undo/);
    expect(run.stdout).toContain("::error::Launch rolled_back at phase 'traffic'");
    expect(run.summary).toContain('error budget exhausted');
    expect(run.summary).toContain('section Rollback');
  });

  it('kills the whole command tree on a phase timeout', async () => {
    const ws = workspace(`launch:
  kill_grace: 1s
  phases:
    - id: hang
      timeout: 500ms
      run: sleep 120 & echo $! > child.pid; wait
`);
    const run = await runAction({ inputs: { spec: 'launch.yml', 'working-directory': ws.dir }, cwd: ws.dir });
    expect(run.outputs.status).toBe('rolled_back');
    expect(run.stdout).toContain('timed out after 500 ms');
    const child = Number(readFileSync(join(ws.dir, 'child.pid'), 'utf8'));
    expect(isAlive(child)).toBe(false);
  });

  it('reports a failing rollback step loudly and still runs the rest', async () => {
    const ws = workspace(`launch:
  phases:${phase('a', 'true')}
    - id: b
      run: "true"
      rollback: echo "db restore failed" >&2; exit 5${phase('c', 'exit 1')}
`);
    const run = await runAction({ inputs: { spec: 'launch.yml', 'working-directory': ws.dir }, cwd: ws.dir });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('rollback_failed');
    expect(ws.log()).toEqual(['run a', 'run c', 'rollback c', 'rollback a']);
    expect(run.stdout).toContain('::error::‼ ROLLBACK FAILED for b: rollback exited with code 5: db restore failed');
    expect(run.summary).toContain('ROLLBACK FAILED');
  });

  it('rejects an invalid spec with an annotation on its line, running nothing', async () => {
    const ws = workspace(`launch:
  phases:
    - id: deploy
      run: touch ran.marker
      timeout_ms: -5
`);
    const run = await runAction({ inputs: { spec: 'launch.yml', 'working-directory': ws.dir }, cwd: ws.dir });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('failed');
    expect(run.stdout).toContain(
      '::error title=Invalid launch spec,file=launch.yml,line=5,col=19::launch.phases[0].timeout_ms: expected a positive duration',
    );
    expect(existsSync(join(ws.dir, 'ran.marker'))).toBe(false);
  });

  it('rejects a malformed vars input before anything runs', async () => {
    const ws = workspace(`launch:\n  phases:${phase('a', 'true')}\n`);
    const run = await runAction({ inputs: { spec: 'launch.yml', vars: 'GOOD=1\nnot a pair', 'working-directory': ws.dir }, cwd: ws.dir });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('::error::vars line 2: expected NAME=value');
    expect(ws.log()).toEqual([]);
  });

  it('plans without running anything', async () => {
    const ws = workspace(`launch:\n  phases:${phase('a', 'true')}${phase('b', 'true')}\n`);
    const run = await runAction({ inputs: { spec: 'launch.yml', mode: 'plan', 'working-directory': ws.dir }, cwd: ws.dir });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('planned');
    expect(run.stdout).toContain('Rollback order on failure: b → a');
    expect(ws.log()).toEqual([]);
  });

  it('on SIGINT stops the command, saves the started phases, and the post step rolls them back', async () => {
    const deploy = phase('deploy', 'sleep 120 & echo $! > child.pid; echo deploy-in-progress; wait');
    const ws = workspace(`launch:
  kill_grace: 1s
  phases:${phase('migrate', 'true')}${deploy}${phase('traffic', 'true')}
`);
    const inputs = { spec: 'launch.yml', 'working-directory': ws.dir };
    const main = await runAction({ inputs, cwd: ws.dir, interruptWhen: 'deploy-in-progress' });
    expect(main.exitCode).not.toBe(0);
    expect([main.state['started-0'], main.state['started-1'], main.state['started-2']]).toEqual(['migrate', 'deploy', undefined]);
    expect(main.state.finished).toBeUndefined();
    expect(ws.log()).toEqual(['run migrate', 'run deploy']);
    const child = Number(readFileSync(join(ws.dir, 'child.pid'), 'utf8'));
    await waitFor(() => !isAlive(child), 'the cancelled command tree to be gone', 5000);

    const post = await runAction({ inputs, cwd: ws.dir, state: main.state });
    expect(post.exitCode).toBe(0);
    expect(ws.log()).toEqual(['run migrate', 'run deploy', 'rollback deploy', 'rollback migrate']);
    expect(post.summary).toContain('Launch rolled back');
  });

  it("on cancellation, notifiers that hang cannot keep the step past the runner's kill: outputs and summary are written", async () => {
    const hanging = await startServer(() => undefined);
    try {
      const ws = workspace(`launch:\n  phases:${phase('deploy', 'sleep 120 & echo $! > child.pid; echo deploying; wait')}\n`);
      const run = await runAction({
        inputs: { spec: 'launch.yml', 'working-directory': ws.dir, 'slack-webhook-url': `${hanging.url}/hook`, 'github-token': 'ghs_x' },
        env: { GITHUB_API_URL: hanging.url, GITHUB_REPOSITORY: 'acme/shop', GITHUB_RUN_ID: '9' },
        cwd: ws.dir,
        interruptWhen: 'deploying',
      });
      // Killed by the emulated runner (SIGKILL at 10 s) would leave no outputs and no summary.
      expect(run.exitCode).toBe(1);
      expect(run.outputs.status).toBe('failed');
      expect(run.summary).toContain('Launch failed');
      expect(run.state['started-0']).toBe('deploy');
    } finally {
      await hanging.close();
    }
  });

  it('a cancellation during the end-of-launch flush (hung notifiers) still leaves outputs and summary before the kill', async () => {
    const hanging = await startServer(() => undefined);
    try {
      const ws = workspace(`launch:\n  phases:${phase('deploy', 'true')}\n`);
      const run = await runAction({
        inputs: { spec: 'launch.yml', 'working-directory': ws.dir, 'slack-webhook-url': `${hanging.url}/hook`, 'github-token': 'ghs_x' },
        env: { GITHUB_API_URL: hanging.url, GITHUB_REPOSITORY: 'acme/shop', GITHUB_RUN_ID: '9' },
        cwd: ws.dir,
        // The launch is over and its notifiers wait on a server that never answers: the flush has begun.
        interruptWhen: 'launch succeeded',
      });
      // The 90 s flush would outlast the runner's SIGKILL at 10 s: no outputs, no summary.
      expect(run.outputs.status, run.stdout).toBe('succeeded');
      expect(run.summary).toContain('Launch succeeded');
      expect(run.stdout).toContain('did not finish within 2000 ms of the cancellation');
      expect(run.state.finished).toBe('true');
    } finally {
      await hanging.close();
    }
  });

  it('post step does nothing after a finished launch', async () => {
    const ws = workspace(`launch:\n  phases:${phase('a', 'true')}\n`);
    const inputs = { spec: 'launch.yml', 'working-directory': ws.dir };
    const main = await runAction({ inputs, cwd: ws.dir });
    const post = await runAction({ inputs, cwd: ws.dir, state: main.state });
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain('nothing to undo');
    expect(ws.log()).toEqual(['run a']);
  });

  it('manual rollback mode runs every rollback in reverse with the previous version', async () => {
    const ws = workspace(`launch:
  phases:
    - { id: a, run: "false", rollback: 'echo "rollback a $LAUNCH_PREVIOUS_VERSION" >> commands.log' }
    - { id: b, run: "false", rollback: 'echo "rollback b $LAUNCH_PREVIOUS_VERSION" >> commands.log' }
`);
    const run = await runAction({
      inputs: { spec: 'launch.yml', mode: 'rollback', 'previous-version': '1.4.2', 'working-directory': ws.dir },
      cwd: ws.dir,
    });
    expect(run.outputs.status).toBe('rolled_back');
    expect(ws.log()).toEqual(['rollback b 1.4.2', 'rollback a 1.4.2']);
  });

  it('masks secret inputs and redacts them from the summary and report, even when a command prints one', async () => {
    const secret = 'prom-super-secret-token-123';
    const ws = workspace(`launch:\n  phases:\n    - { id: a, run: 'echo "value is $API_VALUE"; exit 1' }\n`);
    const run = await runAction({
      inputs: { spec: 'launch.yml', 'working-directory': ws.dir, 'prometheus-token': secret, vars: `API_VALUE=${secret}` },
      cwd: ws.dir,
    });
    expect(run.stdout).toContain(`::add-mask::${secret}`);
    // The failing command's last line becomes the failure reason, which the summary and report show.
    expect(run.summary).toContain('value is ***');
    expect(run.summary).not.toContain(secret);
    const report = readFileSync(run.outputs.report!, 'utf8');
    expect(report).toContain('value is ***');
    expect(report).not.toContain(secret);
  });

  it('masks variables whose names say they hold a credential, and keeps action inputs from commands', async () => {
    const ws = workspace(
      `launch:\n  phases:\n    - { id: a, run: 'echo "token input: [\${INPUT_GITHUB-}-TOKEN] [$(printenv INPUT_GITHUB-TOKEN)]"' }\n`,
    );
    const run = await runAction({
      inputs: {
        spec: 'launch.yml',
        'working-directory': ws.dir,
        'github-token': 'ghs_inputtoken',
        vars: 'REGISTRY_PASSWORD=hunter2-hunter2',
      },
      cwd: ws.dir,
    });
    expect(run.stdout).toContain('::add-mask::hunter2-hunter2');
    expect(run.stdout).toContain('token input: [-TOKEN] []');
  });
});
