import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, sendText, type TestServer } from '../support/http-server';
import { eventsOf, runSpec } from '../support/engine';
import { prepareLaunch } from '../../src/spec/prepare';
import { parseSpec } from '../../src/spec/load';
import { renderPlan } from '../../src/report/plan';
import { defaultSettings } from '../../src/settings/inputs';
import { thresholdWarnings } from '../../src/metrics/definition/thresholds';
import { checkLaunch } from '../../src/runner/check-launch';

/** Instances whose /health fails the first `failures` requests of each, then answers 200. */
let instances: TestServer[];
const failuresLeft = new Map<string, number>();
const served = new Map<string, number>();

beforeAll(async () => {
  instances = await Promise.all(
    [0, 1].map(() =>
      startServer((req, res) => {
        const host = req.headers.host!;
        served.set(host, (served.get(host) ?? 0) + 1);
        const left = failuresLeft.get(host) ?? 0;
        if (left > 0) failuresLeft.set(host, left - 1);
        sendText(res, left > 0 ? 503 : 200, left > 0 ? 'starting' : 'ok');
      }),
    ),
  );
});
afterAll(async () => {
  await Promise.all(instances.map((server) => server.close()));
});

function failFirst(count: number): void {
  served.clear();
  for (const server of instances) failuresLeft.set(new URL(server.url).host, count);
}

const hosts = () => instances.map((server) => new URL(server.url).host);

function rolling(threshold: string): string {
  return `launch:
  ${threshold}
  strategy:
    type: rolling
    instances: [${hosts().join(', ')}]
    max_failed: 1
    update: echo "update $LAUNCH_INSTANCE"
    rollback: echo "rollback $LAUNCH_INSTANCE"
    health_check: { endpoint: "http://\${LAUNCH_INSTANCE}/health", retries: 5, interval: 10ms }
`;
}

describe('rollback_threshold.health_check_failures, with no metrics provider', () => {
  it('fails the check at the 4th failed attempt of a limit of 3, however many retries it has left', async () => {
    failFirst(100);
    const spec = `launch:
  rollback_threshold: { health_check_failures: 3 }
  phases:
    - id: health
      run: "true"
      gates: [{ type: http_status, endpoint: "${instances[0]!.url}/health", retries: 10, interval: 10ms }]
`;
    const run = await runSpec(spec);
    expect(run.result.status).toBe('rolled_back');
    expect(run.result.reason).toMatch(
      /^gate 'http_status' failed: GET http:\/\/127\.0\.0\.1:\d+\/health → 503, expected 200: health_check_failures = 4 breached max 3 \(failed health-check attempts in this launch\)$/,
    );
    expect(served.get(hosts()[0]!)).toBe(4);
    expect(
      run.output.filter((line) => /attempt \d of 10/.test(line)).map((line) => line.replace(/^.*\((health_check_failures = \d) .*$/, '$1')),
    ).toEqual(['health_check_failures = 1', 'health_check_failures = 2', 'health_check_failures = 3', 'health_check_failures = 4']);
  });

  it("counts a rolling launch's instance checks together, and no max_failed budget tolerates the breach", async () => {
    // Each instance fails twice, then passes: every check passes on its own, the launch has 4 failed attempts.
    failFirst(2);
    const run = await runSpec(rolling('rollback_threshold: { health_check_failures: 3 }'));
    expect(run.result.status).toBe('rolled_back');
    expect(run.result.reason).toMatch(/verify 'health' failed: .*health_check_failures = 4 breached max 3/);
    expect(run.result.toleratedFailures).toEqual([]);
    expect(
      eventsOf(run.events, 'rollback.phase')
        .filter((event) => !event.skipped)
        .map((event) => event.phase),
    ).toEqual([`rolling.${hosts()[1]!.replace(':', '-')}`, `rolling.${hosts()[0]!.replace(':', '-')}`]);
  });

  it('lets the same launch through within the limit, and without a threshold', async () => {
    failFirst(2);
    expect((await runSpec(rolling('rollback_threshold: { health_check_failures: 4 }'))).result.status).toBe('succeeded');
    failFirst(2);
    expect((await runSpec(rolling('environment: production'))).result.status).toBe('succeeded');
  });

  it('is enforced without a metric, shown in the plan; a metric of its name takes over', () => {
    const launch = prepareLaunch(parseSpec(rolling('rollback_threshold: { health_check_failures: 3 }'), 'launch.yml'));
    expect(thresholdWarnings(launch)).toEqual([]);
    const plan = renderPlan(launch, checkLaunch(launch, defaultSettings()), {}, process.cwd());
    expect(plan.text).toContain(
      'health_check_failures: at most 3 failed http_status attempts in the whole launch (counted here, no provider)',
    );
    const own = prepareLaunch(
      parseSpec(
        `launch:
  rollback_threshold: { health_check_failures: 3 }
  metrics: { health_check_failures: { provider: prometheus, query: sum(probe_failures) } }
  phases: [{ id: a, run: "true" }]
`,
        'launch.yml',
      ),
    );
    expect(renderPlan(own, checkLaunch(own, defaultSettings()), {}, process.cwd()).text).not.toContain('counted here');
    expect(own.phases[0]!.watch.map((check) => check.name)).toEqual(['rollback_threshold.health_check_failures']);
  });
});
