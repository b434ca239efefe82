// Small helpers shared by the benchmarks: they print figures, they assert nothing.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** `--require` this and the process prints its peak RSS on exit; read it back with peakRssMb. */
export const PEAK_RSS_PRELOAD = fileURLToPath(new URL('./report-peak-rss.cjs', import.meta.url));
export const peakRssMb = (stderr) => Number(/maxrss=(\d+)/.exec(stderr)?.[1] ?? 0) / 1024;

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const fmt = (ms) => `${ms.toFixed(1)} ms`;

/** Runs node (this one, or the binary given) with args; resolves with wall time, exit code, stdout and the child's peak RSS (MB). */
export function timeNode(args, env = {}, node = process.execPath) {
  return new Promise((resolve) => {
    const started = performance.now();
    // A preload prints the child's own peak RSS on exit, so no external `time` is needed.
    const child = spawn(node, ['--require', PEAK_RSS_PRELOAD, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => {
      resolve({ ms: performance.now() - started, code, stdout, stderr, rssMb: peakRssMb(stderr), started });
    });
  });
}
