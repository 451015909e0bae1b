import { sma } from './moving-averages.js';
import { rollingMax, rollingMin } from './rolling-extremes.js';
import { assertPeriod, assertSameLength } from './validate.js';

export interface StochasticOutput {
  /** %K: where the close sits in the high-low range of the last kPeriod bars, 0 to 100. */
  k: Float64Array;
  /** %D: SMA(dPeriod) of %K. */
  d: Float64Array;
}

/**
 * Fast stochastic oscillator: %K = 100 x (close - lowest low) / (highest high - lowest low) over the
 * last kPeriod bars including the current one (defined from index kPeriod - 1), %D = SMA(dPeriod) of %K
 * (from index kPeriod + dPeriod - 2). When the range is empty (highest high = lowest low, a flat market)
 * %K is 50, the middle, instead of 0 / 0. A NaN high or low makes the windows holding it NaN, a NaN
 * close only its own bar; %D is NaN wherever its window of %K holds a NaN.
 */
export function stochastic(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  kPeriod = 14,
  dPeriod = 3,
): StochasticOutput {
  assertPeriod('stochastic', 'kPeriod', kPeriod);
  assertPeriod('stochastic', 'dPeriod', dPeriod);
  const n = assertSameLength('stochastic', { high, low, close });
  const k = rollingMax(high, kPeriod);
  const lowest = rollingMin(low, kPeriod);
  for (let i = 0; i < n; i++) {
    const hh = k[i] as number;
    const ll = lowest[i] as number;
    const c = close[i] as number;
    const range = hh - ll;
    // A NaN range fails the comparison and flows through the division. The ratio is taken before
    // scaling so that a close at the high cannot round above 100.
    k[i] = range === 0 ? (c === c ? 50 : NaN) : 100 * ((c - ll) / range);
  }
  return { k, d: sma(k, dPeriod) };
}
