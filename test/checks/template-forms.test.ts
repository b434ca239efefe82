import { describe, expect, it } from 'vitest';
import { loadSpecFile } from '../../src/spec/load';
import { bindCheck } from '../../src/checks/registry';
import { checkContext } from '../support/check-context';
import { SEED_SPEC } from '../support/seed';

/** The product brief's template, its checks planned as `launch-action plan` would. */
describe("the template's checks", () => {
  const { launch } = loadSpecFile(SEED_SPEC);
  const gates = Object.fromEntries(launch.phases.map((phase) => [phase.id, phase.gates[0]!]));

  it('keep the values written under config:', () => {
    expect(gates.deploy!.config).toMatchObject({ registry: 'ecr', verify: true });
    expect(gates.health!.config).toMatchObject({ endpoint: '/health', expected: 200, retries: 3 });
    expect(gates.traffic!.config).toMatchObject({ provider: 'openfeature', flags: ['new_checkout'] });
    expect(gates.migration!.config).toMatchObject({ backward_compatible: true });
  });

  it('plan cleanly once the launch supplies what they need', () => {
    const env = { IMAGE: 'registry.example.com/shop/api:2.0', OFREP_URL: 'http://flagd:8016', BASE_URL: 'https://shop.example.com' };
    const ctx = checkContext({ env, baseUrl: '${BASE_URL}' });
    const plans = Object.fromEntries(Object.entries(gates).map(([phase, gate]) => [phase, bindCheck(gate)!.plan(ctx)]));
    expect(plans.deploy).toEqual({
      summary:
        'resolve registry.example.com/shop/api:2.0 at https://registry.example.com, verifying the manifest content' +
        " (registry 'ecr' is a label, not a host (no dot or colon): the host comes from the image reference (registry.example.com))",
      problems: [],
    });
    expect(plans.health).toEqual({
      summary: 'GET https://shop.example.com/health expects 200 (3 attempts 2s apart, 5s timeout each)',
      problems: [],
    });
    expect(plans.traffic).toEqual({ summary: 'OFREP http://flagd:8016: new_checkout = true (targetingKey launch-action)', problems: [] });
  });

  it('say what is missing when the launch supplies nothing', () => {
    const ctx = checkContext();
    const problems = Object.fromEntries(Object.entries(gates).map(([phase, gate]) => [phase, bindCheck(gate)!.plan(ctx).problems]));
    expect(problems).toEqual({
      migration: [expect.stringContaining("command 'check_schema_compatibility' not found on PATH")],
      deploy: [expect.stringContaining('IMAGE in launch.vars')],
      health: [expect.stringContaining('launch.base_url is not set and defaults to ${BASE_URL}')],
      traffic: [expect.stringContaining('OFREP_URL in launch.vars')],
    });
  });
});
