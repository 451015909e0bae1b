import type { CandleColumns } from '../../market/candle-series.js';
import type { Bars } from '../backtest/types.js';

/** Bars with index from <= i < to (clamped to the bars), sharing no memory with the source. */
export function sliceBars(bars: Bars, from: number, to: number): Bars {
  const n = bars.time.length;
  const a = Math.max(0, Math.min(n, Math.floor(from)));
  const b = Math.max(a, Math.min(n, Math.floor(to)));
  return {
    time: bars.time.slice(a, b),
    open: bars.open.slice(a, b),
    high: bars.high.slice(a, b),
    low: bars.low.slice(a, b),
    close: bars.close.slice(a, b),
    volume: bars.volume.slice(a, b),
    closeOnly: bars.closeOnly,
  };
}

/** The first `count` bars: what a live run (or the lookahead check) had seen at bar count - 1. */
export function truncateBars(bars: Bars, count: number): Bars {
  return sliceBars(bars, 0, count);
}

/**
 * First index whose time is at or after `t` (`inclusive`) or after it, in increasing `time`; the length
 * when there is none. The one binary search over bar times: the service's date ranges and the live
 * runner's bar lookups use it too.
 */
function firstIndexFrom(time: Float64Array, t: number, inclusive: boolean): number {
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const x = time[mid] as number;
    if (x < t || (!inclusive && x === t)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index with time[i] >= t (time.length when none); times increase. */
export function firstIndexAtOrAfter(time: Float64Array, t: number): number {
  return firstIndexFrom(time, t, true);
}

/** First index with time[i] > t (time.length when none); times increase. */
export function firstIndexAfter(time: Float64Array, t: number): number {
  return firstIndexFrom(time, t, false);
}

/** Exchange candles as bars: they have opens, highs and lows. */
export function barsFromCandles(c: CandleColumns): Bars {
  return {
    time: c.time.slice(),
    open: c.open.slice(),
    high: c.high.slice(),
    low: c.low.slice(),
    close: c.close.slice(),
    volume: c.volume.slice(),
    closeOnly: false,
  };
}
