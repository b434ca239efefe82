// The canary demo (`npm run demo`): the orders service (1.0.0 stable, an empty canary slot), a weighted
// load balancer with a JSON admin API and steady user traffic, all in this process on 127.0.0.1; then
// the shipped CLI launches 2.0.0 as a canary through the `http` router, measuring the service's error
// rate with the `web` provider, and rolls it back when the rate breaks its limit.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchWithCli } from '../launch-cli.mjs';
import { startBalancer } from './balancer.mjs';
import { startOrders, WINDOW } from './orders.mjs';
import { RATE, startTraffic } from './traffic.mjs';

/** The 25 % pause: the step whose analysis must breach (steps 1-2 are 10 %, 3-4 are 25 %). */
export const BREACHING_PHASE = 'canary.step-4.pause';
const BOUND_MS = 20_000;

/** Waits, with a bound, until `done()` holds. */
async function until(done, what) {
  const deadline = Date.now() + BOUND_MS;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`the demo gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const percent = (value) => `${(value * 100).toFixed(1)} %`;
const sum = (counts) => Object.values(counts).reduce((total, n) => total + n, 0);

/** Resolves to the demo's exit status: 0 when it went as described. */
export async function runCanaryDemo() {
  const dir = mkdtempSync(join(tmpdir(), 'launch-action-canary-demo-'));
  writeFileSync(join(dir, 'stable-version'), '1.0.0');
  const orders = await startOrders(dir);
  const balancer = await startBalancer(orders.ports);
  const traffic = startTraffic(balancer.url);
  try {
    console.log(
      `orders service: 1.0.0 in the stable slot (127.0.0.1:${orders.ports.stable})` +
        `, an empty canary slot (127.0.0.1:${orders.ports.canary})`,
    );
    console.log(
      `load balancer: ${balancer.url}, admin API ${balancer.adminUrl}/routes/orders; ${RATE} requests/s of user traffic through it`,
    );
    console.log(
      `2.0.0 fails 3 in 10 of its requests; the launch measures the service's error rate` +
        ` (${balancer.url}/metrics, last ${WINDOW} requests) against max 5 %\n`,
    );
    await until(() => orders.summary().requests >= WINDOW, `${WINDOW} requests of traffic`);

    const args = [
      '--version',
      '2.0.0',
      '--previous-version',
      '1.0.0',
      '--var',
      `BASE_URL=${balancer.url}`,
      '--var',
      `BALANCER_ADMIN=${balancer.adminUrl}`,
      '--var',
      `DEMO_DIR=${dir}`,
    ];
    const { status, report } = await launchWithCli('demo/canary/launch.yml', args, dir);

    // What users get now: the balancer's live route, read as the router reads it, and the traffic since.
    traffic.reset();
    const route = await (await fetch(`${balancer.adminUrl}/routes/orders`)).json();
    await until(() => sum(traffic.counts()) >= WINDOW, `${WINDOW} requests after the launch`);
    const since = traffic.counts();
    const weights = { stable: route.backends.stable.weight, canary: route.backends.canary.weight };

    const measurements = (report?.events ?? []).filter((event) => event.type === 'measurement');
    const breach = measurements.find((event) => event.verdict === 'fail');
    const before = measurements.slice(0, measurements.indexOf(breach));
    console.log(`\nafter the launch: the balancer routes stable ${weights.stable} %, canary ${weights.canary} %`);
    console.log(
      `the ${sum(since)} requests since: ${Object.entries(since)
        .map(([answer, n]) => `${n} × ${answer}`)
        .join(', ')}`,
    );
    if (breach)
      console.log(
        `the error rate breached in "${breach.phase}" at ${percent(breach.value)} (max ${percent(breach.bounds.max)})` +
          `, after ${before.length} measurement(s) within the limit`,
      );

    const asExpected =
      status === 1 &&
      report?.status === 'rolled_back' &&
      breach?.phase === BREACHING_PHASE &&
      before.length > 0 &&
      before.every((event) => event.verdict === 'pass') &&
      weights.stable === 100 &&
      weights.canary === 0 &&
      Object.keys(since).every((answer) => answer === '1.0.0 200');
    console.log(
      asExpected ? 'demo complete: the canary broke the error-rate limit at 25 % and went back to 0 %' : 'demo did not go as expected',
    );
    return asExpected ? 0 : 1;
  } finally {
    traffic.stop();
    await balancer.stop();
    await orders.stop();
  }
}
