import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive } from '../support/process';

const CLI = fileURLToPath(new URL('../../bin/launch-action.js', import.meta.url));

function cli(
  args: string[],
  dir: string,
  interrupt?: { when: string; signal: NodeJS.Signals },
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let sent = false;
    const collect = (chunk: Buffer): void => {
      out += chunk.toString();
      if (interrupt && !sent && out.includes(interrupt.when)) {
        sent = true;
        child.kill(interrupt.signal);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('close', (code) => resolve({ code, out }));
  });
}

const SPEC = `launch:
  kill_grace: 1s
  phases:
    - { id: migrate, run: 'echo "run migrate" >> log', rollback: 'echo "undo migrate" >> log' }
    - id: deploy
      run: 'echo "run deploy" >> log; sleep 120 & echo $! > child.pid; echo deploying; wait'
      rollback: 'echo "undo deploy $LAUNCH_PREVIOUS_VERSION" >> log'
    - { id: traffic, run: 'echo "run traffic" >> log' }
`;

describe('the CLI (bin/launch-action.js → dist/cli)', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('on %s stops the command and rolls back the started phases itself', async (signal) => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    writeFileSync(join(dir, 'launch.yml'), SPEC);
    const run = await cli(['launch', '--spec', 'launch.yml', '--previous-version', '1.0'], dir, { when: 'deploying', signal });
    expect(run.code, run.out).toBe(1);
    expect(readFileSync(join(dir, 'log'), 'utf8').trim().split('\n')).toEqual([
      'run migrate',
      'run deploy',
      'undo deploy 1.0',
      'undo migrate',
    ]);
    expect(run.out).toContain('Interrupted: rolling back deploy → migrate');
    expect(isAlive(Number(readFileSync(join(dir, 'child.pid'), 'utf8')))).toBe(false);
  });

  it('refuses an invalid spec with exit status 2, running nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    writeFileSync(join(dir, 'launch.yml'), 'launch:\n  phases:\n    - { id: a, run: "touch ran", timeout: soon }\n');
    const run = await cli(['launch', '--spec', 'launch.yml'], dir);
    expect(run.code).toBe(2);
    expect(run.out).toContain(
      'launch.yml:3:43: launch.phases[0].timeout: expected a positive duration like 30s, 5m, 1h30m or milliseconds, got "soon"',
    );
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });

  it('prints usage and exits 2 without a mode', async () => {
    const run = await cli([], tmpdir());
    expect(run.code).toBe(2);
    expect(run.out).toContain('Usage: launch-action <plan|launch|rollback>');
  });
});
