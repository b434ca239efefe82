import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
/** The post step's entry, as action.yml names it. */
export const DIST_POST = fileURLToPath(new URL('../../dist/post/index.js', import.meta.url));

type RunnerFile = 'GITHUB_OUTPUT' | 'GITHUB_STATE' | 'GITHUB_STEP_SUMMARY';

export interface ActionRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  dir: string;
}

export interface RunActionOptions {
  inputs: Record<string, string>;
  /** Extra environment (e.g. PATH with stub commands, GITHUB_* context). */
  env?: Record<string, string>;
  cwd?: string;
  /** Saved state from the main step: present means this is the post step (STATE_* variables). */
  state?: Record<string, string>;
  /** Cancels once stdout contains this text, as the runner does: SIGINT, SIGTERM 7.5 s later, SIGKILL at 10 s. */
  interruptWhen?: string;
  timeoutMs?: number;
  /** The Node binary that runs the bundle; this process's by default. */
  node?: string;
  /** Which entry of action.yml runs: `post` by default when `state` is given, else `main`. */
  entry?: 'main' | 'post';
  /** Paths of the runner's files instead of fresh empty ones (missing, unwritable, on a full disk...); '' leaves the variable unset. */
  files?: Partial<Record<RunnerFile, string>>;
  /** RUNNER_TEMP; a fresh directory by default. The main and post steps of one job share it. */
  runnerTemp?: string;
  /** Cancels this long after the start, as `interruptWhen` does. */
  cancelAfterMs?: number;
  /** How the interruption goes: the runner's cancellation (default), or SIGKILL at once (OOM, a lost runner). */
  interruptWith?: 'cancel' | 'kill';
}

/** Parses a runner file command (GITHUB_OUTPUT / GITHUB_STATE): `name<<DELIM\nvalue\nDELIM` or `name=value`. */
export function parseFileCommand(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i]!);
      out[name!] = value.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

/** Reads `::save-state` / `::set-output` lines from stdout as the runner does (the files win over them). */
export function parseStdoutCommands(stdout: string, command: 'save-state' | 'set-output'): Record<string, string> {
  const out: Record<string, string> = {};
  const unescape = (text: string): string =>
    text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
  for (const line of stdout.split('\n')) {
    const match = /^\s*::([a-z-]+) name=([^:]*)::(.*)$/.exec(line);
    if (match && match[1] === command) out[unescape(match[2]!)] = unescape(match[3]!);
  }
  return out;
}

function readRunnerFile(file: string | undefined): string {
  try {
    return file && existsSync(file) ? readFileSync(file, 'utf8') : '';
  } catch {
    return '';
  }
}

/**
 * The runner's cancellation: SIGINT, SIGTERM 7.5 s later, SIGKILL 2.5 s after that — each to the node
 * process alone (on Linux the runner kills the direct child, not its tree or group).
 */
function cancelAsTheRunnerDoes(child: ChildProcess): void {
  child.kill('SIGINT');
  const term = setTimeout(() => child.kill('SIGTERM'), 7500);
  const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
  child.once('exit', () => {
    clearTimeout(term);
    clearTimeout(kill);
  });
}

function interrupt(child: ChildProcess, how: RunActionOptions['interruptWith']): void {
  if (how === 'kill') child.kill('SIGKILL');
  else cancelAsTheRunnerDoes(child);
}

/** Runs the shipped bundle exactly as the runner does: INPUT_* variables and file commands. */
export function runAction(options: RunActionOptions): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'launch-action-run-'));
  const files: Record<RunnerFile, string> = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  Object.assign(files, options.files);

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    RUNNER_TEMP: options.runnerTemp ?? dir,
    GITHUB_WORKSPACE: options.cwd ?? process.cwd(),
    ...Object.fromEntries(Object.entries(files).filter(([, path]) => path !== '')),
    ...options.env,
  };
  for (const [name, value] of Object.entries(options.inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value;

  return new Promise((resolvePromise, reject) => {
    const entry = options.entry ?? (options.state ? 'post' : 'main');
    const child = spawn(options.node ?? process.execPath, [entry === 'post' ? DIST_POST : DIST], {
      cwd: options.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`action did not finish within ${options.timeoutMs ?? 60_000} ms\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    const cancelTimer =
      options.cancelAfterMs === undefined
        ? undefined
        : setTimeout(() => {
            if (interrupted) return;
            interrupted = true;
            interrupt(child, options.interruptWith);
          }, options.cancelAfterMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (options.interruptWhen && !interrupted && stdout.includes(options.interruptWhen)) {
        interrupted = true;
        interrupt(child, options.interruptWith);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      clearTimeout(cancelTimer);
      resolvePromise({
        exitCode,
        stdout,
        stderr,
        outputs: { ...parseStdoutCommands(stdout, 'set-output'), ...parseFileCommand(readRunnerFile(files.GITHUB_OUTPUT)) },
        state: { ...parseStdoutCommands(stdout, 'save-state'), ...parseFileCommand(readRunnerFile(files.GITHUB_STATE)) },
        summary: readRunnerFile(files.GITHUB_STEP_SUMMARY),
        dir,
      });
    });
  });
}
