import type { Launch } from '../spec/schema';

/** Expands the spec's strategy into engine phases (placeholder until the strategy work lands). */
export function expandStrategy(launch: Launch): Launch {
  return launch;
}
