import { afterEach, describe, expect, it } from 'vitest';
import { startInstance, startLoadBalancer, type Instance, type LoadBalancer } from '../support/instances';
import { waitFor } from '../support/wait-for';
import { expand, launchThroughDist, rolledBack } from './harness';

const COMMANDS = `
    deploy: curl -fsS -X PUT --data "$LAUNCH_VERSION" "$LB_URL/pools/canary/version"
    set_weight: curl -fsS -X PUT --data "$LAUNCH_WEIGHT" "$LB_URL/state/weight"
    remove: curl -fsS -X DELETE "$LB_URL/pools/canary/version"`;

/** Argo-style steps: weights, a timed pause, an inline analysis, and a pause that waits for approval. */
const SPEC = `
launch:
  strategy:
    type: canary${COMMANDS}
    promote: curl -fsS -X PUT --data "$LAUNCH_VERSION" "$LB_URL/pools/stable/version"
    analysis:
      - { type: http_status, name: canary-health, endpoint: "\${LB_URL}/pools/canary/health", retries: 1 }
    approval: { command: 'curl -fsS "$LB_URL/state/approved"', interval: 100ms, timeout: 30s }
    steps:
      - set_weight: 5
      - pause: 200ms
      - analysis:
          - { type: http_status, name: checkout, endpoint: "\${LB_URL}/pools/canary/checkout", retries: 1 }
      - set_weight: 25
      - pause: {}
      - set_weight: 50
      - set_weight: 75
      - set_weight: 100
`;

describe('canary expansion', () => {
  it("expresses the brief's 1% → 10% → 100%", () => {
    const launch = expand(`
launch:
  strategy:
    type: canary${COMMANDS}
    steps: [{ set_weight: 1 }, { pause: 10m }, { set_weight: 10 }, { pause: { duration: 1h } }, { set_weight: 100 }]
`);
    expect(launch.phases.map((phase) => [phase.id, phase.env.LAUNCH_WEIGHT, phase.run])).toEqual([
      ['canary.deploy', '0', expect.stringContaining('/pools/canary/version')],
      ['canary.step-1.weight-1', '1', expect.stringContaining('/state/weight')],
      ['canary.step-2.pause', '1', 'sleep 600'],
      ['canary.step-3.weight-10', '10', expect.stringContaining('/state/weight')],
      ['canary.step-4.pause', '10', 'sleep 3600'],
      ['canary.step-5.weight-100', '100', expect.stringContaining('/state/weight')],
    ]);
  });

  it('undoes the first weight straight to 0 and the deploy by removing the canary; later steps undo nothing', () => {
    const launch = expand(SPEC);
    const rollbacks = launch.phases.filter((phase) => phase.rollback).map((phase) => [phase.id, phase.rollback]);
    expect(rollbacks).toEqual([
      ['canary.deploy', 'curl -fsS -X DELETE "$LB_URL/pools/canary/version"'],
      ['canary.step-1.weight-5', 'export LAUNCH_WEIGHT=0; curl -fsS -X PUT --data "$LAUNCH_WEIGHT" "$LB_URL/state/weight"'],
    ]);
  });

  it('runs background analysis during pauses, inline analysis as a step, and polls for approval', () => {
    const phases = expand(SPEC).phases;
    const byId = new Map(phases.map((phase) => [phase.id, phase]));
    expect(phases.map((phase) => phase.id)).toEqual([
      'canary.deploy',
      'canary.step-1.weight-5',
      'canary.step-2.pause',
      'canary.step-3.analysis',
      'canary.step-4.weight-25',
      'canary.step-5.approval',
      'canary.step-6.weight-50',
      'canary.step-7.weight-75',
      'canary.step-8.weight-100',
      'canary.promote',
    ]);
    expect(byId.get('canary.step-2.pause')!.watch.map((check) => check.name)).toEqual(['canary-health']);
    expect(byId.get('canary.step-3.analysis')).toMatchObject({ run: undefined, verify: [expect.objectContaining({ name: 'checkout' })] });
    const approval = byId.get('canary.step-5.approval')!;
    expect(approval.run).toBe(
      '# wait for approval: the command exits 0 once approved\nuntil (\ncurl -fsS "$LB_URL/state/approved"\n); do\n  sleep 0.1\ndone',
    );
    expect(approval).toMatchObject({ timeoutMs: 30_000, watch: [expect.objectContaining({ name: 'canary-health' })] });
  });

  it('asks for an approval command when a pause has no duration', () => {
    expect(() => expand(SPEC.replace(/ {4}approval: .*\n/, ''))).toThrow(
      /a pause without a duration waits for approval: set strategy.approval.command/,
    );
  });

  it('takes exactly one kind per step', () => {
    expect(() => expand(SPEC.replace('- set_weight: 50', '- { set_weight: 50, pause: 1m }'))).toThrow(
      /a step is exactly one of set_weight, pause, analysis \(got set_weight and pause\)/,
    );
  });
});

describe('canary through node dist/index.js', () => {
  let stable: (Instance & { close(): Promise<void> }) | undefined;
  let canary: (Instance & { close(): Promise<void> }) | undefined;
  let lb: LoadBalancer | undefined;
  afterEach(async () => {
    await Promise.all([stable?.close(), canary?.close(), lb?.close()]);
  });

  async function start() {
    stable = await startInstance('v1');
    canary = await startInstance('', { unhealthy: ['v2-unhealthy'] });
    lb = await startLoadBalancer({ stable, canary }, { weight: '0' });
    return { LB_URL: lb.url };
  }

  it('walks 5 → 25, waits at 25 until approved, then 50 → 75 → 100 and promotes', async () => {
    const vars = await start();
    const launched = launchThroughDist(SPEC, { version: 'v2', previousVersion: 'v1', vars });
    const approvalPolls = () => lb!.requests.filter((request) => request.path === '/state/approved').length;
    await waitFor(() => approvalPolls() >= 3, 'three polls of the approval command', 20_000);
    // Held at 25% while unapproved.
    expect(lb!.state.get('weight')).toBe('25');
    await fetch(`${lb!.url}/state/approved`, { method: 'PUT', body: 'yes' });
    const run = await launched;
    expect(run.outputs.status, run.stdout).toBe('succeeded');
    expect(lb!.historyOf('weight')).toEqual(['5', '25', '50', '75', '100']);
    const approvedAt = lb!.changes.find((change) => change.key === 'approved')!.at;
    expect(lb!.changes.find((change) => change.value === '50')!.at).toBeGreaterThanOrEqual(approvedAt);
    expect(stable!.history).toEqual(['v1', 'v2']);
  });

  it('on a failing first analysis, takes the weight back to 0 and removes the canary', async () => {
    const vars = await start();
    const run = await launchThroughDist(SPEC, { version: 'v2-unhealthy', previousVersion: 'v1', vars });
    expect(run.outputs.status, run.stdout).toBe('rolled_back');
    expect(run.outputs['failed-phase']).toBe('canary.step-2.pause');
    expect(lb!.historyOf('weight')).toEqual(['5', '0']);
    expect(rolledBack(run.events)).toEqual(['canary.step-1.weight-5', 'canary.deploy']);
    expect(canary!.history).toEqual(['', 'v2-unhealthy', '']);
    expect(stable!.history).toEqual(['v1']);
  });
});
