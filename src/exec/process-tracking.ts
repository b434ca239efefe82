import { readdirSync, readFileSync } from 'node:fs';

/**
 * Every command the action starts carries this variable, as the runner tags a job's processes with
 * RUNNER_TRACKING_ID: a process that leaves the command's process group (`setsid`, a daemon, `set -m`)
 * keeps its environment, so /proc/<pid>/environ still finds it. Values are `<launch>/<kind>/<phase>`.
 */
export const TRACKING_VARIABLE = 'LAUNCH_ACTION_TRACKING_ID';

export function trackingTag(trackingId: string, kind: 'run' | 'rollback', phase: string): string {
  return `${trackingId}/${kind}/${phase}`;
}

export interface TrackedProcess {
  pid: number;
  tag: string;
}

/** Live processes whose tag equals `tag`, or starts with it when it ends in `/`. Linux only (elsewhere: none). */
export function findTracked(tag: string): TrackedProcess[] {
  if (process.platform !== 'linux') return [];
  const found: TrackedProcess[] = [];
  const prefix = `${TRACKING_VARIABLE}=`;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let environ: string;
    let stat: string;
    try {
      environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone, or not ours to read
    }
    // Zombies are dead already: they only wait for their parent to reap them.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') continue;
    const variable = environ.split('\0').find((item) => item.startsWith(prefix));
    const value = variable?.slice(prefix.length);
    if (value !== undefined && (tag.endsWith('/') ? value.startsWith(tag) : value === tag)) found.push({ pid: Number(entry), tag: value });
  }
  return found;
}

export function signalTracked(tag: string, signal: NodeJS.Signals): number {
  const found = findTracked(tag);
  for (const { pid } of found) {
    try {
      process.kill(pid, signal);
    } catch {
      // Exited meanwhile.
    }
  }
  return found.length;
}

/** Polls until no process carries `tag`, for at most `boundMs`; true when none is left. */
export async function waitUntilGone(tag: string, boundMs: number): Promise<boolean> {
  const until = performance.now() + boundMs;
  while (findTracked(tag).length > 0) {
    if (performance.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** SIGTERM to every tagged process, SIGKILL to those left after `graceMs`. */
export async function stopTracked(tag: string, graceMs: number): Promise<number> {
  const count = signalTracked(tag, 'SIGTERM');
  if (count && !(await waitUntilGone(tag, graceMs))) {
    signalTracked(tag, 'SIGKILL');
    await waitUntilGone(tag, 2000);
  }
  return count;
}

/** Where a phase's rollback leaves its exit status (runCommand's exitFile). */
export function exitRecordPath(dir: string, phase: string): string {
  return `${dir}/rollback-${encodeURIComponent(phase)}.exit`;
}
