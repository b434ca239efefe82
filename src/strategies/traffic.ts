import { z } from 'zod';
import { blueGreenStrategy } from './blue-green';
import { canaryStrategy } from './canary';
import { featureFlagStrategy } from './feature-flag';
import { rollingStrategy } from './rolling';
import type { Strategy } from './strategy';

/** The strategies that move traffic or exposure to a new version; expand_contract can wrap any of them. */
export const trafficStrategies = [rollingStrategy, blueGreenStrategy, canaryStrategy, featureFlagStrategy] as unknown as readonly Strategy[];

export const trafficStrategySchema = z.discriminatedUnion('type', [
  rollingStrategy.schema,
  blueGreenStrategy.schema,
  canaryStrategy.schema,
  featureFlagStrategy.schema,
]);
export type TrafficStrategySpec = z.output<typeof trafficStrategySchema>;

/** The strategy, out of `strategies`, that a spec's `type` names. */
export function findStrategy(strategies: readonly Strategy[], spec: { type: string }): Strategy {
  const strategy = strategies.find((candidate) => (candidate.schema.shape.type as z.ZodLiteral<string>).value === spec.type);
  // Only validated specs get here, so this guards a slip in the lists, not user input.
  if (!strategy) throw new Error(`no strategy handles type '${spec.type}'`);
  return strategy;
}
