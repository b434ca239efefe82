import { describe, expect, it } from 'vitest';
import { mannWhitney, rankPooled } from '../../../src/metrics/verdicts/mann-whitney';
import { classify, scoreJudgements } from '../../../src/metrics/verdicts/judgement-score';

const analysis = { direction: 'increase' as const, effect_size: 1, confidence: 0.95, weight: 1, critical: false };
const judge = { marginal: 50, pass: 75 };

describe('mannWhitney', () => {
  it('matches a textbook example worked by hand (exact distribution)', () => {
    // Pooled and sorted: 11 12 16 17 19 20 22 24 29 → x's ranks 5 7 3 9 8, sum 32.
    // U_x = 32 − 5·6/2 = 17, U_y = 5·4 − 17 = 3, U = 3. Orderings with U ≤ 3 (partitions of 0..3 into
    // at most 4 parts each ≤ 5): 1 + 1 + 2 + 3 = 7 of C(9,4) = 126, so p = 2·7/126 = 1/9.
    const result = mannWhitney([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    expect(result).toMatchObject({ uX: 17, uY: 3, u: 3, method: 'exact' });
    expect(result.pValue).toBeCloseTo(1 / 9, 10);
  });

  it('uses the tie-corrected normal approximation when values tie (worked by hand)', () => {
    // x = 1 2 2 3, y = 2 3 4 5. Ranks: 1→1, the three 2s→3, the two 3s→5.5, 4→7, 5→8.
    // R_x = 1 + 3 + 3 + 5.5 = 12.5, U_x = 12.5 − 10 = 2.5, U_y = 13.5. Ties Σ(t³−t) = 24 + 6 = 30.
    // σ² = (16/12)·(9 − 30/56) = 11.2857, z = (|2.5 − 8| − 0.5)/3.3594 = 1.4884, p = 2(1 − Φ(1.4884)) = 0.1367.
    const result = mannWhitney([1, 2, 2, 3], [2, 3, 4, 5]);
    expect(result).toMatchObject({ uX: 2.5, uY: 13.5, u: 2.5, method: 'normal' });
    expect(result.pValue).toBeCloseTo(0.1367, 3);
    expect(rankPooled([1, 2, 2, 3, 2, 3, 4, 5])).toEqual({ ranks: [1, 3, 3, 5.5, 3, 5.5, 7, 8], tieTerm: 30 });
  });

  it('gives p = 1 for identical samples and a tiny p for fully separated ones', () => {
    expect(mannWhitney([5, 5, 5], [5, 5, 5]).pValue).toBe(1);
    const separated = mannWhitney([10, 11, 12, 13, 14, 15, 16, 17], [1, 2, 3, 4, 5, 6, 7, 8]);
    expect(separated.uX).toBe(64);
    expect(separated.pValue).toBeCloseTo(2 / 12870, 10);
  });
});

describe('classify and score', () => {
  const baseline = [0.01, 0.011, 0.009, 0.01, 0.012, 0.011, 0.01, 0.009, 0.011, 0.01];
  const worse = baseline.map((v) => v * 3);

  it('classifies a significantly higher canary as High, and that fails an increase-is-bad metric', () => {
    const result = classify('error_rate', worse, baseline, analysis);
    expect(result.classification).toBe('High');
    expect(result.ok).toBe(false);
    expect(result.text).toMatch(/error_rate: High \(p=.*3× baseline/);
  });

  it('passes a difference within the allowed effect size, or in the harmless direction', () => {
    expect(classify('error_rate', worse, baseline, { ...analysis, effect_size: 3.5 }).classification).toBe('Pass');
    const better = classify('error_rate', baseline, worse, analysis);
    expect(better).toMatchObject({ classification: 'Low', ok: true });
  });

  it('says NoData with too few samples, and scores without NoData metrics', () => {
    // One canary sample against ten: even above them all, p = 2/11 at best.
    const nodata = classify('latency', [1], baseline, analysis);
    expect(nodata.classification).toBe('NoData');
    expect(nodata.text).toBe('latency: NoData (1 canary, 10 baseline samples cannot show a difference at confidence 0.95)');
    const pass = classify('throughput', baseline, baseline, analysis);
    expect(scoreJudgements([pass, nodata], judge)).toMatchObject({ score: 100, verdict: 'pass' });
    expect(scoreJudgements([nodata], judge)).toMatchObject({ score: null, verdict: 'nodata' });
  });

  it('says NoData exactly when no ordering of the samples could reach the confidence', () => {
    const strict = { ...analysis, confidence: 0.98 };
    // Fully separated, 4 a side: p = 2/C(8,4) = 0.029, never below 0.02; 5 a side: 2/252 = 0.008.
    expect(classify('error_rate', [5, 6, 7, 8], [1, 2, 3, 4], strict).classification).toBe('NoData');
    expect(classify('error_rate', [5, 6, 7, 8], [1, 2, 3, 4], analysis).classification).toBe('High');
    expect(classify('error_rate', [6, 7, 8, 9, 10], [1, 2, 3, 4, 5], strict).classification).toBe('High');
  });

  it('weights the score and applies marginal and pass thresholds', () => {
    const high = classify('error_rate', worse, baseline, { ...analysis, weight: 1 });
    const pass = classify('latency', baseline, baseline, { ...analysis, weight: 3 });
    expect(scoreJudgements([high, pass], judge)).toMatchObject({ score: 75, verdict: 'pass' });
    expect(scoreJudgements([high, pass], { marginal: 50, pass: 80 })).toMatchObject({ score: 75, verdict: 'inconclusive' });
    const heavyHigh = classify('error_rate', worse, baseline, { ...analysis, weight: 3 });
    const light = classify('latency', baseline, baseline, analysis);
    expect(scoreJudgements([heavyHigh, light], judge)).toMatchObject({ score: 25, verdict: 'fail' });
  });

  it('fails on a critical metric whatever the score', () => {
    const critical = classify('error_rate', worse, baseline, { ...analysis, critical: true });
    const others = ['a', 'b', 'c', 'd'].map((name) => classify(name, baseline, baseline, analysis));
    const score = scoreJudgements([critical, ...others], judge);
    expect(score.score).toBe(80);
    expect(score.verdict).toBe('fail');
    expect(score.text).toMatch(/critical metric error_rate is High/);
  });
});
