import type { Launch } from '../../spec/schema';
import { metricCheckConfigSchema } from './schema';
import { PRESET_METRICS } from '../presets/preset';

/** Names of the watch checks thresholds add: `rollback_threshold.error_rate`. */
export const THRESHOLD_CHECK_PREFIX = 'rollback_threshold.';

/**
 * The limits in force for this launch: rollback_threshold, then the environment's entry, then the
 * service tier's — the most specific wins, name by name.
 */
export function effectiveThresholds(launch: Launch): Record<string, number> {
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
export function healthCheckFailureLimit(launch: Launch): number | undefined {
  return launch.metrics[HEALTH_CHECK_FAILURES] ? undefined : effectiveThresholds(launch)[HEALTH_CHECK_FAILURES];
}

/** For the plan: how the health-check threshold is enforced, when it is. */
export function describeHealthCheckFailures(launch: Launch): string[] {
  const limit = healthCheckFailureLimit(launch);
  if (limit === undefined) return [];
  return [`${HEALTH_CHECK_FAILURES}: at most ${limit} failed http_status attempts in the whole launch (counted here, no provider); one more fails its check and rolls the launch back`];
}

function watchedPhases(launch: Launch): Set<string> {
  return new Set(launch.thresholds.phases ?? launch.phases.map((phase) => phase.id));
}

/**
 * What the plan should say about thresholds that do nothing: a threshold with no metric of its name
 * (the brief's template sets them before any metric exists), a tier or phase the spec does not have.
 */
export function thresholdWarnings(launch: Launch): string[] {
  const unbound = Object.keys(effectiveThresholds(launch))
    .filter((name) => !launch.metrics[name] && name !== HEALTH_CHECK_FAILURES)
    .map((name) => `threshold ${name} is not enforced: no metric named ${name} in launch.metrics${(PRESET_METRICS as readonly string[]).includes(name) ? ' (a metric_preset supplies it)' : ''}`);
  const phaseIds = new Set(launch.phases.map((phase) => phase.id));
  const strayPhases = (launch.thresholds.phases ?? []).filter((id) => !phaseIds.has(id)).map((id) => `thresholds.phases names ${id}, which is not a phase`);
  const strayTier = launch.tier && !launch.thresholds.tiers[launch.tier] && Object.keys(launch.thresholds.tiers).length ? [`tier ${launch.tier} has no entry in thresholds.tiers`] : [];
  return [...unbound, ...strayPhases, ...strayTier];
}

/**
 * Binds each threshold to the metric of the same name: the threshold becomes that metric's `max`
 * (so every check on it holds to the limit for this environment and tier), and each phase gets a
 * watch on it unless the phase already watches that metric.
 */
export function bindThresholds(launch: Launch): Launch {
  const bound = Object.entries(effectiveThresholds(launch)).filter(([name]) => launch.metrics[name]);
  if (!bound.length) return launch;
  const metrics = { ...launch.metrics };
  for (const [name, max] of bound) metrics[name] = { ...metrics[name], max };
  const phases = watchedPhases(launch);
  return {
    ...launch,
    metrics,
    phases: launch.phases.map((phase) => {
      if (!phases.has(phase.id)) return phase;
      const watched = new Set(phase.watch.filter((check) => check.type === 'metric').map((check) => check.config.metric));
      const added = bound
        .filter(([name]) => !watched.has(name))
        .map(([name]) => ({ type: 'metric' as const, name: `${THRESHOLD_CHECK_PREFIX}${name}`, config: metricCheckConfigSchema.parse({ metric: name }) }));
      return added.length ? { ...phase, watch: [...phase.watch, ...added] } : phase;
    }),
  };
}
