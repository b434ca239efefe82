/**
 * The Mann-Whitney U test (Wilcoxon rank-sum): do two samples come from the same distribution? It
 * compares ranks, not means, so a few outliers (one slow request, one scrape gap) cannot swing it —
 * why Kayenta uses it to judge canaries.
 */

export interface MannWhitneyResult {
  /** Pairs (x, y) with x > y, ties counting half. */
  uX: number;
  uY: number;
  /** min(uX, uY), the statistic tables list. */
  u: number;
  /** Two-sided. */
  pValue: number;
  method: 'exact' | 'normal';
}

/** Up to this size per sample (and without ties) the exact distribution is cheap and beats the approximation. */
const EXACT_MAX_SIZE = 20;

/** Average ranks (1-based) of the pooled values, and the tie term Σ(t³ − t) over groups of t equal values. */
export function rankPooled(values: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const ranks = new Array<number>(values.length);
  let tieTerm = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.value === order[start]!.value) end += 1;
    const size = end - start + 1;
    const rank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) ranks[order[i]!.index] = rank;
    tieTerm += size ** 3 - size;
    start = end + 1;
  }
  return { ranks, tieTerm };
}

/** How many of the C(m+n, m) orderings give each U, by the recurrence on where the largest value falls. */
function exactCounts(m: number, n: number): number[] {
  // table[j] holds the counts for (i, j) while row i is built; row 0 and column 0 have only U = 0.
  let previous: number[][] = Array.from({ length: n + 1 }, () => [1]);
  for (let i = 1; i <= m; i++) {
    const row: number[][] = [[1]];
    for (let j = 1; j <= n; j++) {
      const counts = new Array<number>(i * j + 1).fill(0);
      // The largest value is an x (it beats all j y's) or a y (it adds nothing).
      previous[j]!.forEach((count, u) => (counts[u + j]! += count));
      row[j - 1]!.forEach((count, u) => (counts[u]! += count));
      row.push(counts);
    }
    previous = row;
  }
  return previous[n]!;
}

/** Complementary error function (Numerical Recipes' Chebyshev fit, relative error below 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(-z * z + poly);
  return x >= 0 ? r : 2 - r;
}

export function mannWhitney(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  const m = x.length;
  const n = y.length;
  if (!m || !n) throw new Error('Mann-Whitney needs values in both samples');
  const { ranks, tieTerm } = rankPooled([...x, ...y]);
  const rankSumX = ranks.slice(0, m).reduce((a, b) => a + b, 0);
  const uX = rankSumX - (m * (m + 1)) / 2;
  const uY = m * n - uX;
  const u = Math.min(uX, uY);

  if (tieTerm === 0 && m <= EXACT_MAX_SIZE && n <= EXACT_MAX_SIZE) {
    const counts = exactCounts(m, n);
    const total = counts.reduce((a, b) => a + b, 0);
    const tail = counts.slice(0, Math.floor(u) + 1).reduce((a, b) => a + b, 0);
    return { uX, uY, u, pValue: Math.min(1, (2 * tail) / total), method: 'exact' };
  }
  const size = m + n;
  const variance = ((m * n) / 12) * (size + 1 - tieTerm / (size * (size - 1)));
  if (variance <= 0) return { uX, uY, u, pValue: 1, method: 'normal' };
  // Continuity correction: U moves in steps of 1/2 or 1 while the normal curve is smooth.
  const z = Math.max(0, Math.abs(uX - (m * n) / 2) - 0.5) / Math.sqrt(variance);
  return { uX, uY, u, pValue: Math.min(1, erfc(z / Math.SQRT2)), method: 'normal' };
}
