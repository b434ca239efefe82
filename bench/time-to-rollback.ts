/**
 * Time from fault injection to a metric watch failing, against a real Prometheus scraping every 1 s
 * and a check measuring every 1 s. The floor is about one scrape plus one interval. Prints figures,
 * asserts nothing. Run: npx tsx bench/time-to-rollback.ts
 */
import { setTimeout as delay } from 'node:timers/promises';
import { metricCheck } from '../src/metrics/metric-check';
import { startMetricsApp } from '../test/support/metrics-app';
import { startPrometheus } from '../test/support/prometheus';
import { waitFor } from '../test/support/wait-for';
import { metricContext } from '../test/metrics/context';

const RUNS = 10;
const QUERY = 'sum(rate(app_requests_total{status="500"}[5s])) / sum(rate(app_requests_total[5s]))';

const app = await startMetricsApp({ version: 'v2', trafficPerSecond: 50 });
const prometheus = await startPrometheus({ targets: [{ address: app.address }], scrapeInterval: '1s' });
const healthy = async () => {
  const [sample] = (await prometheus.query(QUERY)) as { value: [number, string] }[];
  return sample !== undefined && Number(sample.value[1]) === 0;
};

const times: number[] = [];
try {
  for (let run = 1; run <= RUNS; run++) {
    await waitFor(healthy, 'a healthy error rate in Prometheus', 30_000, 100);
    const ctx = metricContext({}, { stage: 'watch', commandDone: new Promise(() => undefined), settings: { prometheus: { url: prometheus.url, headers: {} } } });
    const config = metricCheck.config.parse({ provider: 'prometheus', query: QUERY, max: 0.02, interval: '1s' });
    const outcome = metricCheck.run(config, ctx).then((result) => ({ result, at: performance.now() }));
    await waitFor(() => ctx.events.length >= 1, 'a first healthy measurement', 10_000, 5);
    // Faults do not arrive in step with measurements or scrapes: inject at a random point of the interval.
    await delay(Math.random() * 1000);
    const injected = performance.now();
    app.setErrorRate(0.5);
    const { result, at } = await outcome;
    app.setErrorRate(0);
    times.push(at - injected);
    console.log(`run ${String(run).padStart(2)}: ${(at - injected).toFixed(0).padStart(5)} ms  ${result.message.slice(0, 70)}`);
  }
} finally {
  await prometheus.stop();
  await app.close();
}
const sorted = [...times].sort((a, b) => a - b);
const median = (sorted[(sorted.length - 1) >> 1]! + sorted[sorted.length >> 1]!) / 2;
console.log(`\ntime to rollback over ${RUNS} runs (scrape 1 s, interval 1 s): median ${median.toFixed(0)} ms, best ${sorted[0]!.toFixed(0)} ms, worst ${sorted.at(-1)!.toFixed(0)} ms`);
