import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { launchSchema, specSchema } from '../../src/spec/schema';
import { prepareLaunch } from '../../src/spec/prepare';
import { effectiveThresholds, thresholdWarnings } from '../../src/metrics/definition/thresholds';
import { bindThresholds } from '../../src/spec/bind-thresholds';
import { metricCheck } from '../../src/checks/metric';
import { bindCheck } from '../../src/checks/registry';
import { metricContext } from './context';
import { SEED_SPEC } from '../support/seed';
import { defaultSettings } from '../../src/settings/inputs';
import { checkLaunch } from '../../src/runner/check-launch';

const metrics = {
  error_rate: { provider: 'prometheus', query: 'sum(rate(errors[1m])) / sum(rate(requests[1m]))', interval: '5s' },
  latency_p99_ms: { provider: 'prometheus', query: 'histogram_quantile(0.99, sum by (le) (rate(latency_bucket[1m]))) * 1000' },
};
const phases = [
  { id: 'migrate', run: 'true' },
  { id: 'deploy', run: 'true', watch: [{ type: 'metric', metric: 'error_rate', bake: '15m' }] },
  { id: 'traffic', run: 'true' },
];
const launch = (extra: Record<string, unknown> = {}) =>
  launchSchema.parse({
    metrics,
    phases,
    rollback_threshold: { error_rate: 0.02, latency_p99_ms: 800, health_check_failures: 3 },
    ...extra,
  });

describe('thresholds', () => {
  it("the brief's template loads unchanged; thresholds with no metric are named, not dropped (health_check_failures needs none)", () => {
    const seed = specSchema.parse(parse(readFileSync(SEED_SPEC, 'utf8')));
    const prepared = prepareLaunch(seed.launch);
    expect(prepared.phases.every((phase) => phase.watch.length === 0)).toBe(true);
    expect(thresholdWarnings(prepared)).toEqual([
      'threshold error_rate is not enforced: no metric named error_rate in launch.metrics (a metric_preset supplies it)',
      'threshold latency_p99_ms is not enforced: no metric named latency_p99_ms in launch.metrics (a metric_preset supplies it)',
    ]);
  });

  it('binds each threshold to the metric of its name as max, and watches it in every phase', () => {
    const bound = bindThresholds(launch());
    expect(bound.metrics.error_rate!.max).toBe(0.02);
    expect(bound.metrics.latency_p99_ms!.max).toBe(800);
    const watches = Object.fromEntries(
      bound.phases.map((phase) => [
        phase.id,
        phase.watch.map((check) => `${check.name}:${check.type === 'metric' && check.config.metric}`),
      ]),
    );
    expect(watches).toEqual({
      migrate: ['rollback_threshold.error_rate:error_rate', 'rollback_threshold.latency_p99_ms:latency_p99_ms'],
      // deploy already watches error_rate (with its own bake), so only latency is added.
      deploy: ['metric:error_rate', 'rollback_threshold.latency_p99_ms:latency_p99_ms'],
      traffic: ['rollback_threshold.error_rate:error_rate', 'rollback_threshold.latency_p99_ms:latency_p99_ms'],
    });
    expect(thresholdWarnings(bound)).toEqual([]);
    expect(thresholdWarnings(bindThresholds(launch({ rollback_threshold: { p95_ms: 300 } })))).toEqual([
      'threshold p95_ms is not enforced: no metric named p95_ms in launch.metrics',
    ]);
  });

  it('per environment, then per tier: the most specific wins, name by name', () => {
    const thresholds = {
      environments: { staging: { error_rate: 0.1 }, production: { error_rate: 0.01 } },
      tiers: { payments: { error_rate: 0.005 }, admin: { latency_p99_ms: 3000 } },
    };
    expect(effectiveThresholds(launch({ thresholds, environment: 'staging' }))).toMatchObject({ error_rate: 0.1, latency_p99_ms: 800 });
    expect(effectiveThresholds(launch({ thresholds }))).toMatchObject({ error_rate: 0.01, latency_p99_ms: 800 });
    expect(effectiveThresholds(launch({ thresholds, tier: 'payments' }))).toMatchObject({ error_rate: 0.005, latency_p99_ms: 800 });
    expect(effectiveThresholds(launch({ thresholds, tier: 'admin', environment: 'staging' }))).toMatchObject({
      error_rate: 0.1,
      latency_p99_ms: 3000,
    });
    expect(thresholdWarnings(launch({ thresholds, tier: 'internal' }))).toContain('tier internal has no entry in thresholds.tiers');
  });

  it('the bound limit is what the check plans with', () => {
    const bound = bindThresholds(launch({ tier: 'payments', thresholds: { tiers: { payments: { error_rate: 0.005 } } } }));
    const watch = bound.phases[0]!.watch[0]!;
    const ctx = {
      ...metricContext(),
      launch: checkLaunch(bound, { ...defaultSettings(), prometheus: { url: 'http://prom:9090', headers: {} } }),
      stage: 'watch' as const,
      name: watch.name,
    };
    const plan = bindCheck(watch)!.plan(ctx);
    expect(plan.summary).toMatch(
      /^error_rate: POST http:\/\/prom:9090\/api\/v1\/query query=sum\(rate\(errors\[1m\]\)\) .* — pass when max 0.005; every 5s while the phase runs/,
    );
  });

  it('thresholds.phases limits which phases get watches, and names unknown phases', () => {
    const bound = bindThresholds(launch({ thresholds: { phases: ['traffic', 'nope'] } }));
    expect(bound.phases.map((phase) => phase.watch.length)).toEqual([0, 1, 2]);
    expect(thresholdWarnings(bound)).toContain('thresholds.phases names nope, which is not a phase');
  });
});

