/**
 * Query cost of many metric checks: 200 checks measuring every 1 s against one real Prometheus,
 * through the provider's shared concurrency limit. Per interval: how long the round of 200 queries
 * takes to finish after its scheduled start; overall: requests Prometheus served and peak memory.
 * Prints figures, asserts nothing. Run: npx tsx bench/query-cost.ts
 */
import { metricCheck } from '../src/checks/metric';
import { startMetricsApp } from '../test/support/metrics-app';
import { startPrometheus, type PrometheusServer } from '../test/support/prometheus';
import { waitFor } from '../test/support/wait-for';
import { metricContext } from '../test/metrics/context';

const CHECKS = 200;
const ROUNDS = 10;
const INTERVAL_MS = 1000;

const app = await startMetricsApp({ version: 'v1' });
const prometheus = await startPrometheus({ targets: [{ address: app.address }], scrapeSelf: true });
await waitFor(
  async () => (await prometheus.query('sum(rate(app_requests_total[5s])) > 0')).length > 0,
  'traffic in Prometheus',
  30_000,
  100,
);

/** Queries Prometheus has served and the seconds it spent on them, from its own metrics. */
async function served(server: PrometheusServer): Promise<{ count: number; seconds: number }> {
  const read = async (promql: string) => Number(((await server.query(promql)) as { value: [number, string] }[])[0]?.value[1] ?? 0);
  return {
    count: await read('sum(prometheus_http_request_duration_seconds_count{handler="/api/v1/query"})'),
    seconds: await read('sum(prometheus_http_request_duration_seconds_sum{handler="/api/v1/query"})'),
  };
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))]!;

async function run(concurrency: number): Promise<void> {
  const spec = { providers: { prometheus: { concurrency } } };
  const settings = { prometheus: { url: prometheus.url, headers: {} } };
  const finished: number[][] = Array.from({ length: ROUNDS }, () => []);
  let peakRss = 0;
  let peakHeap = 0;
  const sampler = setInterval(() => {
    const memory = process.memoryUsage();
    peakRss = Math.max(peakRss, memory.rss);
    peakHeap = Math.max(peakHeap, memory.heapUsed);
  }, 20);
  const before = await served(prometheus);
  // One launch: its checks share the launch's providers, and so one concurrency budget.
  const { launch } = metricContext(spec, { settings });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CHECKS }, (_, i) => {
      const ctx = { ...metricContext(spec, { settings, name: `check-${i}` }), launch };
      let round = 0;
      ctx.emit = () => finished[round++]!.push(performance.now());
      // Distinct queries, so no answer is shared between checks.
      const query = `sum(rate(app_requests_total{status="200"}[5s])) * ${i + 1}`;
      return metricCheck.run(
        metricCheck.config.parse({ provider: 'prometheus', query, min: 0, count: ROUNDS, interval: INTERVAL_MS }),
        ctx,
      );
    }),
  );
  clearInterval(sampler);
  // Prometheus counts its own requests at its next self-scrape.
  const after = await waitFor(
    async () => {
      const now = await served(prometheus);
      return now.count - before.count >= CHECKS * ROUNDS ? now : undefined;
    },
    'Prometheus to count the queries',
    10_000,
    200,
  );
  const queries = after.count - before.count;
  // Round k is due at start + k·interval; its wall time runs until its last check has its answer.
  const wall = finished.map((times, k) => Math.max(...times) - (started + k * INTERVAL_MS));
  console.log(
    `concurrency ${String(concurrency).padStart(3)}: round wall time median ${percentile(wall, 0.5).toFixed(0)} ms` +
      `, worst ${Math.max(...wall).toFixed(0)} ms; ` +
      `${(queries / ROUNDS).toFixed(0)} queries per interval, ` +
      `${((1000 * (after.seconds - before.seconds)) / queries).toFixed(2)} ms server time each` +
      `; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB, peak heap ${(peakHeap / 2 ** 20).toFixed(0)} MiB`,
  );
}

try {
  console.log(`${CHECKS} metric checks, ${ROUNDS} rounds at ${INTERVAL_MS} ms, one Prometheus 2.42 on this machine`);
  console.log(
    `before any check: RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB` +
      `, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`,
  );
  for (const concurrency of [8, 32]) await run(concurrency);
} finally {
  await prometheus.stop();
  await app.close();
}
