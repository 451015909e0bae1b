import type { Percentiles } from '../api.js';
import { minOf, selectKth } from '../stats/select.js';

const PROBABILITIES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

/**
 * The 5th, 25th, 50th, 75th and 95th percentiles of `a` (R's type 7, as `stats/quantile` computes it),
 * by selection in place: `a` is reordered, never sorted in full. Each selection narrows the range of the
 * next, so the five cost little more than one. NaN when `a` is empty; `a` must not hold NaN.
 */
export function percentilesInPlace(a: Float64Array): Percentiles {
  const n = a.length;
  const out = [NaN, NaN, NaN, NaN, NaN];
  if (n > 0) {
    let left = 0;
    PROBABILITIES.forEach((p, q) => {
      // The same arithmetic as R (1-based index, then the fraction), so results agree to the bit.
      const index = 1 + (n - 1) * p;
      const lo = Math.floor(index) - 1;
      const h = index - (lo + 1);
      selectKth(a, lo, left, n - 1);
      left = lo;
      const xlo = a[lo] as number;
      // After selecting lo, the next order statistic is the smallest value above it.
      const xhi = h > 0 ? minOf(a, lo + 1, n) : xlo;
      out[q] = h > 0 && xhi !== xlo ? (1 - h) * xlo + h * xhi : xlo;
    });
  }
  const [p5, p25, p50, p75, p95] = out as [number, number, number, number, number];
  return { p5, p25, p50, p75, p95 };
}
