import { afterEach, describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { expiredFlags } from '../../src/strategies/flag-expiry';
import { renderPlan } from '../../src/report/plan';
import { defaultSettings } from '../../src/settings/inputs';
import { expand, launchThroughDist, rolledBack } from './harness';
import { startFlagService, type FlagService } from './flag-service';
import { checkLaunch } from '../../src/runner/check-launch';

function flagSpec(options: { steps?: string; expires?: string; extra?: string } = {}): string {
  return `
launch:
  strategy:
    type: feature_flag
    flags:
      - { key: new_checkout, owner: team-checkout, expires: ${options.expires ?? '2099-12-31'} }
    set_percentage: curl -fsS -X PUT --data "$LAUNCH_PERCENT" "$FLAGS_URL/admin/flags/$LAUNCH_FLAG"
${options.steps ? `    steps: ${options.steps}\n` : ''}    exposure: { url: "\${FLAGS_URL}", sample: 400, tolerance: 0.04 }
${options.extra ?? ''}`;
}

describe('feature_flag expansion', () => {
  it('ramps 0 → 5 → 25 → 50 → 100 by default, each step checked over OFREP, the kill switch on the first', () => {
    const launch = expand(flagSpec());
    expect(launch.phases.map((phase) => [phase.id, phase.env.LAUNCH_PERCENT])).toEqual([
      ['flag.new_checkout.0pct', '0'],
      ['flag.new_checkout.5pct', '5'],
      ['flag.new_checkout.25pct', '25'],
      ['flag.new_checkout.50pct', '50'],
      ['flag.new_checkout.100pct', '100'],
    ]);
    expect(launch.phases[2]!.verify).toEqual([
      {
        type: 'flag_exposure',
        name: 'exposure',
        config: expect.objectContaining({ flag: 'new_checkout', percent: 25, sample: 400, tolerance: 0.04, url: '${FLAGS_URL}' }),
      },
    ]);
    expect(launch.phases.map((phase) => phase.rollback)).toEqual([
      'export LAUNCH_PERCENT=0; curl -fsS -X PUT --data "$LAUNCH_PERCENT" "$FLAGS_URL/admin/flags/$LAUNCH_FLAG"',
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    // The kill switch is verified with the step's own sample, and no tolerance: 0 % means no key.
    expect(launch.phases.map((phase) => phase.rollbackVerify.length)).toEqual([1, 0, 0, 0, 0]);
    expect(launch.phases[0]!.rollbackVerify[0]).toEqual({
      type: 'flag_exposure',
      name: 'kill switch',
      config: expect.objectContaining({ flag: 'new_checkout', percent: 0, sample: 400, tolerance: 0, url: '${FLAGS_URL}' }),
    });
  });

  it('shows the kill switch and its check over OFREP in the plan', () => {
    const launch = expand(flagSpec({ steps: '[5, 25]' }));
    const plan = renderPlan(launch, checkLaunch(launch, defaultSettings()), { FLAGS_URL: 'http://flags.test' }, tmpdir());
    expect(plan.text).toContain('   rollback: kill switch — OFREP http://flags.test: new_checkout = true for 0% ± 0% of 400 sample keys');
    expect(plan.problems).toEqual([]);
  });

  it('moves several flags side by side and holds between steps with analysis watching', () => {
    const launch = expand(
      flagSpec({ steps: '[10, 100]', extra: '    pause: 1m\n    analysis: [{ type: command, command: "true" }]\n' }).replace(
        '    set_percentage',
        '      - { key: new_cart, owner: team-cart, expires: 2099-12-31 }\n    set_percentage',
      ),
    );
    expect(launch.phases.map((phase) => [phase.id, phase.batch ?? null, phase.watch.length])).toEqual([
      ['flag.new_checkout.10pct', 'flag.step-1', 0],
      ['flag.new_cart.10pct', 'flag.step-1', 0],
      ['flag.pause-1', null, 1],
      ['flag.new_checkout.100pct', 'flag.step-2', 0],
      ['flag.new_cart.100pct', 'flag.step-2', 0],
    ]);
  });

  it('lists expired flags for the caller to warn about, and fails validation with fail_on_expired', () => {
    const launch = expand(flagSpec({ expires: '2026-03-31' }));
    expect(expiredFlags(launch.strategy, new Date('2026-03-31T23:00:00Z'))).toEqual([]);
    expect(expiredFlags(launch.strategy, new Date('2026-04-01T00:00:00Z'))).toEqual([
      { key: 'new_checkout', owner: 'team-checkout', expires: '2026-03-31' },
    ]);
    expect(() => expand(flagSpec({ expires: '2001-01-01', extra: '    fail_on_expired: true\n' }))).toThrow(
      /launch\.strategy\.flags\[0\]\.expires: flag 'new_checkout' \(owner team-checkout\) expired on 2001-01-01 and fail_on_expired is set/,
    );
  });

  it('wants increasing steps', () => {
    expect(() => expand(flagSpec({ steps: '[5, 50, 25]' }))).toThrow(/steps must increase: 25 after 50/);
  });
});

describe('feature_flag through node dist/index.js', () => {
  let flags: FlagService | undefined;
  afterEach(async () => {
    await flags?.close();
  });

  it('raises exposure step by step, each share measured over OFREP', async () => {
    flags = await startFlagService(['new_checkout']);
    const run = await launchThroughDist(flagSpec(), { vars: { FLAGS_URL: flags.url } });
    expect(run.outputs.status, run.stdout).toBe('succeeded');
    expect(flags.history.new_checkout).toEqual([0, 5, 25, 50, 100]);
    // 400 sample keys per step, evaluated over OFREP.
    expect(flags.requests.filter((request) => request.path.startsWith('/ofrep/'))).toHaveLength(5 * 400);
    expect(run.stdout).toMatch(/new_checkout = true for \d+ of 400 sample keys \(2\d(\.\d+)?%\), expected 25% ± 4%/);
  });

  it('pulls the kill switch when the served share is not the one set', async () => {
    flags = await startFlagService(['new_checkout'], { misroute: 3 });
    const run = await launchThroughDist(flagSpec({ steps: '[5, 25, 50, 100]' }), { vars: { FLAGS_URL: flags.url } });
    expect(run.outputs.status, run.stdout).toBe('rolled_back');
    expect(run.outputs['failed-phase']).toBe('flag.new_checkout.5pct');
    expect(flags.history.new_checkout).toEqual([5, 0]);
    expect(rolledBack(run.events)).toEqual(['flag.new_checkout.5pct']);
    // The kill switch is confirmed over OFREP with the same 400 keys: none of them sees the flag.
    expect(flags.requests.filter((request) => request.path.startsWith('/ofrep/'))).toHaveLength(2 * 400);
    expect(run.stdout).toContain('new_checkout = true for 0 of 400 sample keys (0%), expected 0% ± 0%');
  });

  it('ends rollback_failed, naming the exposure still measured, when the kill switch does nothing', async () => {
    flags = await startFlagService(['new_checkout'], { deafKillSwitch: true });
    // The hold at 25 % fails its analysis, so the kill switch is pulled with 25 % of keys exposed.
    const extra = "    pause: 200ms\n    analysis: [{ type: command, name: errors, command: 'exit 1' }]\n";
    const run = await launchThroughDist(flagSpec({ steps: '[25, 50]', extra }), { vars: { FLAGS_URL: flags.url } });
    expect(run.outputs.status, run.stdout).toBe('rollback_failed');
    expect(flags.history.new_checkout).toEqual([25, 0]);
    const finished = run.events.find((event) => event.type === 'launch.finished') as { reason?: string } | undefined;
    const measured =
      /rollback failed at phase 'flag\.new_checkout\.25pct': rollback 'kill switch' failed: OFREP \S+: new_checkout = true for (\d+) of 400 sample keys \(([\d.]+)%\), expected 0% ± 0%/.exec(
        finished?.reason ?? '',
      );
    expect(measured, finished?.reason).not.toBeNull();
    // The share the flag still serves is named: a quarter of the keys, give or take the sample.
    expect(Number(measured![1])).toBeGreaterThan(80);
    expect(Number(measured![1])).toBeLessThan(120);
    expect(Number(measured![2])).toBe(+((Number(measured![1]) / 400) * 100).toFixed(2));
  });

  it('refuses to start with an expired flag and fail_on_expired', async () => {
    flags = await startFlagService(['new_checkout']);
    const run = await launchThroughDist(flagSpec({ expires: '2001-01-01', extra: '    fail_on_expired: true\n' }), {
      vars: { FLAGS_URL: flags.url },
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(
      /::error title=Invalid launch spec,file=launch.yml,line=6,col=61::launch.strategy.flags\[0\].expires: flag 'new_checkout'/,
    );
    expect(flags.history.new_checkout).toEqual([]);
  });
});