describe('metric check in a spec', () => {
  it("loads in both the flat form and the template's config: form", () => {
    const parsed = launchSchema.parse({
      metrics,
      phases: [
        {
          id: 'deploy',
          run: 'true',
          gates: [{ type: 'metric', metric: 'error_rate', max: 0.01, count: 3, interval: '1s' }],
          watch: [{ type: 'metric', name: 'errors', config: { metric: 'error_rate', interval: '2s', bake: '15m', no_data: 'fail' } }],
        },
      ],
    });
    expect(parsed.phases[0]!.gates[0]!.config).toMatchObject({ metric: 'error_rate', max: 0.01, count: 3, interval: 1000 });
    expect(parsed.phases[0]!.watch[0]).toMatchObject({
      name: 'errors',
      config: { metric: 'error_rate', interval: 2000, bake: 900_000, no_data: 'fail' },
    });
  });

  it('rejects a malformed condition and unknown fields when the spec loads', () => {
    const bad = (fields: Record<string, unknown>) =>
      launchSchema.safeParse({ metrics: { m: { provider: 'prometheus', query: 'up', ...fields } }, phases: [{ id: 'p', run: 'true' }] });
    expect(bad({ condition: 'result <' }).error?.issues[0]?.message).toMatch(/ends too early/);
    expect(bad({ maximum: 1 }).success).toBe(false);
    expect(bad({ no_data: 'zero' }).success).toBe(false);
    expect(bad({ interval: 'soon' }).success).toBe(false);
  });

  it('plans unknown metric names, missing queries and limitless metrics as problems', () => {
    const ctx = metricContext({ metrics }, { settings: { prometheus: { url: 'http://prom:9090', headers: {} } } });
    const plan = (config: Record<string, unknown>) => metricCheck.plan(metricCheck.config.parse(config), ctx).problems;
    expect(plan({ metric: 'eror_rate', max: 1 })).toEqual([
      'no metric named eror_rate in launch.metrics (known: error_rate, latency_p99_ms)',
    ]);
    expect(plan({ provider: 'prometheus', max: 1 })).toEqual(['metric check: query: a prometheus metric needs a query']);
    expect(plan({ metric: 'error_rate' })).toEqual([
      'metric error_rate has nothing to hold it to: set max, min, condition or baseline ratios',
    ]);
    expect(plan({ provider: 'prometheus', query: 'up', condition: 'result < baseline' })).toEqual([
      'metric check: condition: the condition uses `baseline` but the metric has no baseline query',
    ]);
    expect(plan({ judge: { metrics: ['error_rate'] } })).toEqual([
      'metric error_rate: a judgement compares against a baseline, so it needs baseline.query',
    ]);
    expect(plan({ metric: 'error_rate', max: 1 })).toEqual([]);
  });

  it('a run with a spec problem fails without measuring, saying why', async () => {
    const ctx = metricContext({ metrics });
    const result = await metricCheck.run(metricCheck.config.parse({ metric: 'error_rate', max: 1 }), ctx);
    expect(result).toMatchObject({ passed: false });
    expect(result.message).toMatch(
      /^error_rate: configuration error: no Prometheus URL: set the prometheus-url input or launch.providers.prometheus.url; query: prometheus sum/,
    );
    expect(ctx.events).toEqual([]);
  });
});
