import { rollingMax, rollingMin } from './rolling-extremes.js';
import { assertPeriod, assertSameLength } from './validate.js';

export interface DonchianOutput {
  /** Highest high of the last `period` bars, the current one included. */
  upper: Float64Array;
  /** Lowest low of the same bars. */
  lower: Float64Array;
  /** (upper + lower) / 2. */
  middle: Float64Array;
}

/**
 * Donchian channel over `period` bars including the current bar, defined from index period - 1. A
 * breakout rule compares today's close with yesterday's channel (index i - 1), since today's channel
 * already contains today's high. On close-only data pass the close as both high and low: the channel of
 * the closes. A NaN high (low) makes the windows holding it NaN in upper (lower) and middle.
 */
export function donchian(high: Float64Array, low: Float64Array, period = 20): DonchianOutput {
  assertPeriod('donchian', 'period', period);
  const n = assertSameLength('donchian', { high, low });
  const upper = rollingMax(high, period);
  const lower = rollingMin(low, period);
  const middle = new Float64Array(n);
  for (let i = 0; i < n; i++) middle[i] = ((upper[i] as number) + (lower[i] as number)) / 2;
  return { upper, lower, middle };
}
