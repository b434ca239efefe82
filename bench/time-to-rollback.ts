/**
 * Time from fault injection to the first rollback command starting, through a real launch: the
 * shipped CLI (`node dist/cli/index.js launch`) runs a phase whose command is `sleep 60` under a
 * `watch` metric check (interval 1 s) against a real Prometheus scraping the test service every 1 s.
 * The fault (50% errors) is injected at a random point of a measurement interval; the rollback
 * command writes $EPOCHREALTIME first thing. 10 runs; prints median and worst, asserts nothing.
 * Target: median under 3 s. Run `npm run build` first (it measures dist/), then:
 * npx tsx bench/time-to-rollback.ts
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { startMetricsApp } from '../test/support/metrics-app';
import { startPrometheus } from '../test/support/prometheus';
import { waitFor } from '../test/support/wait-for';

const RUNS = 10;
const TARGET_MEDIAN_MS = 3000;
const CLI = 'dist/cli/index.js';
const ERROR_RATE =
  'sum(rate(app_requests_total{status="500",version="${version}"}[5s])) / sum(rate(app_requests_total{version="${version}"}[5s]))';
// `sleep` dies on the SIGTERM that stops the phase, so kill_grace does not add to the figure.
const SPEC = `launch:
  environment: production
  metrics:
    error_rate:
      provider: prometheus
      query: ${ERROR_RATE}
      max: 0.02
  phases:
    - id: deploy
      run: sleep 60
      rollback: echo "$EPOCHREALTIME" > rollback-started
      watch:
        - { type: metric, metric: error_rate, interval: 1s }
`;

if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
const app = await startMetricsApp({ version: 'v2', trafficPerSecond: 50 });
const prometheus = await startPrometheus({ targets: [{ address: app.address }], scrapeInterval: '1s' });
const healthyInPrometheus = async () => {
  const [sample] = (await prometheus.query(ERROR_RATE.replaceAll('${version}', 'v2'))) as { value: [number, string] }[];
  return sample !== undefined && Number(sample.value[1]) === 0;
};
/** Wall-clock epoch milliseconds with sub-millisecond precision, comparable with bash's $EPOCHREALTIME. */
const epochMs = () => performance.timeOrigin + performance.now();

interface Run {
  ms: number;
  status: string;
}

/** One launch: waits for its first healthy measurement, injects the fault, and times the rollback's start. */
async function launchOnce(): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-rollback-'));
  writeFileSync(join(dir, 'launch.yml'), SPEC);
  const args = [
    CLI,
    'launch',
    '--spec',
    join(dir, 'launch.yml'),
    '--version',
    'v2',
    '--prometheus-url',
    prometheus.url,
    '--working-directory',
    dir,
    '--report-dir',
    dir,
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    await waitFor(() => /error_rate = 0 within max 0\.02/.test(output), 'the watch to measure a healthy service', 15_000, 5);
    // Faults do not arrive in step with measurements or scrapes.
    await delay(Math.random() * 1000);
    const injected = epochMs();
    app.setErrorRate(0.5);
    const marker = join(dir, 'rollback-started');
    await waitFor(() => existsSync(marker) && readFileSync(marker, 'utf8').trim() !== '', 'the rollback command to start', 30_000, 5);
    const started = Number(readFileSync(marker, 'utf8').trim().replace(',', '.')) * 1000;
    const code = await exited;
    const report = /report: (.+)$/m.exec(output)?.[1];
    const status = report ? (JSON.parse(readFileSync(report, 'utf8')) as { status?: string }).status : undefined;
    return { ms: started - injected, status: status ?? `exit ${code}` };
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output}`);
  } finally {
    app.setErrorRate(0);
  }
}

const runs: Run[] = [];
try {
  for (let run = 1; run <= RUNS; run++) {
    // The previous fault must have left the 5s rate window, or the watch fails at once.
    await waitFor(healthyInPrometheus, 'a healthy error rate in Prometheus', 30_000, 100);
    const result = await launchOnce();
    runs.push(result);
    console.log(
      `run ${String(run).padStart(2)}: ${result.ms.toFixed(0).padStart(5)} ms from injection to rollback start (${result.status})`,
    );
  }
} finally {
  await prometheus.stop();
  await app.close();
}
const sorted = runs.map((run) => run.ms).sort((a, b) => a - b);
const median = (sorted[(sorted.length - 1) >> 1]! + sorted[sorted.length >> 1]!) / 2;
console.log(
  `\ninjection → first rollback command, ${RUNS} launches through ${CLI} (scrape 1 s, watch interval 1 s): ` +
    `median ${median.toFixed(0)} ms (target < ${TARGET_MEDIAN_MS} ms)` +
    `, best ${sorted[0]!.toFixed(0)} ms, worst ${sorted.at(-1)!.toFixed(0)} ms`,
);
