import type { CandleColumns } from '../../market/candle-series.js';
import { wilderSmooth } from './moving-averages.js';
import { assertPeriod } from './validate.js';

/**
 * True range of each candle: the largest of high − low, |high − previous close| and
 * |low − previous close|. The first candle has no previous close, so its true range is high − low
 * (Wilder's convention).
 */
export function trueRange(candles: CandleColumns): Float64Array {
  const { high, low, close } = candles;
  const n = high.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const h = high[i] as number;
    const l = low[i] as number;
    if (i === 0) {
      out[i] = h - l;
      continue;
    }
    const pc = close[i - 1] as number;
    out[i] = Math.max(h - l, Math.abs(h - pc), Math.abs(l - pc));
  }
  return out;
}

/**
 * Wilder's Average True Range over `period` candles. The first value, at index period − 1, is the simple
 * mean of the first `period` true ranges; after that ATR[i] = (ATR[i − 1] × (period − 1) + TR[i]) / period.
 * Entries before the first value are NaN. A NaN in the input makes every later value NaN: the smoothing
 * remembers everything before it.
 */
export function atr(candles: CandleColumns, period = 14): Float64Array {
  if (!Number.isInteger(period) || period < 1)
    throw new RangeError(`ATR period must be a whole number >= 1, got ${period}`);
  const tr = trueRange(candles);
  const n = tr.length;
  const out = new Float64Array(n).fill(NaN);
  if (n < period) return out;
  let sum = 0;
  for (let i = 0; i < period; i++) sum += tr[i] as number;
  let value = sum / period;
  out[period - 1] = value;
  for (let i = period; i < n; i++) {
    value = (value * (period - 1) + (tr[i] as number)) / period;
    out[i] = value;
  }
  return out;
}

/**
 * True range when only closes are known (high = low = close): |close - previous close|, from index 1.
 * Index 0 has no previous close and is NaN.
 */
export function trueRangeCloseOnly(close: Float64Array): Float64Array {
  const n = close.length;
  const out = new Float64Array(n);
  if (n > 0) out[0] = NaN;
  for (let i = 1; i < n; i++) out[i] = Math.abs((close[i] as number) - (close[i - 1] as number));
  return out;
}

/**
 * Wilder's ATR of close-only data: `trueRangeCloseOnly` smoothed with alpha = 1 / period, seeded at
 * index `period` with the mean of true ranges 1..period (TTR's ATR on a series with H = L = C). Unlike
 * `atr`, the first bar contributes no range. NaNs as in moving-averages.ts.
 */
export function atrCloseOnly(close: Float64Array, period = 14): Float64Array {
  assertPeriod('atrCloseOnly', 'period', period);
  return wilderSmooth(trueRangeCloseOnly(close), period);
}
