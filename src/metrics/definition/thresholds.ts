import type { MetricDefinition, Thresholds } from './schema';
import { PRESET_METRICS } from '../presets/preset';

/** The part of a launch that thresholds read. */
export interface ThresholdSpec {
  environment: string;
  tier?: string;
  rollback_threshold?: Record<string, number>;
  thresholds: Thresholds;
  metrics: Readonly<Record<string, MetricDefinition>>;
  phases: readonly { id: string }[];
}

/**
 * The limits in force for this launch: rollback_threshold, then the environment's entry, then the
 * service tier's — the most specific wins, name by name.
 */
export function effectiveThresholds(launch: ThresholdSpec): Record<string, number> {
  return {
    ...launch.rollback_threshold,
    ...launch.thresholds.environments[launch.environment],
    ...(launch.tier ? launch.thresholds.tiers[launch.tier] : undefined),
  };
}

/** The name of the threshold on failed health-check attempts, which needs no metric (checks/health-failures.ts). */
export const HEALTH_CHECK_FAILURES = 'health_check_failures';

/**
 * The most failed health-check attempts the launch may have, counted in-process; undefined without
 * that threshold, or when launch.metrics defines a metric of its name (which then binds like any other).
 */
export function healthCheckFailureLimit(launch: ThresholdSpec): number | undefined {
  return launch.metrics[HEALTH_CHECK_FAILURES] ? undefined : effectiveThresholds(launch)[HEALTH_CHECK_FAILURES];
}

/** For the plan: how the health-check threshold is enforced, when it is. */
export function describeHealthCheckFailures(launch: ThresholdSpec): string[] {
  const limit = healthCheckFailureLimit(launch);
  if (limit === undefined) return [];
  return [
    `${HEALTH_CHECK_FAILURES}: at most ${limit} failed http_status attempts in the whole launch (counted here, no provider); ` +
      'one more fails its check and rolls the launch back',
  ];
}

/**
 * What the plan should say about thresholds that do nothing: a threshold with no metric of its name
 * (the brief's template sets them before any metric exists), a tier or phase the spec does not have.
 */
export function thresholdWarnings(launch: ThresholdSpec): string[] {
  const unbound = Object.keys(effectiveThresholds(launch))
    .filter((name) => !launch.metrics[name] && name !== HEALTH_CHECK_FAILURES)
    .map((name) => {
      const preset = (PRESET_METRICS as readonly string[]).includes(name) ? ' (a metric_preset supplies it)' : '';
      return `threshold ${name} is not enforced: no metric named ${name} in launch.metrics${preset}`;
    });
  const phaseIds = new Set(launch.phases.map((phase) => phase.id));
  const strayPhases = (launch.thresholds.phases ?? [])
    .filter((id) => !phaseIds.has(id))
    .map((id) => `thresholds.phases names ${id}, which is not a phase`);
  const strayTier =
    launch.tier && !launch.thresholds.tiers[launch.tier] && Object.keys(launch.thresholds.tiers).length
      ? [`tier ${launch.tier} has no entry in thresholds.tiers`]
      : [];
  return [...unbound, ...strayPhases, ...strayTier];
}
