// Start-up of the shipped bundles, side by side with actions/checkout's (bench/checkout-dist.mjs), on
// this machine's Node and, where scripts/node24.sh provides one, on Node 24, the runner's. Runs are
// interleaved, so a busy moment on the machine weighs on all alike; figures are medians.
//
// What start-up means here, the same for both: from spawning node to the process's exit, with the
// same minimal runner environment (the runner's files, RUNNER_TEMP, PATH and HOME, nothing else) and
// an error at the first input each reads. Checkout finds no GITHUB_WORKSPACE, ours gets mode 'bogus':
// each loads its whole bundle, reads inputs through @actions/core, reports the error as an ::error::
// and exits 1. The post steps: checkout's (its one file with STATE_isPost) with no repository to clean,
// ours with no saved state; both find nothing to do and exit 0. Overhead is the time over bare
// `node -e ''`; ours passes while its overhead stays within 2× checkout's (issue 12).
//
// Beyond the comparison: ours to the first phase command of a real launch, which adds reading and
// checking the spec (a second spec, a rolling strategy with checks, builds its strategy's and every
// check kind's schema), and the peak memory of a one-phase launch.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkoutDist, CHECKOUT_LABEL } from './checkout-dist.mjs';
import { fmt, median, nodesToMeasure, nodeVersion, timeNode } from './lib.mjs';

const RUNS = 15;
const LIMIT = 2;
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

/** A fresh directory with the runner's files; `env` is all a measured process gets. */
function runnerDir(extraEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-cold-'));
  for (const file of ['output', 'state', 'summary']) writeFileSync(join(dir, file), '');
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    RUNNER_TEMP: dir,
    ...extraEnv,
  };
  return { dir, env };
}

/** One start-up (see the top): node, the entry, the env, the exit code it must end with. */
function startup(label, entry, extraEnv, expectedCode) {
  return { label, entry, env: runnerDir(extraEnv).env, expectedCode, ms: [], cpu: [] };
}

async function timeStartup(subject, node) {
  const run = await timeNode([subject.entry], subject.env, node, false);
  if (run.code !== subject.expectedCode)
    throw new Error(`${subject.label} exited ${run.code}, not ${subject.expectedCode}:\n${run.stdout}\n${run.stderr}`);
  subject.ms.push(run.ms);
  subject.cpu.push(run.cpuMs);
}

function launchWorkspace(spec) {
  const { dir, env } = runnerDir();
  writeFileSync(join(dir, 'launch.yml'), spec);
  Object.assign(env, { INPUT_SPEC: join(dir, 'launch.yml'), 'INPUT_WORKING-DIRECTORY': dir });
  return { dir, env, toFirstCommand: [], total: [], rss: [] };
}

/** One launch; records the time from spawning node to the first command's start. */
async function timeLaunch(ws, node) {
  writeFileSync(join(ws.dir, 'state'), '');
  const wallStart = performance.timeOrigin + performance.now(); // epoch ms, sub-ms precision
  const run = await timeNode(['dist/index.js'], ws.env, node, false);
  if (run.code !== 0) throw new Error(`the action failed:\n${run.stdout}\n${run.stderr}`);
  ws.toFirstCommand.push(Number(readFileSync(join(ws.dir, 'started'), 'utf8').trim()) * 1000 - wallStart);
  ws.total.push(run.ms);
  ws.rss.push(run.rssMb);
}

async function coldStart(node, checkout) {
  const bare = { label: "bare node -e ''", env: runnerDir().env, ms: [], cpu: [] };
  const pairs = [
    [
      'main',
      startup(`${CHECKOUT_LABEL} main`, checkout, {}, 1),
      startup('ours dist/index.js', 'dist/index.js', { INPUT_MODE: 'bogus' }, 1),
    ],
    [
      'post',
      startup(`${CHECKOUT_LABEL} post`, checkout, { STATE_isPost: 'true' }, 0),
      startup('ours dist/post/index.js', 'dist/post/index.js', {}, 0),
    ],
  ];
  const minimal = launchWorkspace(specs.minimal);
  const strategy = launchWorkspace(specs.strategy);
  for (let i = 0; i < RUNS; i++) {
    const bareRun = await timeNode(['-e', ''], bare.env, node, false);
    bare.ms.push(bareRun.ms);
    bare.cpu.push(bareRun.cpuMs);
    for (const [, theirs, ours] of pairs) {
      if (checkout) await timeStartup(theirs, node);
      await timeStartup(ours, node);
    }
    await timeLaunch(minimal, node);
    await timeLaunch(strategy, node);
  }
  const bareMedian = median(bare.ms);
  const over = (ms) => median(ms) - bareMedian;
  const cpuOver = (subject) => median(subject.cpu) - median(bare.cpu);
  const line = (label, ms, note = '') =>
    console.log(`  ${label.padEnd(38)} ${fmt(median(ms)).padStart(9)}  (+${fmt(over(ms))} over bare node)${note}`);
  console.log(
    `start-up on Node ${nodeVersion(node)} (median of ${RUNS} interleaved runs; spawn to exit on an input error, see bench/cold-start.mjs)`,
  );
  console.log(`  ${bare.label.padEnd(38)} ${fmt(bareMedian).padStart(9)}  (CPU ${fmt(median(bare.cpu))})`);
  const verdict = (ratio) => `${ratio.toFixed(2)}× ${ratio <= LIMIT ? 'PASS' : 'FAIL'}`;
  for (const [step, theirs, ours] of pairs) {
    const cpu = (subject) => `; CPU +${fmt(cpuOver(subject))}`;
    if (checkout) line(theirs.label, theirs.ms, cpu(theirs));
    line(ours.label, ours.ms, cpu(ours));
    // Without checkout's bundle (see bench/checkout-dist.mjs), only our own figures.
    if (checkout)
      console.log(
        `    ${step}: ours/checkout overhead ${verdict(over(ours.ms) / over(theirs.ms))} (limit ${LIMIT}×)` +
          `; in CPU time ${verdict(cpuOver(ours) / cpuOver(theirs))}`,
      );
  }
  line('ours, a launch to its 1st command', minimal.toFirstCommand);
  line('  with a rolling strategy and checks', strategy.toFirstCommand);
  console.log(`  whole one-phase launch:                ${fmt(median(minimal.total)).padStart(9)}`);
  console.log(
    `  peak RSS of a launch:                  ${median(minimal.rss).toFixed(1)} MB` +
      ` (max ${Math.max(...minimal.rss, ...strategy.rss).toFixed(1)} MB)`,
  );
}

const checkout = await checkoutDist();
for (const node of nodesToMeasure()) await coldStart(node, checkout);
