import type { Launch } from './schema';
import { expandStrategy } from '../strategies/expand';
import { bindThresholds } from '../metrics/thresholds';
import { withPresetMetrics } from '../metrics/presets/registry';

/** Turns a validated spec into the phases the engine runs: strategy expansion, a preset's metrics, then thresholds. */
export function prepareLaunch(launch: Launch): Launch {
  return bindThresholds(withPresetMetrics(expandStrategy(launch)));
}
