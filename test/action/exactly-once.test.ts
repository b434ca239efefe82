import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction } from '../support/run-action';
import { phase, workspace } from '../support/workspace';
import { isAlive } from '../support/process';
import { tinyDisk } from '../support/tiny-disk';

const pids = (dir: string, ...names: string[]): number[] => names.map((name) => Number(readFileSync(join(dir, name), 'utf8')));

describe.concurrent('exactly-once rollback through dist/, with the runner’s faults', () => {
  it('a finished launch whose outputs and summary cannot be written (missing directory) is not rolled back by the post step', async () => {
    const ws = workspace(`launch:\n  phases:${phase('a', 'true')}\n`);
    const inputs = { spec: 'launch.yml', 'working-directory': ws.dir };
    const missing = join(ws.dir, 'no-such-dir');
    const main = await runAction({
      inputs,
      cwd: ws.dir,
      files: { GITHUB_OUTPUT: join(missing, 'output'), GITHUB_STEP_SUMMARY: join(missing, 'summary') },
    });
    expect(main.exitCode).toBe(0);
    expect(main.stdout).toContain('::warning::Could not write the step outputs');
    expect(main.stdout).toContain('::warning::Could not write the job summary');
    const post = await runAction({ inputs, cwd: ws.dir, state: main.state });
    expect(post.stdout).toContain('nothing to undo');
    expect(ws.log()).toEqual(['run a']);
  });

  it('a finished launch whose outputs and summary sit on a full disk is not rolled back', async () => {
    const disk = tinyDisk();
    try {
      // The runner creates its files before the step starts (@actions/core refuses a missing one).
      for (const file of ['output', 'summary']) writeFileSync(join(disk.dir, file), '');
      disk.fill(0);
      const ws = workspace(`launch:\n  phases:${phase('a', 'true')}\n`);
      const inputs = { spec: 'launch.yml', 'working-directory': ws.dir };
      const main = await runAction({
        inputs,
        cwd: ws.dir,
        files: { GITHUB_OUTPUT: join(disk.dir, 'output'), GITHUB_STEP_SUMMARY: join(disk.dir, 'summary') },
      });
      expect(main.exitCode).toBe(0);
      expect(main.stdout).toMatch(/::warning::Could not write the step outputs: ENOSPC/);
      const post = await runAction({ inputs, cwd: ws.dir, state: main.state });
      expect(post.stdout).toContain('nothing to undo');
      expect(ws.log()).toEqual(['run a']);
    } finally {
      disk.release();
    }
  });

  it('GITHUB_STATE that cannot be written at the start: nothing starts, and the post step runs nothing', async () => {
    const ws = workspace(`launch:\n  phases:${phase('a', 'true')}${phase('b', 'true')}\n`);
    const inputs = { spec: 'launch.yml', 'working-directory': ws.dir };
    const main = await runAction({ inputs, cwd: ws.dir, files: { GITHUB_STATE: join(ws.dir, 'missing', 'state') } });
    expect(main.exitCode).toBe(1);
    expect(main.stdout).toContain(`Missing file at path: ${join(ws.dir, 'missing', 'state')}`);
    const post = await runAction({ inputs, cwd: ws.dir, state: main.state });
    expect(post.stdout).toContain('nothing to undo');
    expect(ws.log()).toEqual([]);
  });

  it('GITHUB_STATE full mid-launch: an unrecorded phase never starts, the launch fails closed, started phases undone once', async () => {
    const disk = tinyDisk();
    try {
      writeFileSync(join(disk.dir, 'state'), '');
      disk.fill(1); // one page (4 KiB) left for the state: a few dozen entries
      const ids = Array.from({ length: 60 }, (_, i) => `p${i}`);
      const ws = workspace(`launch:\n  phases:${ids.map((id) => phase(id, 'true')).join('')}\n`);
      const inputs = { spec: 'launch.yml', 'working-directory': ws.dir };
      const main = await runAction({ inputs, cwd: ws.dir, files: { GITHUB_STATE: join(disk.dir, 'state') } });
      expect(main.exitCode).toBe(1);
      expect(main.outputs.status).toBe('rolled_back');
      expect(main.stdout).toMatch(/its start could not be recorded \(ENOSPC/);
      const post = await runAction({ inputs, cwd: ws.dir, state: main.state });
      expect(post.stdout).toContain('nothing to undo');
      const ran = ws
        .log()
        .filter((line) => line.startsWith('run '))
        .map((line) => line.slice(4));
      expect(ran.length).toBeGreaterThan(0);
      expect(ran.length).toBeLessThan(ids.length);
      const undone = ws
        .log()
        .filter((line) => line.startsWith('rollback '))
        .map((line) => line.slice(9));
      expect(undone).toEqual([...ran].reverse());
    } finally {
      disk.release();
    }
  });

  it('a node process killed mid-phase: the post step stops the surviving command, then rolls back once', async () => {
    const ws = workspace(`launch:
  phases:${phase('a', 'true')}${phase('b', 'echo $$ > run.pid; echo b-running; sleep 60; echo "late b" >> commands.log')}
`);
    const inputs = { spec: 'launch.yml', 'working-directory': ws.dir };
    const main = await runAction({ inputs, cwd: ws.dir, interruptWhen: 'b-running', interruptWith: 'kill' });
    expect(main.exitCode).toBeNull();
    const [survivor] = pids(ws.dir, 'run.pid');
    expect(isAlive(survivor!)).toBe(true); // the runner's kill reached node alone
    const post = await runAction({ inputs, cwd: ws.dir, state: main.state });
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain('phase commands left running');
    expect(isAlive(survivor!)).toBe(false);
    expect(ws.log()).toEqual(['run a', 'run b', 'rollback b', 'rollback a']);
  });

  it('SIGINT during a rollback longer than the runner’s 10 s: the post step waits for it and does not start it again', async () => {
    const ws = workspace(`launch:
  phases:
    - id: a
      run: echo "run a" >> commands.log
      rollback: >-
        echo "rollback a begins" >> commands.log; echo undoing-a; sleep 11.5;
        echo "talking to a closed pipe"; echo "rollback a done" >> commands.log
      rollback_timeout: 30s${phase('b', 'exit 3')}
`);
    const inputs = { spec: 'launch.yml', 'working-directory': ws.dir };
    const main = await runAction({ inputs, cwd: ws.dir, interruptWhen: 'undoing-a' });
    expect(main.exitCode).toBeNull(); // killed by the runner's last signal
    const post = await runAction({ inputs, cwd: ws.dir, state: main.state });
    expect(post.stdout).toContain("rollback of 'a' is still running: waiting for it");
    expect(post.stdout).toContain('not run again');
    expect(post.exitCode).toBe(0);
    expect(ws.log()).toEqual(['run a', 'run b', 'rollback b', 'rollback a begins', 'rollback a done']);
  }, 40_000);

  it('stops processes that left the command’s group (setsid, a double-forked daemon, set -m) at the phase timeout', async () => {
    const ws = workspace(`launch:
  kill_grace: 1s
  phases:${phase(
    'a',
    `setsid bash -c 'echo $$ > s.pid; exec sleep 60' & (setsid bash -c 'echo $$ > d.pid; exec sleep 60' </dev/null >/dev/null 2>&1 &)` +
      `; set -m; sleep 60 & echo $! > m.pid; set +m; sleep 60`,
    `
      timeout: 1s`,
  )}
`);
    const run = await runAction({ inputs: { spec: 'launch.yml', 'working-directory': ws.dir }, cwd: ws.dir });
    expect(run.outputs.status).toBe('rolled_back');
    for (const pid of pids(ws.dir, 's.pid', 'd.pid', 'm.pid')) expect(isAlive(pid)).toBe(false);
  });

  it('a command cannot switch the rollback off: no GITHUB_STATE for it, and its ::save-state lines are neutralised', async () => {
    const command = [
      'test -z "${GITHUB_STATE:-}${GITHUB_OUTPUT:-}" && echo "no runner files" >> commands.log',
      'echo "::save-state name=finished::true"',
      'echo "##[save-state name=finished;]true"',
      'echo "::set-output name=status::succeeded"',
      'echo "::stop-commands::x"',
      'echo "::warning::kept"',
      'echo a-running',
      'sleep 60',
    ].join('; ');
    const ws = workspace(`launch:
  phases:${phase('a', command)}
`);
    const inputs = { spec: 'launch.yml', 'working-directory': ws.dir };
    const main = await runAction({ inputs, cwd: ws.dir, interruptWhen: 'a-running' });
    expect(main.state.finished).toBeUndefined();
    expect(main.outputs.status).toBe('failed'); // the step's own, not the command's 'succeeded'
    expect(main.stdout).toContain('[command output] ::save-state name=finished::true');
    expect(main.stdout).toContain('[command output] ##[save-state');
    expect(main.stdout).toContain('[command output] ::stop-commands::x');
    expect(main.stdout).toMatch(/^::warning::kept$/m);
    const post = await runAction({ inputs, cwd: ws.dir, state: main.state });
    expect(post.exitCode).toBe(0);
    expect(ws.log()).toEqual(['run a', 'no runner files', 'rollback a']);
  });

  it('the post step undoes what the main step ran, not a spec a command edited mid-launch', async () => {
    const ws = workspace(`launch:
  phases:${phase('a', 'sed -i s/rollback/tampered/g launch.yml; echo a-running; sleep 60')}
`);
    const inputs = { spec: 'launch.yml', 'working-directory': ws.dir };
    const main = await runAction({ inputs, cwd: ws.dir, interruptWhen: 'a-running' });
    expect(readFileSync(join(ws.dir, 'launch.yml'), 'utf8')).toContain('tampered');
    const post = await runAction({ inputs, cwd: ws.dir, state: main.state });
    expect(post.exitCode).toBe(0);
    expect(ws.log()).toEqual(['run a', 'rollback a']);
  });

  it('exits only after stdout has reached the runner’s pipe, however much the commands printed', async () => {
    const ws = workspace(`launch:\n  phases:${phase('a', 'seq 1 200000')}\n`);
    const run = await runAction({ inputs: { spec: 'launch.yml', 'working-directory': ws.dir }, cwd: ws.dir });
    expect(run.stdout).toContain('\n200000\n');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toContain('launch succeeded');
  });

  it('two launch steps in one job keep their own report files', async () => {
    const ws = workspace(`launch:\n  phases:${phase('a', 'true')}\n`);
    const inputs = { spec: 'launch.yml', 'working-directory': ws.dir };
    const runnerTemp = mkdtempSync(join(tmpdir(), 'launch-action-temp-'));
    const first = await runAction({ inputs, cwd: ws.dir, runnerTemp });
    const second = await runAction({ inputs, cwd: ws.dir, runnerTemp });
    expect(first.outputs.report).not.toBe(second.outputs.report);
    expect(existsSync(first.outputs.report!) && existsSync(second.outputs.report!)).toBe(true);
  });
});
