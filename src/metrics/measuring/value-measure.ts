import type { MetricRequest, ResolvedMetric } from '../definition/schema';
import type { MetricProvider } from '../providers/provider';
import { errorMeasurement, type Measurement } from './measurement';
import { valueVerdict } from '../verdicts/value-verdict';
import { formatDuration } from '../../util/duration';
import { readValue } from './reading';

/**
 * One reading of the metric (and of its baseline, side by side) at one evaluation time, judged against
 * its limits. A ratio breach is read again `baseline.sustain` earlier, also at one time for both: two
 * series scraped at different offsets disagree for a scrape or two after a change both saw (both
 * versions degrading at once), and that disagreement must not pass for a worse canary.
 */
export function valueMeasure(metric: ResolvedMetric, provider: MetricProvider, canary: MetricRequest, baseline?: MetricRequest) {
  const read = async (request: MetricRequest, at: number, signal: AbortSignal) =>
    readValue(await provider.instant(request, at, signal), metric.reduce, metric.name);
  const judgeAt = async (at: number, signal: AbortSignal) => {
    const [reading, baselineReading] = await Promise.all([read(canary, at, signal), baseline ? read(baseline, at, signal) : undefined]);
    return { reading, judged: valueVerdict(metric, reading, baselineReading) };
  };
  const sustain = provider.history ? (metric.baseline?.sustain ?? 0) : 0;
  return async (signal: AbortSignal): Promise<Measurement> => {
    try {
      const at = Date.now();
      const { reading, judged } = await judgeAt(at, signal);
      const value = 'value' in reading ? reading.value : null;
      if (!judged.byRatio || sustain === 0) return { verdict: judged.verdict, value, text: judged.text, final: judged.immediate };
      const earlier = (await judgeAt(at - sustain, signal)).judged;
      const before = `${formatDuration(sustain)} before`;
      if (!earlier.byRatio) return { verdict: 'pass', value, text: `${judged.text}, not sustained: ${before}, ${earlier.text}` };
      return {
        verdict: 'fail',
        value,
        text: `${judged.text}, sustained ${formatDuration(sustain)}`,
        final: judged.immediate && earlier.immediate,
      };
    } catch (error) {
      return errorMeasurement(metric.name, error);
    }
  };
}
