import type { Judge, MetricRequest, NoDataPolicy, ResolvedMetric } from '../definition/schema';
import type { MetricProvider } from '../providers/provider';
import { errorMeasurement, type Measurement } from './measurement';
import { noDataVerdict } from '../verdicts/value-verdict';
import { classify, scoreJudgements } from '../verdicts/judgement-score';
import { readSamples } from './reading';

export interface JudgedMetric {
  metric: ResolvedMetric;
  provider: MetricProvider;
  canary: MetricRequest;
  baseline: MetricRequest;
}

/** How a judgement names itself in plans and messages: `judgement(error_rate, latency_p99_ms)`. */
export function judgementLabel(metrics: readonly Pick<ResolvedMetric, 'name'>[]): string {
  return `judgement(${metrics.map((metric) => metric.name).join(', ')})`;
}

/**
 * One canary judgement: each metric's last `window` of canary and baseline history, classified by
 * Mann-Whitney, then scored. The measurement's value is the score (0–100).
 */
export function judgementMeasure(items: readonly JudgedMetric[], judge: Judge, noData: NoDataPolicy) {
  const label = judgementLabel(items.map((item) => item.metric));
  return async (signal: AbortSignal): Promise<Measurement> => {
    try {
      const end = Date.now();
      const results = await Promise.all(
        items.map(async ({ metric, provider, canary, baseline }) => {
          const range = { start: end - metric.window, end, step: metric.step };
          const [canarySeries, baselineSeries] = await Promise.all([
            provider.range(canary, range, signal),
            provider.range(baseline, range, signal),
          ]);
          const samples = (series: typeof canarySeries, which: string) => readSamples(series, metric.reduce, `${metric.name} ${which}`);
          return classify(metric.name, samples(canarySeries, 'canary'), samples(baselineSeries, 'baseline'), metric.analysis);
        }),
      );
      const score = scoreJudgements(results, judge);
      if (score.verdict === 'nodata')
        return { verdict: noDataVerdict(noData), value: null, text: `${label}: ${score.text} → ${noData} by no_data policy` };
      return { verdict: score.verdict, value: score.score, text: `${label}: ${score.text}` };
    } catch (error) {
      return errorMeasurement(label, error);
    }
  };
}
