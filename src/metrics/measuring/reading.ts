import type { Reduce } from '../definition/schema';
import { ProviderError, type Point, type Series } from '../providers/provider';

/** A measured value, or why there is none. No data is never read as zero. */
export type Reading = { value: number } | { noData: string };

const REDUCERS: Record<Reduce, (values: number[]) => number> = {
  sum: (values) => values.reduce((a, b) => a + b, 0),
  avg: (values) => values.reduce((a, b) => a + b, 0) / values.length,
  min: (values) => Math.min(...values),
  max: (values) => Math.max(...values),
};

const hasValue = (v: number | null): v is number => v !== null && !Number.isNaN(v);

function describeLabels(series: readonly Series[]): string {
  const shown = series.slice(0, 3).map(
    (s) =>
      `{${Object.entries(s.labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(', ')}}`,
  );
  return shown.join(' ') + (series.length > 3 ? ' …' : '');
}

/**
 * Several series as one, timestamp by timestamp. Several series without a `reduce` is an error: the
 * query measures something other than what the user thinks (per-pod instead of per-service), and
 * picking one would be a guess.
 */
function combineSeries(series: readonly Series[], reduce: Reduce | undefined, what: string): Point[] {
  if (series.length <= 1) return series[0]?.points ?? [];
  if (!reduce) {
    throw new ProviderError(
      `${what} returned ${series.length} series ${describeLabels(series)}; aggregate them in the query or set reduce: sum, avg, min or max`,
      'config',
    );
  }
  const byTime = new Map<number, number[]>();
  for (const { points } of series) {
    for (const { t, v } of points) {
      const values = byTime.get(t) ?? [];
      if (hasValue(v)) values.push(v);
      byTime.set(t, values);
    }
  }
  return [...byTime.entries()].sort(([a], [b]) => a - b).map(([t, values]) => ({ t, v: values.length ? REDUCERS[reduce](values) : null }));
}

/** The newest value among the series, or why there is none (empty result, only nulls, NaN). */
export function readValue(series: readonly Series[], reduce: Reduce | undefined, what: string): Reading {
  if (series.length === 0) return { noData: 'no data (empty result)' };
  const points = combineSeries(series, reduce, what);
  const latest = [...points].reverse().find((point) => hasValue(point.v));
  if (latest) return { value: latest.v! };
  // Prometheus answers NaN for 0/0, typically a rate over no traffic at all.
  if (points.some((point) => point.v !== null)) return { noData: 'no data (NaN: nothing to divide, e.g. no traffic)' };
  return { noData: 'no data (only empty points)' };
}

/** All values of a range query, for statistics. */
export function readSamples(series: readonly Series[], reduce: Reduce | undefined, what: string): number[] {
  return combineSeries(series, reduce, what)
    .map((point) => point.v)
    .filter(hasValue);
}
