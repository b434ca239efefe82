import { afterEach, describe, expect, it } from 'vitest';
import { flagExposureCheck } from '../../src/checks/flag-exposure';
import { checkContext, planCheck, runCheck } from '../support/check-context';
import { startFakeOfrep, type FakeOfrep } from '../fakes/ofrep';
import { startFlagService, type FlagService } from './flag-service';

describe('flag_exposure check', () => {
  let service: FlagService | undefined;
  let fake: FakeOfrep | undefined;
  afterEach(async () => {
    await Promise.all([service?.close(), fake?.close()]);
  });

  async function serviceAt(percent: number): Promise<FlagService> {
    service = await startFlagService(['new_checkout']);
    await fetch(`${service.url}/admin/flags/new_checkout`, { method: 'PUT', body: String(percent) });
    return service;
  }

  it('passes when the sampled share is within tolerance, evaluating every sample key once', async () => {
    const { url, requests } = await serviceAt(30);
    const outcome = await runCheck(flagExposureCheck, { url, flag: 'new_checkout', percent: 30, sample: 500, tolerance: 0.05 });
    expect(outcome.passed, outcome.message).toBe(true);
    expect(outcome.message).toMatch(
      /^OFREP http:\/\/127\.0\.0\.1:\d+: new_checkout = true for \d+ of 500 sample keys \(\d+(\.\d+)?%\), expected 30% ± 5%$/,
    );
    expect(Math.abs(outcome.value! - 30)).toBeLessThanOrEqual(5);
    const keys = requests
      .filter((request) => request.path.startsWith('/ofrep/'))
      .map((request) => (JSON.parse(request.body) as { context: { targetingKey: string } }).context.targetingKey);
    expect(new Set(keys).size).toBe(500);
    expect(keys).toContain('launch-action-sample-499');
  });

  it('fails when the provider serves another share than expected', async () => {
    const { url } = await serviceAt(60);
    const outcome = await runCheck(flagExposureCheck, { url, flag: 'new_checkout', percent: 25, sample: 300 });
    expect(outcome.passed).toBe(false);
    expect(outcome.value).toBeGreaterThan(45);
    expect(outcome.threshold).toBe('25% ± 5%');
  });

  it('fails on the first evaluation error instead of counting it as unexposed', async () => {
    fake = await startFakeOfrep({ flags: {} });
    const outcome = await runCheck(flagExposureCheck, { url: fake.url, flag: 'missing', percent: 0, sample: 50 });
    expect(outcome.passed).toBe(false);
    expect(outcome.message).toMatch(/missing for targetingKey launch-action-sample-\d+: FLAG_NOT_FOUND \(404\)/);
  });

  it('refuses a template value that would change the URL path, as web metrics and http_status do', () => {
    const url = 'http://flags:8016/${TENANT}/ofrep';
    const [problem] = planCheck(
      flagExposureCheck,
      { url, flag: 'f', percent: 5 },
      checkContext({ env: { TENANT: 'a/../../admin' } }),
    ).problems;
    expect(problem).toMatch(/^url: \$\{TENANT\} in ".*" has a value \(13 characters, not shown\) containing "\/"/);
    expect(planCheck(flagExposureCheck, { url, flag: 'f', percent: 5 }, checkContext({ env: { TENANT: 'acme-1' } })).problems).toEqual([]);
  });

  it('plans with the URL from the launch variables, and names a missing one', () => {
    expect(planCheck(flagExposureCheck, { flag: 'f', percent: 5 }, checkContext({ env: { OFREP_URL: 'http://flags:8016' } })).summary).toBe(
      'OFREP http://flags:8016: f = true for 5% ± 5% of 1000 sample keys',
    );
    expect(planCheck(flagExposureCheck, { flag: 'f', percent: 5 }).problems).toEqual([
      expect.stringMatching(/url is not set and defaults to \$\{OFREP_URL\}/),
    ]);
  });
});
