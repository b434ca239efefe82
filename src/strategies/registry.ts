import { z } from 'zod';
import { expandContractSchema, expandContractStrategy } from './migration';
import { findStrategy, trafficStrategies, trafficStrategySchema } from './traffic';
import type { CommandReader, ExpansionContext, Placement, Strategy } from './strategy';

/** Every strategy a spec may name in `strategy.type`: the traffic strategies, and expand_contract around them. */
const strategies: readonly Strategy[] = [...trafficStrategies, expandContractStrategy as unknown as Strategy];

export const strategySchema = z.discriminatedUnion('type', [...trafficStrategySchema.options, expandContractSchema]);
export type StrategySpec = z.output<typeof strategySchema>;

export function expandStrategySpec(spec: StrategySpec, ctx: ExpansionContext): Placement {
  return findStrategy(strategies, spec).expand(spec, ctx);
}

export async function resolveStrategySpec(spec: StrategySpec, read: CommandReader): Promise<StrategySpec> {
  const strategy = findStrategy(strategies, spec);
  return strategy.resolve ? ((await strategy.resolve(spec, read)) as StrategySpec) : spec;
}
