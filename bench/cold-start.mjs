// Cold start of the shipped bundle: `node dist/index.js` until the first phase command starts, and the
// bundle's load time over bare `node -e 0`. Target: under 40 ms over bare Node, peak memory under 80 MB.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, median, timeNode } from './lib.mjs';

const RUNS = 15;
const dir = mkdtempSync(join(tmpdir(), 'bench-cold-'));
writeFileSync(join(dir, 'launch.yml'), 'launch:\n  phases:\n    - id: first\n      run: echo $EPOCHREALTIME > started\n');
for (const file of ['output', 'state', 'summary']) writeFileSync(join(dir, file), '');
const env = {
  INPUT_SPEC: join(dir, 'launch.yml'),
  'INPUT_WORKING-DIRECTORY': dir,
  GITHUB_OUTPUT: join(dir, 'output'),
  GITHUB_STATE: join(dir, 'state'),
  GITHUB_STEP_SUMMARY: join(dir, 'summary'),
  RUNNER_TEMP: dir,
};

const bare = [];
const toFirstCommand = [];
const total = [];
const rss = [];
for (let i = 0; i < RUNS; i++) {
  bare.push((await timeNode(['-e', '0'])).ms);
  const wallStart = performance.timeOrigin + performance.now(); // epoch ms, sub-ms precision
  const run = await timeNode(['dist/index.js'], env);
  if (run.code !== 0) throw new Error(`the action failed:\n${run.stdout}\n${run.stderr}`);
  const commandStartedMs = Number(readFileSync(join(dir, 'started'), 'utf8').trim()) * 1000;
  toFirstCommand.push(commandStartedMs - wallStart);
  total.push(run.ms);
  rss.push(run.rssMb);
}
const bareMedian = median(bare);
console.log('cold start (median of %d runs)', RUNS);
console.log(`  bare node -e 0:                 ${fmt(bareMedian)}`);
console.log(`  node dist/index.js → 1st command: ${fmt(median(toFirstCommand))}  (${fmt(median(toFirstCommand) - bareMedian)} over bare node; target < 40 ms)`);
console.log(`  whole one-phase launch:         ${fmt(median(total))}`);
console.log(`  peak RSS:                       ${median(rss).toFixed(1)} MB (max ${Math.max(...rss).toFixed(1)} MB; target < 80 MB)`);
