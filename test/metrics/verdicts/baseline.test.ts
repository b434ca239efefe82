import { describe, expect, it, vi } from 'vitest';
import { resolvedMetricSchema, type MetricRequest } from '../../../src/metrics/definition/schema';
import { baselineRatio, compareToBaseline } from '../../../src/metrics/verdicts/baseline';
import { valueVerdict } from '../../../src/metrics/verdicts/value-verdict';
import { valueMeasure } from '../../../src/metrics/measuring/value-measure';
import type { MetricProvider, Series } from '../../../src/metrics/providers/provider';

// The ratio limits other tests leave alone: min_ratio, floor, and a baseline that reads no data.
const metric = (baseline: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  resolvedMetricSchema.parse({
    name: 'm',
    provider: 'prometheus',
    query: 'canary',
    baseline: { query: 'stable', sustain: 0, ...baseline },
    ...extra,
  });
const judge = (canary: number, baseline: number, limits: Record<string, unknown>) =>
  valueVerdict(metric(limits), { value: canary }, { value: baseline });

describe('min_ratio', () => {
  const limits = { min_ratio: 0.5 };

  it('fails a canary below min_ratio × baseline as a ratio breach (not immediate), and passes one at or above it', () => {
    const below = judge(4.9, 10, limits);
    expect(below).toMatchObject({ verdict: 'fail', byRatio: true, immediate: false });
    expect(below.text).toBe('m = 4.9 is 0.49× baseline 10, below min_ratio 0.5');
    // Exactly 0.5×: "below" is strict.
    expect(judge(5, 10, limits)).toMatchObject({ verdict: 'pass', byRatio: false });
    expect(judge(5.1, 10, limits)).toMatchObject({ verdict: 'pass', byRatio: false });
  });

  it('is a lower bound only: without max_ratio a canary far above its baseline passes', () => {
    expect(judge(100, 10, limits).verdict).toBe('pass');
  });

  it('a min_ratio breach must be sustained like any ratio breach', async () => {
    // 0.4× now and 0.4× 30 s before: sustained; 0.4× now but 1× before: passes, saying why.
    const now = 1_000_000;
    const sustained = await measureAt(now, metric({ min_ratio: 0.5, sustain: '30s' }), () => ({ canary: 4, stable: 10 }));
    expect(sustained).toMatchObject({ verdict: 'fail' });
    expect(sustained.text).toMatch(/below min_ratio 0\.5, sustained 30s$/);
    const blip = await measureAt(now, metric({ min_ratio: 0.5, sustain: '30s' }), (at) => ({ canary: at === now ? 4 : 10, stable: 10 }));
    expect(blip.verdict).toBe('pass');
    expect(blip.text).toMatch(/below min_ratio 0\.5, not sustained: 30s before, m = 10 is 1× baseline 10/);
  });
});

describe('floor', () => {
  it('compares against the floor when the baseline is below it, so a tiny baseline does not make a tiny canary a huge ratio', () => {
    const limits = { max_ratio: 2, floor: 0.001 };
    // 0.0015 against a 0.0001 baseline would be 15×; against the floor it is 1.5×.
    expect(compareToBaseline(0.0015, 0.0001, metric(limits).baseline!).ratio).toBeCloseTo(1.5, 12);
    expect(judge(0.0015, 0.0001, limits).verdict).toBe('pass');
    expect(judge(0.0025, 0.0001, limits)).toMatchObject({ verdict: 'fail', byRatio: true });
    // Without a floor the same readings are 15× and fail.
    expect(judge(0.0015, 0.0001, { max_ratio: 2 }).verdict).toBe('fail');
  });

  it('leaves a baseline above the floor as it is', () => {
    const limits = { max_ratio: 2, floor: 0.001 };
    expect(baselineRatio(0.015, 0.01, 0.001)).toBeCloseTo(1.5, 12);
    expect(judge(0.015, 0.01, limits).verdict).toBe('pass');
    expect(judge(0.025, 0.01, limits).verdict).toBe('fail');
  });

  it('keeps a zero baseline from making any error an infinite ratio (default floor 0: it does)', () => {
    expect(baselineRatio(0.0015, 0, 0.001)).toBeCloseTo(1.5, 12);
    expect(judge(0.0015, 0, { max_ratio: 2, immediate_ratio: 5, floor: 0.001 }).verdict).toBe('pass');
    expect(metric({ max_ratio: 2 }).baseline!.floor).toBe(0);
    expect(baselineRatio(0.0015, 0, 0)).toBe(Infinity);
    expect(judge(0.0015, 0, { max_ratio: 2, immediate_ratio: 5 })).toMatchObject({ verdict: 'fail', immediate: true });
    // Both zero is "the same".
    expect(baselineRatio(0, 0, 0)).toBe(1);
  });

  it('raises the canary to the floor too, so two readings below it compare as 1× and min_ratio does not fail an idle canary', () => {
    const limits = { min_ratio: 0.5, floor: 1 };
    expect(baselineRatio(0, 0, 1)).toBe(1);
    expect(baselineRatio(0.5, 0.5, 1)).toBe(1);
    expect(judge(0, 0, limits).verdict).toBe('pass');
    // Above the floor min_ratio still judges, and the text says which floor was used.
    expect(judge(1, 4, limits)).toMatchObject({ verdict: 'fail', byRatio: true });
    expect(compareToBaseline(0.0015, 0.0001, metric({ max_ratio: 2, floor: 0.001 }).baseline!).text).toBe(
      '1.5× baseline 0.0001 (floor 0.001)',
    );
  });
});

describe('a baseline without data', () => {
  const noBaseline = { noData: 'no data (empty result)' };
  // 100× its baseline would fail at once, were there a baseline to compare with.
  const limits = { max_ratio: 2, immediate_ratio: 5 };

  it('goes by the no_data policy, never as a ratio (nor as zero)', () => {
    for (const policy of ['fail', 'inconclusive', 'pass'] as const) {
      const judged = valueVerdict(metric(limits, { no_data: policy }), { value: 100 }, noBaseline);
      expect(judged).toEqual({
        verdict: policy,
        immediate: false,
        byRatio: false,
        text: `m: baseline no data (empty result) → ${policy} by no_data policy`,
      });
    }
    // The documented default is inconclusive.
    expect(valueVerdict(metric(limits), { value: 1 }, noBaseline).verdict).toBe('inconclusive');
  });

  it('a canary without data says so first', () => {
    expect(valueVerdict(metric(limits, { no_data: 'fail' }), { noData: 'no data (only empty points)' }, noBaseline).text).toBe(
      'm: no data (only empty points) → fail by no_data policy',
    );
  });

  it('from the provider: an empty baseline result is no data, reported with the canary value and not re-read for sustain', async () => {
    const asked: string[] = [];
    const measured = await measureAt(1_000_000, metric({ ...limits, sustain: '30s' }, { no_data: 'fail' }), () => ({ canary: 100 }), asked);
    expect(measured).toEqual({
      verdict: 'fail',
      value: 100,
      text: 'm: baseline no data (empty result) → fail by no_data policy',
      final: false,
    });
    expect(asked).toEqual(['canary@1000000', 'stable@1000000']);
  });
});

/** One measurement at `now` against a provider answering each query at each time from `values` (missing: an empty result). */
async function measureAt(
  now: number,
  resolved: ReturnType<typeof metric>,
  values: (at: number) => Record<string, number>,
  asked: string[] = [],
) {
  const provider: MetricProvider = {
    describe: (request) => request.query ?? '',
    history: true,
    instant: async (request, at): Promise<Series[]> => {
      asked.push(`${request.query}@${at}`);
      const value = values(at)[request.query!];
      return value === undefined ? [] : [{ labels: {}, points: [{ t: at, v: value }] }];
    },
    range: async () => [],
  };
  const request = (query: string): MetricRequest => ({ ...resolved, query });
  const clock = vi.spyOn(Date, 'now').mockReturnValue(now);
  try {
    return await valueMeasure(resolved, provider, request('canary'), request('stable'))(new AbortController().signal);
  } finally {
    clock.mockRestore();
  }
}
