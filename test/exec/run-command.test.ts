import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { runCommand } from '../../src/exec/run-command';

const base = { env: {}, cwd: tmpdir(), timeoutMs: 10_000 };

describe('runCommand', () => {
  it('streams stdout and stderr line by line, including a last line without a newline', async () => {
    const lines: string[] = [];
    const result = await runCommand({
      ...base,
      command: 'echo one; echo two >&2; printf three',
      onLine: (stream, line) => lines.push(`${stream}:${line}`),
    });
    expect(result.exitCode).toBe(0);
    expect(lines).toEqual(expect.arrayContaining(['stdout:one', 'stderr:two', 'stdout:three']));
    expect(result.tail).toHaveLength(3);
  });

  it('runs with bash -e and pipefail, as a workflow run: step does', async () => {
    expect((await runCommand({ ...base, command: 'false | true; echo unreachable' })).exitCode).toBe(1);
    expect((await runCommand({ ...base, command: 'false; echo unreachable' })).tail).toEqual([]);
  });

  it('passes values only through the environment', async () => {
    const lines: string[] = [];
    await runCommand({
      ...base,
      env: { VALUE: '`id`; $(whoami)' },
      command: 'printf "%s\\n" "$VALUE"',
      onLine: (_s, line) => lines.push(line),
    });
    expect(lines).toEqual(['`id`; $(whoami)']);
  });

  it('forwards a cancellation signal named in the abort reason', async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    const running = runCommand({
      ...base,
      graceMs: 2000,
      signal: controller.signal,
      command: "trap 'echo got-INT; exit 130' INT; trap 'echo got-TERM; exit 143' TERM; echo ready; while :; do sleep 0.05; done",
      onLine: (_s, line) => {
        lines.push(line);
        if (line === 'ready') controller.abort('SIGINT');
      },
    });
    const result = await running;
    expect(result.cancelled).toBe(true);
    expect(lines).toContain('got-INT');
    expect(lines).not.toContain('got-TERM');
  });

  it('does not wait for a background daemon that keeps the pipes open', async () => {
    const result = await runCommand({ ...base, command: 'sleep 30 > /dev/null 2>&1 & disown; (sleep 30 &) ; echo started' });
    expect(result.exitCode).toBe(0);
    expect(result.durationMs).toBeLessThan(5000);
  });

  it('reports a working directory that does not exist as a failure to start', async () => {
    const result = await runCommand({ ...base, cwd: '/nonexistent/dir', command: 'true' });
    expect(result.exitCode).toBe(127);
    expect(result.tail[0]).toMatch(/^failed to start bash: /);
  });
});
