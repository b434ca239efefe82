import type { StrategySpec } from './registry';

export interface DeclaredFlag {
  key: string;
  owner: string;
  /** Last day the flag may live, YYYY-MM-DD. */
  expires: string;
}

/** The UTC calendar day, YYYY-MM-DD, the form `expires` is written in. */
function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** A flag expires at the end of its `expires` day. */
export function isExpired(flag: DeclaredFlag, today: Date): boolean {
  return flag.expires < dayOf(today);
}

/**
 * The feature_flag strategy's flags that are past their `expires` day. Expansion reports nothing
 * itself: the caller warns about these.
 */
export function expiredFlags(strategy: StrategySpec | undefined, today: Date = new Date()): DeclaredFlag[] {
  if (strategy?.type !== 'feature_flag') return [];
  return strategy.flags.filter((flag) => isExpired(flag, today));
}
