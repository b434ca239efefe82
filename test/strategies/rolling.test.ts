import { afterEach, describe, expect, it } from 'vitest';
import { startFleet, startLoadBalancer, type Fleet, type LoadBalancer } from '../support/instances';
import { eventsOf, expand, launchThroughDist, postStepOf, rolledBack } from './harness';

/** A rolling spec over `instances`: curl drives the load balancer and each instance's version switch. */
function rollingSpec(instances: string[], extra = ''): string {
  return `
launch:
  strategy:
    type: rolling
    instances: [${instances.join(', ')}]
    drain: curl -fsS -X PUT --data drained "$LB_URL/state/drained/$LAUNCH_INSTANCE"
    update: curl -fsS -X PUT --data "$LAUNCH_VERSION" "http://$LAUNCH_INSTANCE/version"
    undrain: curl -fsS -X PUT --data serving "$LB_URL/state/drained/$LAUNCH_INSTANCE"
    rollback: curl -fsS -X PUT --data "$LAUNCH_PREVIOUS_VERSION" "http://$LAUNCH_INSTANCE/version"
    health_check: { endpoint: "http://\${LAUNCH_INSTANCE}/health", retries: 2, interval: 50ms }
${extra.replace(/^/gm, '    ')}
`;
}

describe('rolling expansion', () => {
  const five = ['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80', '10.0.0.4:80', '10.0.0.5:80'];

  it('makes an update phase per instance, batched, with its health check, then returns the batch to service', () => {
    const launch = expand(rollingSpec(five, 'batch_size: 2\nbatch_pause: 2s'));
    expect(launch.phases.map((phase) => [phase.id, phase.batch ?? null])).toEqual([
      ['rolling.10.0.0.1-80', 'rolling.batch-1'],
      ['rolling.10.0.0.2-80', 'rolling.batch-1'],
      ['rolling.10.0.0.1-80.ready', 'rolling.batch-1.ready'],
      ['rolling.10.0.0.2-80.ready', 'rolling.batch-1.ready'],
      ['rolling.pause-1', null],
      ['rolling.10.0.0.3-80', 'rolling.batch-2'],
      ['rolling.10.0.0.4-80', 'rolling.batch-2'],
      ['rolling.10.0.0.3-80.ready', 'rolling.batch-2.ready'],
      ['rolling.10.0.0.4-80.ready', 'rolling.batch-2.ready'],
      ['rolling.pause-2', null],
      ['rolling.10.0.0.5-80', 'rolling.batch-3'],
      ['rolling.10.0.0.5-80.ready', 'rolling.batch-3.ready'],
    ]);
    const [update, , ready, , pause] = launch.phases;
    expect(update).toMatchObject({
      env: { LAUNCH_INSTANCE: '10.0.0.1:80', LAUNCH_BATCH: '1' },
      run:
        '(curl -fsS -X PUT --data drained "$LB_URL/state/drained/$LAUNCH_INSTANCE")' +
        '; (curl -fsS -X PUT --data "$LAUNCH_VERSION" "http://$LAUNCH_INSTANCE/version")',
      rollback:
        '(curl -fsS -X PUT --data "$LAUNCH_PREVIOUS_VERSION" "http://$LAUNCH_INSTANCE/version")' +
        '; (curl -fsS -X PUT --data serving "$LB_URL/state/drained/$LAUNCH_INSTANCE")',
      failureBudget: undefined,
    });
    expect(update!.verify).toEqual([
      {
        type: 'http_status',
        name: 'health',
        config: expect.objectContaining({ endpoint: 'http://${LAUNCH_INSTANCE}/health', retries: 2, interval: 50 }),
      },
    ]);
    // Back in service only once healthy; undone by draining it again.
    expect(ready).toMatchObject({
      gates: update!.verify,
      run: expect.stringContaining('--data serving'),
      rollback: expect.stringContaining('--data drained'),
    });
    expect(pause).toMatchObject({ run: 'sleep 2', rollback: undefined });
  });

  it('turns max_failed into a failure budget and a percentage batch into a count', () => {
    const launch = expand(rollingSpec(five, 'batch_size: "40%"\nmax_failed: "20%"'));
    expect(launch.phases.filter((phase) => phase.batch === 'rolling.batch-1')).toHaveLength(2);
    // One instance's two phases count as one failure of it (subject) in the outcome.
    expect(launch.phases[0]!.failureBudget).toEqual({ group: 'rolling', maxFailures: 1, subject: 'rolling.10.0.0.1-80' });
    expect(launch.phases[2]!.failureBudget).toEqual({ group: 'rolling.ready', maxFailures: 1, subject: 'rolling.10.0.0.1-80' });
  });

  it('reads a whole number as a count of instances: max_failed 1 tolerates one of five, max_failed 2 two', () => {
    expect(expand(rollingSpec(five, 'max_failed: 1')).phases[0]!.failureBudget).toMatchObject({ group: 'rolling', maxFailures: 1 });
    expect(expand(rollingSpec(five, 'max_failed: 2')).phases[0]!.failureBudget).toMatchObject({ group: 'rolling', maxFailures: 2 });
  });

  it('refuses a fraction where a count or a percentage belongs, naming the percentage to write', () => {
    expect(() => expand(rollingSpec(five, 'max_failed: 0.5'))).toThrow(/max_failed.*0\.5 is not a count of instances.*"50%"/s);
    expect(() => expand(rollingSpec(five, 'batch_size: 0.25'))).toThrow(/batch_size.*"25%"/s);
    expect(() => expand(rollingSpec(five, 'max_unavailable: 1.5'))).toThrow(/max_unavailable.*whole number of instances/s);
  });

  it('refuses a max_failed that tolerates every instance failing', () => {
    expect(() => expand(rollingSpec(five, 'max_failed: 5'))).toThrow(/max_failed 5 tolerates every one of the 5 instance/);
    expect(() => expand(rollingSpec(five, 'max_failed: "100%"'))).toThrow(/tolerates every one of the 5/);
  });

  it('in a plan, shows one phase for instances a command lists at launch, and runs nothing', () => {
    const launch = expand(rollingSpec([]).replace('instances: []', 'instances: { command: "touch /tmp/never-run; aws ec2 list" }'));
    expect(launch.phases.map((phase) => phase.id)).toEqual(['rolling.each-instance', 'rolling.each-instance.ready']);
    expect(launch.phases[0]!.name).toBe(
      'Update {instance} (each instance from `touch /tmp/never-run; aws ec2 list` (resolved at launch), batch_size 1)',
    );
    expect(launch.phases[0]!.env.LAUNCH_INSTANCE).toBe('{instance}');
  });

  it('refuses a pool where a batch plus tolerated failures exceeds max_unavailable', () => {
    expect(() => expand(rollingSpec(five, 'batch_size: 2\nmax_failed: "20%"\nmax_unavailable: 2'))).toThrow(
      /3 of 5 instances could be out of service at once, above max_unavailable 2/,
    );
  });

  it('refuses a rolling launch without a health check', () => {
    expect(() => expand(rollingSpec(five).replace(/ {4}health_check:.*\n/, ''))).toThrow(/needs a health_check/);
  });
});

