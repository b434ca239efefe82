import type { Launch } from '../spec/schema';

/** Binds the spec's rollback_threshold to the metrics that measure it (placeholder until the metrics work lands). */
export function bindThresholds(launch: Launch): Launch {
  return launch;
}
