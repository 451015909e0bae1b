import { assertPeriod } from './validate.js';

/**
 * Rolling mean and standard deviation in one O(n) pass, written into `mean` (when given) and `sd`.
 * `ddof` is 1 for the sample sd (divide by period - 1) and 0 for the population sd.
 *
 * Why not running sums of x and x^2: on prices near 5,000 with an sd near 10 they cancel away about
 * eight of the sixteen digits. Instead the sums are of deviations from a shift near the window's mean,
 * and the shift and both sums are recomputed exactly from the window (O(period)) every few windows, so
 * add/remove rounding cannot build up, and also whenever the window's spread has fallen far below the
 * sums' recent size (a calm stretch after a volatile one, or the mean far from the shift), where the
 * sums would have cancelled away the digits the sd needs. Either costs under one extra operation per
 * bar on market data. A window of identical values has an sd of exactly 0 and its value as the mean.
 */
export function rollingMeanSd(
  src: Float64Array,
  period: number,
  ddof: 0 | 1,
  mean: Float64Array | null,
  sd: Float64Array,
): void {
  const n = src.length;
  const inv = 1 / period;
  const invDen = 1 / (period - ddof);
  const resyncEvery = Math.max(4 * period, 64);
  // Below this share of the sums' recent peak, too few digits are left: recompute exactly.
  const lostDigits = 1e-4;
  let start = 0;
  let shift = 0;
  let s1 = 0;
  let s2 = 0;
  let peak = 0;
  let sinceSync = 0;
  let sameRun = 0;
  for (let i = 0; i < n; i++) {
    const x = src[i] as number;
    if (x !== x) {
      start = i + 1;
      s1 = s2 = 0;
      if (mean) mean[i] = NaN;
      sd[i] = NaN;
      continue;
    }
    const seen = i - start;
    if (seen === 0) {
      shift = x;
      sinceSync = 0;
      sameRun = 0;
    }
    sameRun = seen > 0 && x === src[i - 1] ? sameRun + 1 : 1;
    const dx = x - shift;
    if (seen >= period) {
      const dy = (src[i - period] as number) - shift;
      s1 += dx - dy;
      s2 += dx * dx - dy * dy;
    } else {
      s1 += dx;
      s2 += dx * dx;
      if (seen < period - 1) {
        if (mean) mean[i] = NaN;
        sd[i] = NaN;
        continue;
      }
    }
    if (sameRun >= period) {
      if (mean) mean[i] = x;
      sd[i] = 0;
      continue;
    }
    if (s2 > peak) peak = s2;
    let m2 = s2 - s1 * s1 * inv;
    if (sinceSync === 0 || m2 < lostDigits * peak) {
      // Exact sums over the window [i - period + 1, i], around its own mean.
      let sum = 0;
      for (let j = i - period + 1; j <= i; j++) sum += src[j] as number;
      shift = sum * inv;
      s1 = s2 = 0;
      for (let j = i - period + 1; j <= i; j++) {
        const d = (src[j] as number) - shift;
        s1 += d;
        s2 += d * d;
      }
      peak = s2;
      sinceSync = 0;
      m2 = s2 - s1 * s1 * inv;
    }
    sinceSync = sinceSync + 1 === resyncEvery ? 0 : sinceSync + 1;
    if (mean) mean[i] = shift + s1 * inv;
    sd[i] = m2 > 0 ? Math.sqrt(m2 * invDen) : 0;
  }
}

/**
 * Rolling standard deviation over `period` values: the sample sd (divisor period - 1, needs period >= 2)
 * by default, the population sd (divisor period) with `sample = false`. Defined from index period - 1;
 * NaNs as in moving-averages.ts.
 */
export function rollingSd(src: Float64Array, period: number, sample = true): Float64Array {
  assertPeriod('rollingSd', 'period', period, sample ? 2 : 1);
  const out = new Float64Array(src.length);
  rollingMeanSd(src, period, sample ? 1 : 0, null, out);
  return out;
}
