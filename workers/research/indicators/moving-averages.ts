import { assertPeriod } from './validate.js';

/*
 * Missing values: every indicator in this folder treats each run of values without NaN as a series of
 * its own. An output is defined once its window (or, for the smoothed averages, its seed window) lies
 * wholly inside one run, so leading NaNs (the warm-up of another indicator) are skipped and a NaN in the
 * middle makes the outputs that would have read it NaN, after which the indicator warms up again.
 */

/** Bars between exact re-sums of the SMA window: bounds the running sum's drift at a small cost. */
const SMA_RESYNC = 128;

/**
 * Simple moving average: the mean of the last `period` values, defined from index period - 1 of each
 * run without NaN. The window sum is kept running (O(n), one add and one subtract per bar, which is
 * what makes it fast), and re-summed exactly from the window every SMA_RESYNC bars so rounding cannot
 * accumulate: the error stays within a few hundred ulps of the window sum however long the series.
 */
export function sma(src: Float64Array, period: number): Float64Array {
  return smaInto(src, period, new Float64Array(src.length));
}

/**
 * `sma` written into `out` (at least as long as `src`; values past src.length are left alone), for a
 * caller that has a column to reuse. Returns `out`. `out` must not be `src`: the running sum reads the
 * value leaving the window after its output is written.
 */
export function smaInto(src: Float64Array, period: number, out: Float64Array): Float64Array {
  assertPeriod('sma', 'period', period);
  const n = src.length;
  if (out.length < n) throw new RangeError(`smaInto: out holds ${out.length} values, src ${n}`);
  // Each stretch without NaN is its own series; a NaN bar is NaN out. The run finds the next NaN itself,
  // so the input is read once.
  for (let from = 0; from < n;) {
    const stop = smaRun(src, out, from, n, period);
    if (stop < n) out[stop] = NaN;
    from = stop + 1;
  }
  return out;
}

/**
 * The SMA of src[from, to) into out, up to the first NaN of src at or after `from`: returns its index
 * (`to` when there is none). Outputs before the stop are final.
 */
function smaRun(src: Float64Array, out: Float64Array, from: number, to: number, period: number): number {
  const first = from + period - 1;
  const inv = 1 / period;
  let sum = 0;
  const warm = Math.min(first, to);
  for (let i = from; i < warm; i++) {
    const x = src[i] as number;
    if (x !== x) return i;
    sum += x;
    out[i] = NaN;
  }
  if (first >= to) return to;
  const x0 = src[first] as number;
  if (x0 !== x0) return first;
  sum += x0;
  out[first] = sum * inv;
  let sinceSync = 0;
  for (let i = first + 1; i < to; i++) {
    const x = src[i] as number;
    if (x !== x) return i;
    sum += x - (src[i - period] as number);
    if (++sinceSync === SMA_RESYNC) {
      sinceSync = 0;
      let exact = 0;
      for (let k = i - period + 1; k <= i; k++) exact += src[k] as number;
      sum = exact;
    }
    out[i] = sum * inv;
  }
  return to;
}

/**
 * Exponential smoothing seeded with the simple mean of the first `period` values of each run, placed at
 * the run's index period - 1 (TTR's convention); after it value = alpha x x + (1 - alpha) x value, TTR's
 * form, which with alpha = 1 is exactly x.
 */
function seededSmoothing(src: Float64Array, period: number, alpha: number): Float64Array {
  const n = src.length;
  const out = new Float64Array(n);
  let start = 0;
  let seedSum = 0;
  let value = NaN;
  const keep = 1 - alpha;
  for (let i = 0; i < n; i++) {
    const x = src[i] as number;
    if (x !== x) {
      start = i + 1;
      seedSum = 0;
      out[i] = NaN;
      continue;
    }
    const seen = i - start;
    if (seen >= period) {
      value = alpha * x + keep * value;
      out[i] = value;
    } else {
      seedSum += x;
      if (seen === period - 1) {
        value = seedSum / period;
        out[i] = value;
      } else out[i] = NaN;
    }
  }
  return out;
}

/**
 * Exponential moving average with alpha = 2 / (period + 1), seeded at index period - 1 with the SMA of
 * the first `period` values. Leading NaNs are skipped (the seed is the mean of the first `period` values
 * after them), which is how the MACD signal line is an EMA of the MACD line.
 */
export function ema(src: Float64Array, period: number): Float64Array {
  assertPeriod('ema', 'period', period);
  return seededSmoothing(src, period, 2 / (period + 1));
}

/**
 * Wilder's smoothing (alpha = 1 / period), seeded like `ema`: the running average behind RSI and ATR.
 */
export function wilderSmooth(src: Float64Array, period: number): Float64Array {
  assertPeriod('wilderSmooth', 'period', period);
  return seededSmoothing(src, period, 1 / period);
}

/**
 * Linearly weighted moving average: weights 1, 2, ..., period from the oldest value of the window to the
 * newest, divided by period (period + 1) / 2. Kept in O(n): sliding the window subtracts the plain
 * window sum from the weighted one and adds period x the new value. The step period x value is rounded
 * each time, so both sums are recomputed from the window every few windows (O(period) each time, under
 * one extra operation per bar) and cannot wander.
 */
export function wma(src: Float64Array, period: number): Float64Array {
  assertPeriod('wma', 'period', period);
  const n = src.length;
  const out = new Float64Array(n);
  const inv = 2 / (period * (period + 1));
  const resyncEvery = Math.max(4 * period, 64);
  let start = 0;
  let plain = 0;
  let weighted = 0;
  let sinceSync = 0;
  for (let i = 0; i < n; i++) {
    const x = src[i] as number;
    if (x !== x) {
      start = i + 1;
      plain = weighted = 0;
      sinceSync = 0;
      out[i] = NaN;
      continue;
    }
    const seen = i - start;
    if (seen >= period) {
      // Every value in the window moves one weight down (minus the plain sum); the new one gets `period`.
      weighted += period * x - plain;
      plain += x - (src[i - period] as number);
    } else {
      weighted += (seen + 1) * x;
      plain += x;
      if (seen < period - 1) {
        out[i] = NaN;
        continue;
      }
    }
    if (sinceSync === 0) {
      plain = weighted = 0;
      for (let j = i - period + 1, w = 1; j <= i; j++, w++) {
        const v = src[j] as number;
        plain += v;
        weighted += w * v;
      }
    }
    sinceSync = sinceSync + 1 === resyncEvery ? 0 : sinceSync + 1;
    out[i] = weighted * inv;
  }
  return out;
}
