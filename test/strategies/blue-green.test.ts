import { afterEach, describe, expect, it } from 'vitest';
import { startInstance, startLoadBalancer, type Instance, type LoadBalancer } from '../support/instances';
import { expand, launchThroughDist, postStepOf, rolledBack } from './harness';
import { runSpec } from '../support/engine';

/** Blue and green behind the balancer: `live` picks the pool that / goes to; /pools/<colour>/ previews one. */
const SPEC = `
launch:
  strategy:
    type: blue_green
    live_color: { command: 'curl -fsS "$LB_URL/state/live"' }
    deploy: curl -fsS -X PUT --data "$LAUNCH_VERSION" "$LB_URL/pools/$LAUNCH_COLOR/version"
    pre_switch:
      - { type: http_status, name: preview, endpoint: "\${LB_URL}/pools/\${LAUNCH_COLOR}/health", retries: 1 }
    switch: curl -fsS -X PUT --data "$LAUNCH_COLOR" "$LB_URL/state/live"
    post_switch:
      - { type: http_status, name: checkout, endpoint: "\${LB_URL}/checkout", retries: 2, interval: 100ms }
    bake: 300ms
    scale_down: curl -fsS -X DELETE "$LB_URL/pools/$LAUNCH_COLOR/version"
    scale_down_delay: 200ms
`;

describe('blue_green expansion', () => {
  it('deploys to the idle colour, switches, bakes with post-switch analysis, then scales the old colour down', () => {
    const launch = expand(SPEC.replace(/live_color: .*/, 'live_color: green'));
    expect(launch.phases.map((phase) => [phase.id, phase.env.LAUNCH_COLOR])).toEqual([
      ['blue-green.deploy', 'blue'],
      ['blue-green.switch', 'blue'],
      ['blue-green.bake', 'blue'],
      ['blue-green.scale-down', 'green'],
    ]);
    const [deploy, switched, bake, scaleDown] = launch.phases;
    expect(deploy).toMatchObject({ verify: [expect.objectContaining({ name: 'preview' })], rollback: expect.stringContaining('DELETE') });
    expect(switched!.rollback).toBe(
      'export LAUNCH_COLOR="$LAUNCH_PREVIOUS_COLOR"; curl -fsS -X PUT --data "$LAUNCH_COLOR" "$LB_URL/state/live"',
    );
    expect(switched!.env).toMatchObject({ LAUNCH_PREVIOUS_COLOR: 'green', LAUNCH_NEW_COLOR: 'blue' });
    // Without a command that tells the live colour, nothing reads the switch back.
    expect([switched!.verify, switched!.rollbackVerify]).toEqual([[], []]);
    expect(bake).toMatchObject({ run: 'sleep 0.3', watch: [expect.objectContaining({ name: 'checkout' })], rollback: undefined });
    expect(scaleDown).toMatchObject({
      run: '(sleep 0.2); (curl -fsS -X DELETE "$LB_URL/pools/$LAUNCH_COLOR/version")',
      rollbackOnFailure: false,
    });
  });

  it('reads the switch and the switch back with the live_color command, or read_live_color', () => {
    const readBack = (color: string) => [
      { type: 'command', name: 'live colour', config: { command: 'curl -fsS "$LB_URL/state/live"', timeout: 60_000, prints: color } },
    ];
    const switched = expand(SPEC).phases[1]!;
    expect([switched.verify, switched.rollbackVerify]).toEqual([readBack('{idle}'), readBack('{live}')]);
    const given = expand(
      SPEC.replace(/live_color: .*/, `live_color: green\n    read_live_color: { command: 'curl -fsS "$LB_URL/state/live"' }`),
    ).phases[1]!;
    expect([given.verify, given.rollbackVerify]).toEqual([readBack('blue'), readBack('green')]);
  });

  it('in a plan, names the colours the command will decide', () => {
    const launch = expand(SPEC);
    expect(launch.phases[0]!.name).toBe('Deploy to idle colour {idle}');
    expect(launch.phases[1]!.name).toBe('Switch traffic from {live} to {idle}');
  });

  it('rejects a live colour that is not one of the two', () => {
    expect(() => expand(SPEC.replace(/live_color: .*/, 'live_color: purple'))).toThrow(/'purple' is not one of the colours blue, green/);
  });
});

describe('blue_green switch back with a router', () => {
  it('ends rollback_failed naming the live colour when the router still reads back the new one', async () => {
    // A router whose every write is lost after the switch: it keeps reading back green.
    const { result } = await runSpec(`
launch:
  strategy:
    type: blue_green
    live_color: blue
    deploy: 'true'
    router: { type: command, set_weight: 'true', read_weight: 'echo 100' }
    post_switch: [{ type: command, name: after-switch, command: 'exit 1' }]
`);
    expect(result.status).toBe('rollback_failed');
    expect(result.reason).toContain(
      "rollback failed at phase 'blue-green.switch': rollback traffic: command router reads back green 100%, blue 0%" +
        ', expected green 0%, blue 100%',
    );
  });
});

