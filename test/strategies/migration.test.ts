import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFleet, type Fleet } from '../support/instances';
import { eventsOf, expand, launchThroughDist, rolledBack } from './harness';

const MARKER = `
    marker:
      write: printf '%s' "$LAUNCH_MARKER" > "$MARKER"
      read: cat "$MARKER"`;

/** A rolling launch of `instances` wrapped in expand, then contract once held; every step logs to $LOG. */
function migrationSpec(instances: string[], options: { hold?: string; explicit?: string } = {}): string {
  return `
launch:
${options.explicit ?? ''}  strategy:
    type: rolling
    instances: [${instances.join(', ')}]
    update: curl -fsS -X PUT --data "$LAUNCH_VERSION" "http://$LAUNCH_INSTANCE/version"
    rollback: curl -fsS -X PUT --data "$LAUNCH_PREVIOUS_VERSION" "http://$LAUNCH_INSTANCE/version"
    health_check: { endpoint: "http://\${LAUNCH_INSTANCE}/health", retries: 1 }
    migration:
      expand: echo "expand $LAUNCH_VERSION" >> "$LOG"
      expand_rollback: echo "expand rollback" >> "$LOG"
      contract: echo "contract $LAUNCH_VERSION" >> "$LOG"
      hold: ${options.hold ?? '1s'}${MARKER.replace(/\n/g, '\n  ')}
`;
}

/** A later run that only contracts: nothing launched here, so the marker is the only evidence. */
const CONTRACT_ONLY = `
launch:
  strategy:
    type: expand_contract
    contract: echo "contract $LAUNCH_VERSION" >> "$LOG"
    hold: 1h${MARKER}
`;

describe('expand/contract expansion', () => {
  it('expands first, then the explicit phases and the strategy, records the launch, holds, and contracts', () => {
    const launch = expand(migrationSpec(['10.0.0.1:80'], { explicit: '  phases:\n    - { id: smoke, run: "true" }\n' }));
    expect(launch.phases.map((phase) => phase.id)).toEqual([
      'migration.expand',
      'smoke',
      'rolling.10.0.0.1-80',
      'migration.launched',
      'migration.hold',
      'migration.held',
      'migration.contract',
    ]);
    const byId = new Map(launch.phases.map((phase) => [phase.id, phase]));
    expect(byId.get('migration.expand')!.rollback).toBe('echo "expand rollback" >> "$LOG"');
    expect(byId.get('migration.hold')).toMatchObject({ run: 'sleep 2', env: { LAUNCH_HOLD_SECONDS: '1' } });
    // From the hold check on, nothing is rolled back: a contract cannot be undone.
    expect(byId.get('migration.held')).toMatchObject({
      rollbackOnFailure: false,
      run: expect.stringContaining('marker=$(\ncat "$MARKER"\n)'),
    });
    expect(byId.get('migration.contract')).toMatchObject({
      rollbackOnFailure: false,
      rollback: undefined,
      run: 'echo "contract $LAUNCH_VERSION" >> "$LOG"',
    });
  });

  it('contracts alone, checking the marker but neither holding nor writing it, when the spec launches nothing', () => {
    expect(expand(CONTRACT_ONLY).phases.map((phase) => phase.id)).toEqual(['migration.held', 'migration.contract']);
    expect(() => expand(CONTRACT_ONLY.replace(/ {4}marker:[\s\S]*$/, ''))).toThrow(
      /only marker.read can tell that the version was fully launched and held/,
    );
  });
});

describe('expand/contract through node dist/index.js', () => {
  let fleet: Fleet | undefined;
  afterEach(async () => {
    await fleet?.close();
  });

  function workspace(marker?: string) {
    const dir = mkdtempSync(join(tmpdir(), 'migration-'));
    const files = { LOG: join(dir, 'log'), MARKER: join(dir, 'marker') };
    if (marker !== undefined) writeFileSync(files.MARKER, marker);
    const log = () => (existsSync(files.LOG) ? readFileSync(files.LOG, 'utf8').trim().split('\n') : []);
    return { files, log };
  }

  it('expands, launches, records the launch, and contracts once the hold has passed', async () => {
    fleet = await startFleet(2, 'v1');
    const ws = workspace();
    const before = Math.floor(Date.now() / 1000);
    const run = await launchThroughDist(migrationSpec(fleet.instances.map((instance) => instance.address)), {
      version: 'v2',
      previousVersion: 'v1',
      vars: ws.files,
    });
    expect(run.outputs.status, run.stdout).toBe('succeeded');
    expect(ws.log()).toEqual(['expand v2', 'contract v2']);
    expect(fleet.instances.map((instance) => instance.history)).toEqual([
      ['v1', 'v2'],
      ['v1', 'v2'],
    ]);
    const [version, at] = readFileSync(ws.files.MARKER, 'utf8').split(' ');
    expect(version).toBe('v2');
    expect(Number(at)).toBeGreaterThanOrEqual(before);
    expect(run.stdout).toMatch(/v2 fully launched [2-9]s ago \(hold 1s\)/);
  });

  it('when the first batch fails, rolls back the instances and then the expand, and never contracts', async () => {
    fleet = await startFleet(2, 'v1', { unhealthy: ['v2-bad'] });
    const ws = workspace();
    const run = await launchThroughDist(migrationSpec(fleet.instances.map((instance) => instance.address)), {
      version: 'v2-bad',
      previousVersion: 'v1',
      vars: ws.files,
    });
    expect(run.outputs.status, run.stdout).toBe('rolled_back');
    expect(ws.log()).toEqual(['expand v2-bad', 'expand rollback']);
    expect(rolledBack(run.events)).toEqual([`rolling.${fleet.instances[0]!.address.replace(':', '-')}`, 'migration.expand']);
    expect(fleet.instances.map((instance) => instance.history)).toEqual([['v1', 'v2-bad', 'v1'], ['v1']]);
    expect(existsSync(ws.files.MARKER)).toBe(false);
  });

  it('refuses a contract before the hold has passed, or for a version the marker does not name, and rolls nothing back', async () => {
    const fresh = workspace(`v2 ${Math.floor(Date.now() / 1000)}`);
    const early = await launchThroughDist(CONTRACT_ONLY, { version: 'v2', vars: fresh.files });
    expect(early.outputs.status, early.stdout).toBe('failed');
    expect(early.outputs['failed-phase']).toBe('migration.held');
    expect(early.stdout).toMatch(/failed: command exited with code 1: v2 fully launched [0-9]s ago; contract waits for 3600s/);
    expect(eventsOf(early.events, 'rollback.started')).toEqual([]);

    const other = workspace(`v3 ${Math.floor(Date.now() / 1000) - 7200}`);
    const wrong = await launchThroughDist(CONTRACT_ONLY, { version: 'v2', vars: other.files });
    expect(wrong.outputs.status).toBe('failed');
    expect(wrong.stdout).toContain('the launch marker names v3, not v2: v2 is not fully launched');
    expect([...fresh.log(), ...other.log()]).toEqual([]);
  });

  it('contracts in a later run once the marker is older than the hold', async () => {
    const held = workspace(`v2 ${Math.floor(Date.now() / 1000) - 7200}`);
    const run = await launchThroughDist(CONTRACT_ONLY, { version: 'v2', vars: held.files });
    expect(run.outputs.status, run.stdout).toBe('succeeded');
    expect(held.log()).toEqual(['contract v2']);
  });
});
