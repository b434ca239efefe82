import type { NoDataPolicy, ResolvedMetric } from '../definition/schema';
import type { Reading } from '../measuring/reading';
import { compareToBaseline, describeBaselineLimits } from './baseline';
import { parseCondition } from '../definition/condition';
import { formatValue } from './format';

export type Verdict = 'pass' | 'fail' | 'inconclusive';

export interface ValueVerdict {
  verdict: Verdict;
  /** Fail the check now, whatever failure_limit allows (a baseline ratio above immediate_ratio). */
  immediate: boolean;
  /** Failed on the ratio to the baseline (not an absolute limit): a breach `sustain` must confirm. */
  byRatio: boolean;
  text: string;
}

type Limits = Pick<ResolvedMetric, 'max' | 'min' | 'condition' | 'baseline'>;

/** What a metric must satisfy, in words: "max 0.02", "result < 0.02 && result >= 0", "≤ 2× baseline". */
export function describeCondition(limits: Limits): string {
  const parts = [
    limits.min !== undefined ? `min ${limits.min}` : '',
    limits.max !== undefined ? `max ${limits.max}` : '',
    limits.condition ?? '',
    ...(limits.baseline ? describeBaselineLimits(limits.baseline) : []),
  ].filter(Boolean);
  return parts.join(' and ');
}

/** Whether the metric says anything about what is good; a metric without limits only records. */
export function hasLimits(limits: Limits): boolean {
  return describeCondition(limits) !== '';
}

export function noDataVerdict(policy: NoDataPolicy): Verdict {
  return policy === 'fail' ? 'fail' : policy === 'inconclusive' ? 'inconclusive' : 'pass';
}

/** The first absolute limit a value breaks, in words; undefined when it keeps them all. */
function breachedLimit(value: number, limits: Limits, baseline: number | undefined): string | undefined {
  if (limits.max !== undefined && !(value <= limits.max)) return `max ${limits.max}`;
  if (limits.min !== undefined && !(value >= limits.min)) return `min ${limits.min}`;
  if (limits.condition && !parseCondition(limits.condition).evaluate({ result: value, baseline })) return `condition ${limits.condition}`;
  return undefined;
}

/**
 * One measurement judged: no data goes by the no_data policy (never as zero); then the absolute
 * limits; then the ratio to the baseline, whose immediate_ratio fails the check at once.
 */
export function valueVerdict(metric: ResolvedMetric, reading: Reading, baseline?: Reading): ValueVerdict {
  const noData = (why: string): ValueVerdict => ({
    verdict: noDataVerdict(metric.no_data),
    immediate: false,
    byRatio: false,
    text: `${metric.name}: ${why} → ${metric.no_data} by no_data policy`,
  });
  if ('noData' in reading) return noData(reading.noData);
  if (baseline && 'noData' in baseline) return noData(`baseline ${baseline.noData}`);
  const value = reading.value;
  const baselineValue = baseline && 'value' in baseline ? baseline.value : undefined;
  const shown = `${metric.name} = ${formatValue(value)}`;
  const breached = breachedLimit(value, metric, baselineValue);
  if (breached) return { verdict: 'fail', immediate: false, byRatio: false, text: `${shown} breached ${breached}` };
  if (metric.baseline && baselineValue !== undefined) {
    const comparison = compareToBaseline(value, baselineValue, metric.baseline);
    if (comparison.breach !== 'none')
      return { verdict: 'fail', immediate: comparison.breach === 'immediate', byRatio: true, text: `${shown} is ${comparison.text}` };
    return {
      verdict: 'pass',
      immediate: false,
      byRatio: false,
      text: `${shown} is ${comparison.text}, within ${describeCondition(metric)}`,
    };
  }
  return { verdict: 'pass', immediate: false, byRatio: false, text: `${shown} within ${describeCondition(metric)}` };
}