describe('blue_green through node dist/index.js', () => {
  let blue: (Instance & { close(): Promise<void> }) | undefined;
  let green: (Instance & { close(): Promise<void> }) | undefined;
  let lb: LoadBalancer | undefined;
  afterEach(async () => {
    await Promise.all([blue?.close(), green?.close(), lb?.close()]);
  });

  async function start() {
    const behaviour = { unhealthy: ['v2-unhealthy'], faulty: ['v2-faulty'] };
    blue = await startInstance('v1', behaviour);
    green = await startInstance('', behaviour);
    lb = await startLoadBalancer({ blue, green }, { live: 'blue' });
    return { LB_URL: lb.url };
  }

  it('switches to green after its preview passes, bakes, and scales blue down after the delay', async () => {
    const vars = await start();
    const run = await launchThroughDist(SPEC, { version: 'v2', previousVersion: 'v1', vars });
    expect(run.outputs.status, run.stdout).toBe('succeeded');
    expect(lb!.historyOf('live')).toEqual(['green']);
    expect(green!.history).toEqual(['', 'v2']);
    expect(blue!.history).toEqual(['v1', '']);
    // The bake's analysis went to green through the balancer, after the switch.
    const switchedAt = lb!.changes[0]!.at;
    expect(
      lb!.forwarded
        .filter((request) => request.path === '/checkout')
        .every((request) => request.pool === 'green' && request.at >= switchedAt),
    ).toBe(true);
  });

  it('never switches when the idle colour fails its pre-switch check, and removes it', async () => {
    const vars = await start();
    const run = await launchThroughDist(SPEC, { version: 'v2-unhealthy', previousVersion: 'v1', vars });
    expect(run.outputs.status, run.stdout).toBe('rolled_back');
    expect(run.outputs['failed-phase']).toBe('blue-green.deploy');
    expect(lb!.historyOf('live')).toEqual([]);
    expect(green!.history).toEqual(['', 'v2-unhealthy', '']);
    expect(blue!.history).toEqual(['v1']);
    expect(rolledBack(run.events)).toEqual(['blue-green.deploy']);
  });

  it('switches straight back when post-switch analysis fails, within a second of the failing answer', async () => {
    const vars = await start();
    const run = await launchThroughDist(SPEC, { version: 'v2-faulty', previousVersion: 'v1', vars });
    expect(run.outputs.status, run.stdout).toBe('rolled_back');
    expect(run.outputs['failed-phase']).toBe('blue-green.bake');
    expect(lb!.historyOf('live')).toEqual(['green', 'blue']);
    expect(rolledBack(run.events)).toEqual(['blue-green.switch', 'blue-green.deploy']);
    expect(blue!.history).toEqual(['v1']);
    expect(green!.history).toEqual(['', 'v2-faulty', '']);
    const lastFailure = lb!.forwarded.filter((request) => request.path === '/checkout' && request.status === 500).at(-1)!;
    const switchedBack = lb!.changes.at(-1)!;
    expect(switchedBack.value).toBe('blue');
    expect(switchedBack.at - lastFailure.at).toBeLessThan(1000);
  });

  it('ends rollback_failed naming the live colour when the switch back does not take', async () => {
    const vars = await start();
    // A switch that exits 0 without switching back to blue.
    const spec = SPEC.replace(
      /switch: .*/,
      'switch: test "$LAUNCH_COLOR" = blue || curl -fsS -X PUT --data "$LAUNCH_COLOR" "$LB_URL/state/live"',
    );
    const run = await launchThroughDist(spec, { version: 'v2-faulty', previousVersion: 'v1', vars });
    expect(run.outputs.status, run.stdout).toBe('rollback_failed');
    expect(lb!.historyOf('live')).toEqual(['green']);
    const finished = run.events.find((event) => event.type === 'launch.finished') as { reason?: string };
    expect(finished.reason).toContain(
      `rollback failed at phase 'blue-green.switch': rollback 'live colour' failed` +
        `: \`curl -fsS "$LB_URL/state/live"\` printed 'green', expected 'blue'`,
    );
    // Green carries the traffic, so its deploy is held, not undone: undoing it would be an outage.
    expect(green!.history.at(-1)).toBe('v2-faulty');
    expect(finished.reason).toContain(
      "phase 'blue-green.deploy': held, not undone: traffic is not back where it was (rollback of phase 'blue-green.switch' failed)",
    );
  });

  it('after a launch cancelled past the switch, the post step switches back to the colour live before the launch', async () => {
    const vars = await start();
    const main = await launchThroughDist(SPEC.replace('bake: 300ms', 'bake: 20s'), {
      version: 'v2',
      previousVersion: 'v1',
      vars,
      interruptWhen: '[blue-green.bake]',
    });
    expect(main.outputs.status).toBe('failed');
    expect(JSON.parse(main.state.strategy!)).toMatchObject({ type: 'blue_green', live_color: 'blue' });
    const post = await postStepOf(main);
    expect(post.exitCode, post.stdout).toBe(0);
    // The saved resolution is used: asking live_color.command again would have named green as the old colour.
    expect(lb!.historyOf('live')).toEqual(['green', 'blue']);
    expect(blue!.history).toEqual(['v1']);
    expect(green!.history).toEqual(['', 'v2', '']);
  });
});
