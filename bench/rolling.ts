// Rolling launch over 1,000 local instances, 50 at a time, each updated with curl and health-checked,
// run by the shipped action bundle as the runner runs it. Prints launch-action's own overhead (wall
// time beyond the commands and checks on the critical path) and its peak memory.
// Targets: overhead under 2 s, peak RSS under 150 MB. Nothing here asserts.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSpec } from '../src/spec/load';
import { expandStrategy } from '../src/spec/prepare';
import type { LaunchEvent } from '../src/events/event-bus';
import { startFleet } from '../test/support/instances';
import { runAction } from '../test/support/run-action';
import { nodesToMeasure, nodeVersion, PEAK_RSS_PRELOAD, peakRssMb } from './lib.mjs';

const INSTANCES = 1000;
const BATCH = 50;

const fleet = await startFleet(INSTANCES, 'v1');
const dir = mkdtempSync(join(tmpdir(), 'bench-rolling-'));
const spec = `launch:
  strategy:
    type: rolling
    instances: [${fleet.instances.map((instance) => instance.address).join(', ')}]
    batch_size: ${BATCH}
    update: curl -fsS -X PUT --data "$LAUNCH_VERSION" "http://$LAUNCH_INSTANCE/version"
    rollback: curl -fsS -X PUT --data "$LAUNCH_PREVIOUS_VERSION" "http://$LAUNCH_INSTANCE/version"
    health_check: { endpoint: "http://\${LAUNCH_INSTANCE}/health", retries: 1 }
`;
writeFileSync(join(dir, 'launch.yml'), spec);

// The expansion alone, in this process: part of the overhead below, shown on its own.
const expandStarted = performance.now();
const phases = expandStrategy(parseSpec(spec, 'launch.yml')).phases.length;
const expandMs = performance.now() - expandStarted;

interface Figures {
  wallMs: number;
  criticalMs: number;
  sumMs: number;
  rssMb: number;
}

/** One launch of `version` over the fleet, on the Node binary given, and its figures from the JSON report. */
async function launch(version: string, previousVersion: string, node: string): Promise<Figures> {
  const started = performance.now();
  const run = await runAction({
    inputs: { spec: 'launch.yml', 'working-directory': dir, version, 'previous-version': previousVersion },
    cwd: dir,
    // NODE_OPTIONS splits on spaces: the preload's path has none.
    env: { NODE_OPTIONS: `--require=${PEAK_RSS_PRELOAD}` },
    timeoutMs: 600_000,
    node,
  });
  const wallMs = performance.now() - started;
  const updated = fleet.instances.filter((instance) => instance.version === version).length;
  if (run.outputs.status !== 'succeeded' || updated !== INSTANCES)
    throw new Error(`launch ${run.outputs.status}, ${updated} updated\n${run.stdout.slice(-2000)}\n${run.stderr}`);

  // Critical path of the user's work: batches run one after another, the phases of a batch side by
  // side, each phase its command then its check. Overhead is what the wall time holds beyond that.
  const events = (JSON.parse(readFileSync(run.outputs.report!, 'utf8')) as { events: LaunchEvent[] }).events;
  const workOf = new Map<string, number>();
  for (const event of events) {
    if (event.type === 'command.finished' || (event.type === 'check.result' && event.stage === 'verify')) {
      workOf.set(event.phase, (workOf.get(event.phase) ?? 0) + event.durationMs);
    }
  }
  const order = events.find((event) => event.type === 'launch.started');
  const ids = order?.type === 'launch.started' ? order.phases.map((phase) => phase.id) : [];
  let criticalMs = 0;
  for (let i = 0; i < ids.length; i += BATCH) criticalMs += Math.max(...ids.slice(i, i + BATCH).map((id) => workOf.get(id) ?? 0));
  const sumMs = [...workOf.values()].reduce((sum, ms) => sum + ms, 0);
  return { wallMs, criticalMs, sumMs, rssMb: peakRssMb(run.stderr) };
}

const ms = (value: number): string => `${value.toFixed(0)} ms`;
let deployed = 1;
for (const node of nodesToMeasure()) {
  const runs: Figures[] = [];
  for (let i = 0; i < 3; i++, deployed++) runs.push(await launch(`v${deployed + 1}`, `v${deployed}`, node));
  const overheads = runs.map((run) => run.wallMs - run.criticalMs);
  const medianIndex = overheads.indexOf([...overheads].sort((a, b) => a - b)[1]!);
  const median = runs[medianIndex]!;
  console.log(
    `rolling launch on Node ${nodeVersion(node)}, ${INSTANCES} local instances (${phases} phases)` +
      `, batch ${BATCH}, curl update + http_status health check each; 3 launches`,
  );
  console.log(
    `  launch-action overhead:  ${overheads.map(ms).join(', ')} → median ${ms(overheads[medianIndex]!)}` +
      ` (target < 2000 ms; node start-up included)`,
  );
  console.log(
    `    median run: wall ${ms(median.wallMs)}, commands + checks ${ms(median.criticalMs)}` +
      ` on the critical path (${ms(median.sumMs)} summed)`,
  );
  console.log(`    of which expansion:    ${ms(expandMs)} (in-process)`);
  console.log(
    `  peak RSS:                ${runs.map((run) => run.rssMb.toFixed(1)).join(', ')}` +
      ` MB → max ${Math.max(...runs.map((run) => run.rssMb)).toFixed(1)} MB (target < 150 MB)`,
  );
}
await fleet.close();
