// Cold start of the shipped bundle: `node dist/index.js` until the first phase command starts, and the
// bundle's load time over bare `node -e 0`. Target: under 40 ms over bare Node, peak memory under 80 MB.
// Schemas are built when a spec first uses them, so a second spec (a rolling strategy with checks,
// which builds its strategy's and every check kind's schema) shows what a fuller spec adds. Measured
// on this machine's Node and, where scripts/node24.sh provides one, on Node 24, the runner's.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, median, nodesToMeasure, nodeVersion, timeNode } from './lib.mjs';

const RUNS = 15;
const FIRST_COMMAND = 'echo $EPOCHREALTIME > started';
const specs = {
  minimal: `launch:\n  phases:\n    - id: first\n      run: ${FIRST_COMMAND}\n`,
  strategy: `launch:
  strategy:
    type: rolling
    instances: [one]
    update: ${FIRST_COMMAND}
    rollback: 'true'
    verify: [{ type: command, command: 'true' }]
`,
};

function workspace(spec) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-cold-'));
  writeFileSync(join(dir, 'launch.yml'), spec);
  for (const file of ['output', 'state', 'summary']) writeFileSync(join(dir, file), '');
  const env = {
    INPUT_SPEC: join(dir, 'launch.yml'),
    'INPUT_WORKING-DIRECTORY': dir,
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    RUNNER_TEMP: dir,
  };
  return { dir, env, toFirstCommand: [], total: [], rss: [] };
}

/** One launch; records the time from spawning node to the first command's start. */
async function measure(ws, node) {
  writeFileSync(join(ws.dir, 'state'), '');
  const wallStart = performance.timeOrigin + performance.now(); // epoch ms, sub-ms precision
  const run = await timeNode(['dist/index.js'], ws.env, node);
  if (run.code !== 0) throw new Error(`the action failed:\n${run.stdout}\n${run.stderr}`);
  ws.toFirstCommand.push(Number(readFileSync(join(ws.dir, 'started'), 'utf8').trim()) * 1000 - wallStart);
  ws.total.push(run.ms);
  ws.rss.push(run.rssMb);
}

async function coldStart(node) {
  const bare = [];
  const minimal = workspace(specs.minimal);
  const strategy = workspace(specs.strategy);
  // Interleaved, so a busy moment on the machine weighs on all three alike.
  for (let i = 0; i < RUNS; i++) {
    bare.push((await timeNode(['-e', '0'], {}, node)).ms);
    await measure(minimal, node);
    await measure(strategy, node);
  }
  const bareMedian = median(bare);
  const over = (ws) => fmt(median(ws.toFirstCommand) - bareMedian);
  console.log(`cold start on Node ${nodeVersion(node)} (median of ${RUNS} runs)`);
  console.log(`  bare node -e 0:                 ${fmt(bareMedian)}`);
  console.log(`  node dist/index.js → 1st command: ${fmt(median(minimal.toFirstCommand))}  (${over(minimal)} over bare node; target < 40 ms)`);
  console.log(`    with a rolling strategy and checks: ${fmt(median(strategy.toFirstCommand))}  (${over(strategy)} over bare node)`);
  console.log(`  whole one-phase launch:         ${fmt(median(minimal.total))}`);
  console.log(`  peak RSS:                       ${median(minimal.rss).toFixed(1)} MB (max ${Math.max(...minimal.rss, ...strategy.rss).toFixed(1)} MB; target < 80 MB)`);
}

for (const node of nodesToMeasure()) await coldStart(node);
