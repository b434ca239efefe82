import { z } from 'zod';
import { blueGreenStrategy } from './blue-green';
import { canaryStrategy } from './canary';
import { timeoutsOf } from './fields';
import { featureFlagStrategy } from './feature-flag';
import { expandContractStrategy, withMigration } from './migration';
import { rollingStrategy } from './rolling';
import type { ExpansionContext, Placement, ResolveContext, Strategy } from './strategy';

/** Every strategy a spec may name in `strategy.type`. Add one by writing its file and listing it here. */
const registered = [rollingStrategy, blueGreenStrategy, canaryStrategy, featureFlagStrategy, expandContractStrategy] as const;

const members = registered.map((strategy) => strategy.schema);
export const strategySchema = z.discriminatedUnion('type', members as unknown as [(typeof members)[number], ...(typeof members)[number][]]);
export type StrategySpec = z.output<typeof strategySchema>;

const strategies = registered as unknown as readonly Strategy[];

function strategyFor(spec: StrategySpec): Strategy {
  const strategy = strategies.find((candidate) => candidate.type === spec.type);
  // Only validated specs get here, so this guards a slip in the list, not user input.
  if (!strategy) throw new Error(`no strategy handles type '${spec.type}'`);
  return strategy;
}

/** The strategy's phases, wrapped in its expand/contract migration when it has one. */
export function expandStrategySpec(spec: StrategySpec, ctx: ExpansionContext): Placement {
  const placement = strategyFor(spec).expand(spec, ctx);
  const migration = spec.type === 'expand_contract' ? spec : spec.migration;
  return migration ? withMigration(migration, timeoutsOf(spec), placement, ctx) : placement;
}

export async function resolveStrategySpec(spec: StrategySpec, ctx: ResolveContext): Promise<StrategySpec> {
  const strategy = strategyFor(spec);
  return strategy.resolve ? ((await strategy.resolve(spec, ctx)) as StrategySpec) : spec;
}

/** The strategy's resolved numbers, as `plan` prints them; undefined for a strategy that has none. */
export function describeStrategySpec(spec: StrategySpec): string | undefined {
  return strategyFor(spec).describe?.(spec);
}
