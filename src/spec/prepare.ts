import type { Launch } from './schema';
import { expandStrategy } from '../strategies/expand';
import { bindThresholds } from '../metrics/thresholds';

/** Turns a validated spec into the phases the engine runs: strategy expansion, then thresholds. */
export function prepareLaunch(launch: Launch): Launch {
  return bindThresholds(expandStrategy(launch));
}
