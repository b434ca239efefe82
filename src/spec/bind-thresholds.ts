import type { Launch } from './schema';
import { metricCheckConfigSchema } from '../metrics/definition/schema';
import { effectiveThresholds } from '../metrics/definition/thresholds';

/** Names of the watch checks thresholds add: `rollback_threshold.error_rate`. */
export const THRESHOLD_CHECK_PREFIX = 'rollback_threshold.';

/**
 * Binds each threshold to the metric of the same name: the threshold becomes that metric's `max`
 * (so every check on it holds to the limit for this environment and tier), and each phase gets a
 * watch on it unless the phase already watches that metric.
 */
export function bindThresholds(launch: Launch): Launch {
  const metrics = { ...launch.metrics };
  const bound = Object.entries(effectiveThresholds(launch)).filter(([name]) => metrics[name]);
  if (!bound.length) return launch;
  for (const [name, max] of bound) metrics[name] = { ...metrics[name]!, max };
  const phases = new Set(launch.thresholds.phases ?? launch.phases.map((phase) => phase.id));
  return {
    ...launch,
    metrics,
    phases: launch.phases.map((phase) => {
      if (!phases.has(phase.id)) return phase;
      const watched = new Set(phase.watch.filter((check) => check.type === 'metric').map((check) => check.config.metric));
      const added = bound
        .filter(([name]) => !watched.has(name))
        .map(([name]) => ({
          type: 'metric' as const,
          name: `${THRESHOLD_CHECK_PREFIX}${name}`,
          config: metricCheckConfigSchema.parse({ metric: name }),
        }));
      return added.length ? { ...phase, watch: [...phase.watch, ...added] } : phase;
    }),
  };
}
