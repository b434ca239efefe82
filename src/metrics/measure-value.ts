import type { MetricRequest, ResolvedMetric } from './schema';
import type { MetricProvider } from './providers/provider';
import type { Measurement } from './measure-loop';
import { errorMeasurement } from './measurement';
import { judgeValue } from './evaluate';
import { readValue } from './reading';

/** One instant reading of the metric (and of its baseline, side by side), judged against its limits. */
export function valueMeasure(metric: ResolvedMetric, provider: MetricProvider, canary: MetricRequest, baseline?: MetricRequest) {
  const read = async (request: MetricRequest, signal: AbortSignal) => readValue(await provider.instant(request, signal), metric.reduce, metric.name);
  return async (signal: AbortSignal): Promise<Measurement> => {
    try {
      const [reading, baselineReading] = await Promise.all([read(canary, signal), baseline ? read(baseline, signal) : undefined]);
      const judged = judgeValue(metric, reading, baselineReading);
      return { verdict: judged.verdict, value: 'value' in reading ? reading.value : null, text: judged.text, final: judged.immediate };
    } catch (error) {
      return errorMeasurement(metric.name, error);
    }
  };
}
