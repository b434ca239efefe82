import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { readdirSync, readFileSync } from 'node:fs';
import { TRACKING_VARIABLE, findTracked, signalTracked } from './process-tracking';

export interface RunCommandOptions {
  command: string;
  /** Added to the inherited environment; this is how spec values reach commands (never via the text). */
  env: Readonly<Record<string, string>>;
  cwd: string;
  timeoutMs: number;
  /** Cancellation. A reason of 'SIGINT' or 'SIGTERM' is forwarded as that signal; anything else sends SIGTERM. */
  signal?: AbortSignal;
  /** Time between the polite signal and SIGKILL. */
  graceMs?: number;
  onLine?(stream: 'stdout' | 'stderr', line: string): void;
  /** Tags the command's environment (see process-tracking) so that a stop reaches processes that left its group. */
  trackingTag?: string;
  /**
   * Where a wrapper shell writes the command's exit status when it ends: the record outlives this
   * process, so the post step can learn how a rollback ended after the runner killed the main step.
   */
  exitFile?: string;
}

export interface RunCommandResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  /** The last lines of output, for failure messages. */
  tail: string[];
}

const TAIL_LINES = 20;
/** After the shell exits, how long to wait for stdio to close (a daemon it started may hold the pipes). */
const CLOSE_GRACE_MS = 200;
/** Grace for a tree stopped by a forwarded cancellation signal: leaves time to flush and save state. */
const CANCEL_GRACE_MS = 2500;

/**
 * Runs `command` with bash (as GitHub's `run:` does: -e, pipefail; and -u) in its own process group, so a
 * timeout or cancellation can signal the whole tree: SIGTERM (or the forwarded signal), then SIGKILL.
 * Not `@actions/exec`: it can neither start a process group nor signal one (no timeout, signal or kill option).
 */
export function runCommand(options: RunCommandOptions): Promise<RunCommandResult> {
  const started = performance.now();
  const graceMs = options.graceMs ?? 5000;
  const tail: string[] = [];

  return new Promise((resolve) => {
    const notStarted = (error: unknown): void => {
      emitLine('stderr', `failed to start bash: ${error instanceof Error ? error.message : String(error)}`);
      resolve({ exitCode: 127, signal: null, timedOut: false, cancelled: false, durationMs: performance.now() - started, tail });
    };
    // -u as well as GitHub's -e and pipefail: an unset variable fails the command rather than
    // deploying an empty value (`--image ""`).
    const shell = ['--noprofile', '--norc', '-euo', 'pipefail', '-c'];
    const args = options.exitFile
      ? ['--noprofile', '--norc', '-c', recordingWrapper(shell), 'bash', options.command, options.exitFile]
      : [...shell, options.command];
    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      child = spawn('bash', args, {
        cwd: options.cwd,
        env: { ...inheritedEnv(), ...options.env, ...(options.trackingTag ? { [TRACKING_VARIABLE]: options.trackingTag } : {}) },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      // Some failures are thrown rather than emitted (E2BIG: a command, name or value too large for
      // the kernel): a command that could not start is a failed command all the same.
      notStarted(error);
      return;
    }

    let timedOut = false;
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    let settled = false;

    const signalGroup = (sig: NodeJS.Signals): void => {
      if (options.trackingTag) signalTracked(options.trackingTag, sig);
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // The group is already gone.
      }
    };
    const stop = (sig: NodeJS.Signals, grace = graceMs): void => {
      signalGroup(sig);
      killTimer ??= setTimeout(() => signalGroup('SIGKILL'), grace);
    };

    const timeout = setTimeout(() => {
      timedOut = true;
      stop('SIGTERM');
    }, options.timeoutMs);

    const onAbort = (): void => {
      cancelled = true;
      const reason: unknown = options.signal?.reason;
      const forwarded = reason === 'SIGINT' || reason === 'SIGTERM';
      // A cancelled run is killed by the runner 10 s after its SIGINT: the tree gets less grace then.
      stop(forwarded ? reason : 'SIGTERM', forwarded ? Math.min(graceMs, CANCEL_GRACE_MS) : graceMs);
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    for (const stream of ['stdout', 'stderr'] as const) {
      let partial = '';
      child[stream].setEncoding('utf8');
      child[stream].on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) emitLine(stream, line);
      });
      child[stream].on('end', () => {
        if (partial) emitLine(stream, partial);
        partial = '';
      });
    }
    function emitLine(stream: 'stdout' | 'stderr', line: string): void {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      options.onLine?.(stream, line);
    }

    const finish = (exitCode: number | null, sig: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      options.signal?.removeEventListener('abort', onAbort);
      const done = (): void => {
        clearTimeout(killTimer);
        resolve({ exitCode, signal: sig, timedOut, cancelled, durationMs: performance.now() - started, tail });
      };
      // A stopped tree is not done when the shell exits: its children get their grace period, then SIGKILL.
      if (timedOut || cancelled) void waitForGroupExit(child.pid, options.trackingTag, graceMs + 2000).then(done);
      else done();
    };

    child.on('error', (error) => {
      // No bash, or a working directory that does not exist (ENOENT).
      emitLine('stderr', `failed to start bash: ${error.message}${child.pid === undefined ? ` (in ${options.cwd})` : ''}`);
      finish(127, null);
    });
    child.on('exit', (code, sig) => {
      const closeWait = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code, sig);
      }, CLOSE_GRACE_MS);
      child.once('close', () => {
        clearTimeout(closeWait);
        finish(code, sig);
      });
    });
  });
}