describe('rolling through node dist/index.js', () => {
  let fleet: Fleet | undefined;
  let lb: LoadBalancer | undefined;
  afterEach(async () => {
    await Promise.all([fleet?.close(), lb?.close()]);
  });

  async function start(count: number, options: { unhealthy?: string[]; brokenHosts?: number[] } = {}) {
    fleet = await startFleet(count, 'v1', { unhealthy: options.unhealthy });
    for (const index of options.brokenHosts ?? []) fleet.instances[index]!.broken = true;
    lb = await startLoadBalancer({});
    return { addresses: fleet.instances.map((instance) => instance.address), vars: { LB_URL: lb.url } };
  }

  /** The most instances out of the load balancer at any one time. */
  function peakDrained(balancer: LoadBalancer): number {
    const drained = new Set<string>();
    let peak = 0;
    for (const change of balancer.changes) {
      if (change.value === 'drained') drained.add(change.key);
      else drained.delete(change.key);
      peak = Math.max(peak, drained.size);
    }
    return peak;
  }

  it('updates every instance, two at a time, each drained, updated, checked and returned to service', async () => {
    const { addresses, vars } = await start(6);
    const run = await launchThroughDist(rollingSpec(addresses, 'batch_size: 2'), { version: 'v2', previousVersion: 'v1', vars });
    expect(run.outputs.status, run.stdout).toBe('succeeded');
    expect(fleet!.instances.map((instance) => instance.history)).toEqual(Array.from({ length: 6 }, () => ['v1', 'v2']));
    expect(peakDrained(lb!)).toBe(2);
    expect([...lb!.state.values()]).toEqual(Array.from({ length: 6 }, () => 'serving'));
    // Batches in order: no instance of batch 2 was touched before batch 1 was back in service.
    const firstOfBatch2 = lb!.changes.findIndex((change) => change.key === `drained/${addresses[2]}`);
    const lastOfBatch1 = lb!.changes.findLastIndex((change) => change.key === `drained/${addresses[1]}`);
    expect(firstOfBatch2).toBeGreaterThan(lastOfBatch1);
  });

  it('stops a bad build in its first batch: of 20 instances only 2 were ever updated, and both were put back', async () => {
    const { addresses, vars } = await start(20, { unhealthy: ['v2-bad'] });
    const run = await launchThroughDist(rollingSpec(addresses, 'batch_size: 2'), { version: 'v2-bad', previousVersion: 'v1', vars });
    expect(run.outputs.status, run.stdout).toBe('rolled_back');
    expect(run.outputs['failed-phase']).toMatch(/^rolling\.127\.0\.0\.1-\d+$/);
    const histories = fleet!.instances.map((instance) => instance.history);
    expect(histories.slice(0, 2)).toEqual([
      ['v1', 'v2-bad', 'v1'],
      ['v1', 'v2-bad', 'v1'],
    ]);
    expect(histories.slice(2)).toEqual(Array.from({ length: 18 }, () => ['v1']));
    // Both are back in the load balancer; no other instance was ever drained.
    expect(lb!.changes.map((change) => change.key).sort()).toEqual(
      [...Array(2).fill(`drained/${addresses[0]}`), ...Array(2).fill(`drained/${addresses[1]}`)].sort(),
    );
    expect([...lb!.state.values()]).toEqual(['serving', 'serving']);
    expect(rolledBack(run.events)).toEqual([`rolling.${addresses[1]!.replace(':', '-')}`, `rolling.${addresses[0]!.replace(':', '-')}`]);
  });

  it('tolerates failures up to max_failed, keeping a failed instance out of service', async () => {
    const { addresses, vars } = await start(10, { brokenHosts: [3] });
    const run = await launchThroughDist(rollingSpec(addresses, 'batch_size: 2\nmax_failed: "10%"'), {
      version: 'v2',
      previousVersion: 'v1',
      vars,
    });
    expect(run.outputs.status, run.stdout).toBe('succeeded');
    // Never a plain success: the final line, the summary and an output say a failure was tolerated.
    const failed = `rolling.${addresses[3]!.replace(':', '-')}`;
    expect(run.outputs['tolerated-failures']).toBe('1');
    expect(run.stdout).toMatch(
      new RegExp(`launch succeeded with 1 tolerated failure\\(s\\) in .*\\(failed, tolerated: ${failed.replace(/\./g, '\\.')}\\)`),
    );
    expect(run.stdout).not.toMatch(/✅ launch succeeded/);
    expect(run.summary).toContain('## ⚠️ Launch succeeded with 1 tolerated failure(s)');
    expect(fleet!.instances.map((instance) => instance.version)).toEqual(Array(10).fill('v2'));
    expect(lb!.state.get(`drained/${addresses[3]}`)).toBe('drained');
    expect([...lb!.state.entries()].filter(([, value]) => value === 'serving')).toHaveLength(9);
    expect(eventsOf(run.events, 'warning').map((warning) => warning.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/tolerated \(1 of 1 allowed failures in 'rolling'\)/)]),
    );
  });

  it('past max_failed, puts every updated instance back on the previous version and never touches the rest', async () => {
    const { addresses, vars } = await start(10, { brokenHosts: [1, 4] });
    const run = await launchThroughDist(rollingSpec(addresses, 'batch_size: 2\nmax_failed: 1'), {
      version: 'v2',
      previousVersion: 'v1',
      vars,
    });
    expect(run.outputs.status, run.stdout).toBe('rolled_back');
    const histories = fleet!.instances.map((instance) => instance.history);
    expect(histories.slice(0, 6)).toEqual(Array.from({ length: 6 }, () => ['v1', 'v2', 'v1']));
    expect(histories.slice(6)).toEqual(Array.from({ length: 4 }, () => ['v1']));
    expect(new Set(lb!.state.values())).toEqual(new Set(['serving']));
    expect(lb!.state.size).toBe(6);
  });

  it('max_failed: 1 is one instance: with all 20 instances failing, the first batch rolls back', async () => {
    const { addresses, vars } = await start(20, { unhealthy: ['v2-bad'] });
    const spec = rollingSpec(addresses, 'batch_size: 2\nmax_failed: 1');
    const plan = await launchThroughDist(spec, { mode: 'plan', vars });
    expect(plan.stdout).toContain('Strategy rolling: 20 instance(s): batch size 2, tolerated failures 1, max unavailable 3');
    const run = await launchThroughDist(spec, { version: 'v2-bad', previousVersion: 'v1', vars });
    expect(run.outputs.status, run.stdout).toBe('rolled_back');
    expect(run.outputs['tolerated-failures']).toBe('1');
    const histories = fleet!.instances.map((instance) => instance.history);
    expect(histories.slice(0, 2)).toEqual(Array.from({ length: 2 }, () => ['v1', 'v2-bad', 'v1']));
    expect(histories.slice(2)).toEqual(Array.from({ length: 18 }, () => ['v1']));
  });

  it('lists instances with a command at launch, and only names that command in a plan', async () => {
    const { addresses, vars } = await start(3);
    const spec = rollingSpec([]).replace('instances: []', 'instances: { command: "echo \\"$POOL\\"" }');
    const env = { ...vars, POOL: addresses.join(' ') };
    const plan = await launchThroughDist(spec, { mode: 'plan', vars: env });
    expect(plan.outputs.status).toBe('planned');
    expect(plan.stdout).toContain(
      'Update {instance} (each instance from `echo "$POOL"` (resolved at launch), batch_size 1) [rolling.each-instance]',
    );
    expect(plan.stdout).toContain(
      'Strategy rolling: instances from `echo "$POOL"`, counted at launch' +
        ': batch size 1, tolerated failures 0, max unavailable a batch plus the tolerated failures',
    );
    expect(fleet!.instances.map((instance) => instance.history)).toEqual([['v1'], ['v1'], ['v1']]);

    const run = await launchThroughDist(spec, { version: 'v2', previousVersion: 'v1', vars: env });
    expect(run.outputs.status, run.stdout).toBe('succeeded');
    expect(fleet!.instances.map((instance) => instance.history)).toEqual([
      ['v1', 'v2'],
      ['v1', 'v2'],
      ['v1', 'v2'],
    ]);
  });

  it('after a cancelled launch, the post step lists the instances again and restores those that started', async () => {
    const { addresses, vars } = await start(6);
    const spec = rollingSpec([])
      .replace('instances: []', 'instances: { command: "echo \\"$POOL\\"" }')
      .replace('rollback:', 'batch_size: 2\n    rollback:');
    const env = { ...vars, POOL: addresses.join(' ') };
    const main = await launchThroughDist(spec, {
      version: 'v2',
      previousVersion: 'v1',
      vars: env,
      interruptWhen: `[rolling.${addresses[2]!.replace(':', '-')}]`,
    });
    expect(main.outputs.status).toBe('failed');
    const post = await postStepOf(main);
    expect(post.stdout).toMatch(/rolling back .*rolling\.127\.0\.0\.1-\d+/);
    const histories = fleet!.instances.map((instance) => instance.history);
    // Batch 1 was updated and put back; batch 2 had started (maybe mid-update) and is put back too.
    expect(histories.slice(0, 2)).toEqual([
      ['v1', 'v2', 'v1'],
      ['v1', 'v2', 'v1'],
    ]);
    expect(histories.slice(2, 4).every((history) => history.at(-1) === 'v1')).toBe(true);
    expect(histories.slice(4)).toEqual([['v1'], ['v1']]);
  });
});
