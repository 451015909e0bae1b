import { describe, expect, it } from 'vitest';
import { barsFromCandles, firstIndexAfter, firstIndexAtOrAfter, sliceBars, truncateBars } from './bars.js';
import type { Bars } from '../backtest/types.js';

const bars: Bars = {
  time: Float64Array.of(10, 20, 30, 40, 50),
  open: Float64Array.of(1, 2, 3, 4, 5),
  high: Float64Array.of(2, 3, 4, 5, 6),
  low: Float64Array.of(0.5, 1, 2, 3, 4),
  close: Float64Array.of(1.5, 2.5, 3.5, 4.5, 5.5),
  volume: Float64Array.of(9, 8, 7, 6, 5),
  closeOnly: false,
};

describe('bar helpers', () => {
  it('slices by index, [from, to), as copies', () => {
    const s = sliceBars(bars, 1, 3);
    expect(Array.from(s.time)).toEqual([20, 30]);
    expect(Array.from(s.volume)).toEqual([8, 7]);
    s.close[0] = -1;
    expect(bars.close[1]).toBe(2.5);
    expect(sliceBars(bars, 4, 99).time).toHaveLength(1);
    expect(truncateBars(bars, 2).close).toEqual(Float64Array.of(1.5, 2.5));
  });

  it('finds the first bar at or after a time, and the first strictly after it', () => {
    const { time } = bars;
    expect([5, 10, 15, 50, 55].map((t) => firstIndexAtOrAfter(time, t))).toEqual([0, 0, 1, 4, 5]);
    expect([5, 10, 15, 50, 55].map((t) => firstIndexAfter(time, t))).toEqual([0, 1, 1, 5, 5]);
    expect(firstIndexAtOrAfter(new Float64Array(0), 1)).toBe(0);
    // Both ends inclusive: bars with 20 <= time <= 40.
    const s = sliceBars(bars, firstIndexAtOrAfter(time, 20), firstIndexAfter(time, 40));
    expect(Array.from(s.time)).toEqual([20, 30, 40]);
  });

  it('turns candles into bars with opens', () => {
    const b = barsFromCandles(bars);
    expect(b.closeOnly).toBe(false);
    expect(Array.from(b.high)).toEqual(Array.from(bars.high));
  });
});
