import type { BaselineLimits } from '../definition/schema';
import { formatValue } from './format';
import { formatDuration } from '../../util/duration';

export interface BaselineComparison {
  ratio: number;
  /** `immediate` fails the check at once; `breach` counts against failure_limit. */
  breach: 'none' | 'breach' | 'immediate';
  text: string;
}

/**
 * Canary over baseline, each raised to `floor`: below it a difference does not matter, so two idle
 * versions compare as 1×, not 0× (which `min_ratio` would fail). Both at zero is "the same"; a
 * canary above a zero baseline is infinitely worse.
 */
export function baselineRatio(value: number, baseline: number, floor: number): number {
  const reference = Math.max(baseline, floor);
  if (reference === 0) return value === 0 ? 1 : Infinity;
  return Math.max(value, floor) / reference;
}

/**
 * Judges a value against the stable version's: the brief's severity table is `immediate_ratio: 5`
 * (over 5× baseline: roll back now) and `max_ratio: 2` (over 2×: a failed measurement).
 */
export function compareToBaseline(value: number, baseline: number, limits: BaselineLimits): BaselineComparison {
  const ratio = baselineRatio(value, baseline, limits.floor);
  const floored = limits.floor > 0 && Math.min(value, baseline) < limits.floor ? ` (floor ${formatValue(limits.floor)})` : '';
  const shown = `${formatValue(ratio)}× baseline ${formatValue(baseline)}${floored}`;
  if (limits.immediate_ratio !== undefined && ratio > limits.immediate_ratio) {
    return { ratio, breach: 'immediate', text: `${shown}, above immediate_ratio ${limits.immediate_ratio}` };
  }
  if (limits.max_ratio !== undefined && ratio > limits.max_ratio)
    return { ratio, breach: 'breach', text: `${shown}, above max_ratio ${limits.max_ratio}` };
  if (limits.min_ratio !== undefined && ratio < limits.min_ratio)
    return { ratio, breach: 'breach', text: `${shown}, below min_ratio ${limits.min_ratio}` };
  return { ratio, breach: 'none', text: shown };
}

/** The ratio limits in words, for plans and charts: "≤ 2× baseline", "breaches sustained 30s". */
export function describeBaselineLimits(limits: BaselineLimits): string[] {
  const ratios = [
    limits.max_ratio !== undefined ? `≤ ${limits.max_ratio}× baseline` : '',
    limits.min_ratio !== undefined ? `≥ ${limits.min_ratio}× baseline` : '',
    limits.immediate_ratio !== undefined ? `immediate fail above ${limits.immediate_ratio}× baseline` : '',
  ].filter(Boolean);
  return ratios.length && limits.sustain > 0 ? [...ratios, `breaches sustained ${formatDuration(limits.sustain)}`] : ratios;
}
