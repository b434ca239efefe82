import type { Analysis, Judge } from '../definition/schema';
import { baselineRatio } from './baseline';
import { formatValue } from './format';
import { mannWhitney } from './mann-whitney';

export type Classification = 'Pass' | 'High' | 'Low' | 'NoData';

export interface MetricJudgement {
  metric: string;
  classification: Classification;
  /** Pass, or a difference in the harmless direction. */
  ok: boolean;
  weight: number;
  critical: boolean;
  text: string;
}

export interface Score {
  /** 0–100; null when every metric had no data. */
  score: number | null;
  verdict: 'pass' | 'inconclusive' | 'fail' | 'nodata';
  text: string;
}

/**
 * The smallest two-sided p-value samples of these sizes can give (every canary value above every
 * baseline value): 2 / C(m+n, m). At or above 1 − confidence no data could ever be significant, so a
 * judgement of them would pass by construction: NoData instead. The fewest that can show a
 * difference: 5 a side at 0.98, 4 at 0.95.
 */
function leastPValue(m: number, n: number): number {
  let orderings = 1;
  for (let i = 1; i <= m; i++) orderings = (orderings * (n + i)) / i;
  return 2 / orderings;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Classifies canary vs baseline samples as Kayenta's Mann-Whitney classifier does: Pass unless the
 * difference is significant at `confidence`; then High or Low — unless the medians differ by no more
 * than `effect_size`, because a significant but tiny shift is not worth a rollback.
 */
export function classify(metric: string, canary: readonly number[], baseline: readonly number[], analysis: Analysis): MetricJudgement {
  const base = { metric, weight: analysis.weight, critical: analysis.critical };
  if (!canary.length || !baseline.length || leastPValue(canary.length, baseline.length) >= 1 - analysis.confidence) {
    const samples = `${canary.length} canary, ${baseline.length} baseline samples`;
    const why = `${samples} cannot show a difference at confidence ${analysis.confidence}`;
    return { ...base, classification: 'NoData', ok: true, text: `${metric}: NoData (${why})` };
  }
  const test = mannWhitney(canary, baseline);
  const canaryMedian = median(canary);
  const baselineMedian = median(baseline);
  const ratio = baselineRatio(canaryMedian, baselineMedian, 0);
  const detail =
    `p=${formatValue(test.pValue)}` +
    `, canary median ${formatValue(canaryMedian)} = ${formatValue(ratio)}× baseline ${formatValue(baselineMedian)}`;
  const higher = test.uX > (canary.length * baseline.length) / 2;
  const significant = test.pValue < 1 - analysis.confidence;
  const negligible = higher ? ratio <= analysis.effect_size : ratio >= 1 / analysis.effect_size;
  const classification: Classification = !significant || negligible ? 'Pass' : higher ? 'High' : 'Low';
  const ok =
    classification === 'Pass' ||
    (classification === 'High' && analysis.direction === 'decrease') ||
    (classification === 'Low' && analysis.direction === 'increase');
  return { ...base, classification, ok, text: `${metric}: ${classification} (${detail})` };
}

/**
 * Kayenta's weighted score: the share of weight whose metrics are ok, NoData metrics left out.
 * A critical metric that is not ok fails the judgement whatever the score.
 */
export function scoreJudgements(results: readonly MetricJudgement[], judge: Judge): Score {
  const details = results.map((result) => result.text).join('; ');
  const counted = results.filter((result) => result.classification !== 'NoData');
  if (!counted.length) return { score: null, verdict: 'nodata', text: `no data to judge (${details})` };
  const total = counted.reduce((sum, result) => sum + result.weight, 0);
  const good = counted.filter((result) => result.ok).reduce((sum, result) => sum + result.weight, 0);
  const score = (100 * good) / total;
  const shown = `score ${formatValue(score)}`;
  const critical = counted.find((result) => result.critical && !result.ok);
  if (critical)
    return { score, verdict: 'fail', text: `${shown}, critical metric ${critical.metric} is ${critical.classification} (${details})` };
  if (score >= judge.pass) return { score, verdict: 'pass', text: `${shown} ≥ pass ${judge.pass} (${details})` };
  if (score >= judge.marginal)
    return { score, verdict: 'inconclusive', text: `${shown} is marginal, below pass ${judge.pass} (${details})` };
  return { score, verdict: 'fail', text: `${shown} < marginal ${judge.marginal} (${details})` };
}
