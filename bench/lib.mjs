// Small helpers shared by the benchmarks: they print figures, they assert nothing.
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** `--require` this and the process prints its peak RSS on exit; read it back with peakRssMb. */
export const PEAK_RSS_PRELOAD = fileURLToPath(new URL('./report-peak-rss.cjs', import.meta.url));
export const peakRssMb = (stderr) => Number(/maxrss=(\d+)/.exec(stderr)?.[1] ?? 0) / 1024;
/** The child's CPU time (user + system, ms) as the preload printed it. */
export const cpuMs = (stderr) => Number(/cpu_us=(\d+)/.exec(stderr)?.[1] ?? 0) / 1000;

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const fmt = (ms) => `${ms.toFixed(1)} ms`;

/**
 * Runs node (this one, or the binary given) with args; resolves with wall time, exit code, stdout and
 * the child's peak RSS (MB) and CPU time (ms). The child gets this process's environment plus env, or env alone when
 * inheritEnv is false.
 */
export function timeNode(args, env = {}, node = process.execPath, inheritEnv = true) {
  return new Promise((resolve) => {
    const started = performance.now();
    // A preload prints the child's own peak RSS on exit, so no external `time` is needed.
    const child = spawn(node, ['--require', PEAK_RSS_PRELOAD, ...args], {
      env: inheritEnv ? { ...process.env, ...env } : env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => {
      resolve({ ms: performance.now() - started, code, stdout, stderr, rssMb: peakRssMb(stderr), cpuMs: cpuMs(stderr), started });
    });
  });
}

/** The Node binaries to measure on: this one, then Node 24 (the runner's) where scripts/node24.sh provides it. */
export function nodesToMeasure() {
  try {
    const node24 = execFileSync('bash', ['scripts/node24.sh'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return node24 === process.execPath ? [process.execPath] : [process.execPath, node24];
  } catch {
    console.log("(no Node 24 build for this machine: the runner's runtime is not measured here)");
    return [process.execPath];
  }
}

export const nodeVersion = (node) => execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