/**
 * Runs the command under a shell that records its exit status in a file ($2). Its output goes
 * through a relay that, once this process is gone (killed by the runner) and the pipe with it, drains
 * the rest to /dev/null: the command itself never meets a broken pipe, so a rollback that prints still
 * runs to the end with nobody reading. The relay merges stderr into stdout, which the log shows alike.
 */
function recordingWrapper(shell: readonly string[]): string {
  return [
    `trap '' PIPE`,
    `bash ${shell.join(' ')} "$1" 2>&1 | { cat || cat >/dev/null; }`,
    's=${PIPESTATUS[0]}',
    'echo "$s" > "$2.tmp" && mv -f "$2.tmp" "$2"',
    'exit "$s"',
  ].join('\n');
}

/** Polls until no live process is left in the group or with the tag, bounded in case something outlives SIGKILL. */
async function waitForGroupExit(pgid: number | undefined, tag: string | undefined, boundMs: number): Promise<void> {
  if (pgid === undefined) return;
  const until = performance.now() + boundMs;
  const alive = (): boolean => groupIsAlive(pgid) || (tag !== undefined && findTracked(tag).length > 0);
  // Short waits first: a killed tree is usually gone within a few ms, and a rollback waits on it.
  for (let wait = 1; performance.now() < until && alive(); wait = Math.min(wait * 2, 25))
    await new Promise((resolve) => setTimeout(resolve, wait));
}

/**
 * Signal 0 to the group; on Linux a group with members then gets a /proc scan, so that zombies (dead,
 * waiting for a slow reaper) do not count as alive.
 */
function groupIsAlive(pgid: number): boolean {
  // Signal 0 is one syscall; only a group that still has members (maybe zombies) needs the /proc scan.
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  if (process.platform === 'linux') {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue;
      }
      // Fields after the parenthesised command name: state, ppid, pgrp, ...
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
    }
    return false;
  }
  return true;
}

/** File commands through which a command could change the action's state or outputs, or later steps' environment. */
const WITHHELD = new Set(['GITHUB_STATE', 'GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_PATH']);

/**
 * The action's own environment minus its inputs, saved state and file commands: INPUT_* holds every
 * token given to the action (github-token, slack-bot-token...), and commands get what they need as
 * variables instead; a command writing GITHUB_STATE could switch off the post step's rollback.
 */
function inheritedEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith('INPUT_') && !name.startsWith('STATE_') && !WITHHELD.has(name) && name !== TRACKING_VARIABLE,
    ),
  );
}

export function describeResult(result: RunCommandResult, timeoutMs: number): string {
  if (result.timedOut) return `timed out after ${timeoutMs} ms; its process tree was terminated`;
  if (result.cancelled) return 'cancelled; its process tree was signalled';
  if (result.signal) return `killed by ${result.signal}`;
  return `exited with code ${result.exitCode}`;
}
