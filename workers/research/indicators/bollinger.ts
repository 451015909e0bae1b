import { rollingMeanSd } from './rolling-sd.js';
import { assertPeriod } from './validate.js';

export interface BollingerOutput {
  lower: Float64Array;
  /** The simple moving average. */
  middle: Float64Array;
  upper: Float64Array;
  /** Where the value sits between the bands: 0 on the lower, 1 on the upper, outside 0..1 beyond them. */
  pctB: Float64Array;
}

/**
 * Bollinger Bands: middle = SMA(period), bands = middle -/+ k x the POPULATION sd of the same window (as
 * Bollinger and TTR define them). Defined from index period - 1. When every value of the window is the
 * same the bands meet and %B is NaN (0 / 0: the position between equal bands is undefined).
 */
export function bollinger(src: Float64Array, period = 20, k = 2): BollingerOutput {
  assertPeriod('bollinger', 'period', period);
  if (!Number.isFinite(k) || k < 0)
    throw new RangeError(
      `bollinger: k (band width in standard deviations) must be a number >= 0, got ${k}; the usual is 2`,
    );
  const n = src.length;
  const middle = new Float64Array(n);
  const lower = new Float64Array(n);
  const upper = new Float64Array(n);
  const pctB = new Float64Array(n);
  // The sd goes into `upper` first, then becomes the band in place.
  rollingMeanSd(src, period, 0, middle, upper);
  for (let i = 0; i < n; i++) {
    const m = middle[i] as number;
    const w = k * (upper[i] as number);
    const lo = m - w;
    const hi = m + w;
    lower[i] = lo;
    upper[i] = hi;
    pctB[i] = ((src[i] as number) - lo) / (hi - lo);
  }
  return { lower, middle, upper, pctB };
}
