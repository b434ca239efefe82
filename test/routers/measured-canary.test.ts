import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSpec, eventsOf } from '../support/engine';
import { waitFor } from '../support/wait-for';
import { appVersionsForTests, sample, startHaproxy, startNginx, steadyLoad, type AppVersion } from '../support/traffic-servers';

const WEIGHTS = [10, 25, 50, 100];
const SAMPLE = 1000;

/** Canary steps that each wait, at their weight, for the test to measure the split; then a breach. */
function canarySpec(router: string, goDir: string): string {
  const steps = WEIGHTS.flatMap((weight) => [`      - set_weight: ${weight}`, '      - pause: {}']).join('\n');
  return `
launch:
  vars: { GO_DIR: ${JSON.stringify(goDir)} }
  strategy:
    type: canary
    deploy: 'true'
    remove: 'true'
    router:
${router}
    approval: { command: 'touch "$GO_DIR/at-$LAUNCH_WEIGHT"; test -f "$GO_DIR/go-$LAUNCH_WEIGHT"', interval: 20ms, timeout: 60s }
    steps:
${steps}
      - analysis: [{ type: command, name: breach, command: 'exit 1' }]
`;
}

interface Measured {
  shares: Record<number, number>;
  afterRollback: Record<string, number>;
  dropped: string[];
  served: number;
  status: string;
  rollbackMs: number;
}

/**
 * Runs the canary while a steady load runs, measuring the canary's share at every step and after the
 * rollback. With `keyed` (a split_clients router), sample request i asks for keyed(i).
 */
async function measureCanary(
  apps: { v1: AppVersion; v2: AppVersion },
  router: string,
  port: number,
  settle: () => Promise<void>,
  keyed?: (i: number) => string,
): Promise<Measured> {
  const goDir = mkdtempSync(join(tmpdir(), 'canary-steps-'));
  const load = steadyLoad(port);
  const run = runSpec(canarySpec(router, goDir));
  const shares: Record<number, number> = {};
  for (const weight of WEIGHTS) {
    await waitFor(() => existsSync(join(goDir, `at-${weight}`)), `the canary to wait at ${weight}%`, 20_000);
    await settle();
    if (keyed) {
      // split_clients decides each request by its key alone, with no rotation shared with the load: its answers are the count.
      shares[weight] = ((await sample(port, SAMPLE, keyed)).v2 ?? 0) / (SAMPLE / 100);
      writeFileSync(join(goDir, `go-${weight}`), '');
      continue;
    }
    // Counted where the requests arrive, the steady load's too: both draw from one weighted rotation,
    // so the sample's answers alone could catch one side of it more often (a stalled load request holds a turn).
    const before = { stable: apps.v1.received, canary: apps.v2.received };
    await sample(port, SAMPLE);
    const canary = apps.v2.received - before.canary;
    shares[weight] = (canary / (canary + apps.v1.received - before.stable)) * 100;
    writeFileSync(join(goDir, `go-${weight}`), '');
  }
  const { result, events } = await run;
  await settle();
  const afterRollback = await sample(port, SAMPLE, keyed);
  const { ok, failures } = await load.stop();
  const started = eventsOf(events, 'rollback.started')[0]!;
  const reset = eventsOf(events, 'rollback.phase').find((event) => event.phase === 'canary.step-1.weight-10')!;
  return { shares, afterRollback, dropped: failures, served: ok, status: result.status, rollbackMs: reset.at - started.at };
}

function expectMeasured(measured: Measured): void {
  for (const weight of WEIGHTS)
    expect(Math.abs(measured.shares[weight]! - weight), `canary share at ${weight}%: ${measured.shares[weight]}%`).toBeLessThanOrEqual(3);
  expect(measured.status).toBe('rolled_back');
  expect(measured.afterRollback).toEqual({ v1: SAMPLE });
  expect(measured.dropped).toEqual([]);
  expect(measured.served).toBeGreaterThan(100);
  expect(measured.rollbackMs).toBeLessThan(1000);
}

describe('canary through real routers, measured', () => {
  const apps = appVersionsForTests();

  it('nginx: each step sends its weight to the canary (±3 of 1,000 requests), reloads drop none, a breach puts all on stable', async () => {
    const nginx = await startNginx({ stable: apps.v1.address, canary: apps.v2.address });
    try {
      expectMeasured(await measureCanary(apps, nginx.routerYaml(), nginx.port, () => nginx.reloaded()));
    } finally {
      await nginx.stop();
    }
  }, 60_000);

  it('nginx split_clients: the canary gets each step’s weight of 1,000 keys, reloads drop none, a breach puts all on stable', async () => {
    const nginx = await startNginx({ stable: apps.v1.address, canary: apps.v2.address }, { splitClients: '$arg_client' });
    try {
      // Fixed keys: the hash is deterministic, so the measured shares are the same every run.
      expectMeasured(
        await measureCanary(
          apps,
          nginx.routerYaml(),
          nginx.port,
          () => nginx.reloaded(),
          (i) => `/?client=user-${i}`,
        ),
      );
    } finally {
      await nginx.stop();
    }
  }, 60_000);

  it('haproxy: each step sends its weight to the canary through the Runtime API, with no reload and nothing dropped', async () => {
    const haproxy = await startHaproxy({
      stable: { address: apps.v1.address, weight: 100 },
      canary: { address: apps.v2.address, weight: 0 },
    });
    try {
      const router = `      type: haproxy
      socket: ${JSON.stringify(haproxy.socket)}
      backend: app
      servers: { stable: stable, canary: canary }`;
      expectMeasured(await measureCanary(apps, router, haproxy.port, async () => {}));
    } finally {
      await haproxy.stop();
    }
  }, 60_000);
});
