import { describe, expect, it } from 'vitest';
import { barsByTime, barsFromCandles, sliceBars, truncateBars } from './bars.js';
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

  it('selects by time with both ends inclusive', () => {
    expect(Array.from(barsByTime(bars, 20, 40).time)).toEqual([20, 30, 40]);
    expect(Array.from(barsByTime(bars, 21, 39).time)).toEqual([30]);
    expect(Array.from(barsByTime(bars, null, 30).time)).toEqual([10, 20, 30]);
    expect(Array.from(barsByTime(bars, 45, null).time)).toEqual([50]);
    expect(barsByTime(bars, 60, 70).time).toHaveLength(0);
  });

  it('turns candles into bars with opens', () => {
    const b = barsFromCandles(bars);
    expect(b.closeOnly).toBe(false);
    expect(Array.from(b.high)).toEqual(Array.from(bars.high));
  });
});
