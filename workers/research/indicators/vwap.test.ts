import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstMismatch, naiveVwap, ohlcvBars, periods } from './test-support/naive.js';
import { vwap } from './vwap.js';

describe('vwap', () => {
  it('equals sum(typical x volume) / sum(volume) of each window, between its lowest low and highest high', () => {
    fc.assert(
      fc.property(ohlcvBars(), periods, (b, p) => {
        const out = vwap(b.high, b.low, b.close, b.volume, p);
        expect(firstMismatch(out, naiveVwap(b.high, b.low, b.close, b.volume, p), 1e-9)).toBe(-1);
        for (let i = p - 1; i < out.length; i++) {
          if (Number.isNaN(out[i] as number)) continue;
          const w = (c: Float64Array) => c.subarray(i - p + 1, i + 1);
          expect(out[i]).toBeGreaterThanOrEqual(Math.min(...w(b.low)) * (1 - 1e-12));
          expect(out[i]).toBeLessThanOrEqual(Math.max(...w(b.high)) * (1 + 1e-12));
        }
      }),
    );
  });

  it('is NaN where the window traded nothing, even after volume left the window', () => {
    const price = new Float64Array(5).fill(10);
    const volume = Float64Array.from([0.1, 0.2, 0, 0, 0]);
    const out = vwap(price, price, price, volume, 2);
    expect(Array.from(out, Number.isNaN)).toEqual([true, false, false, true, true]);
    expect(out[1]).toBeCloseTo(10, 12);
    expect(out[2]).toBeCloseTo(10, 12);
  });

  it('weights by volume', () => {
    const high = Float64Array.from([12, 22]);
    const low = Float64Array.from([9, 18]);
    const close = Float64Array.from([9, 20]);
    // typical 10 and 20, volumes 3 and 1: (30 + 20) / 4.
    expect(vwap(high, low, close, Float64Array.from([3, 1]), 2)[1]).toBeCloseTo(12.5, 12);
  });

  it('refuses a negative volume, naming the bar', () => {
    const x = new Float64Array(3).fill(1);
    expect(() => vwap(x, x, x, Float64Array.from([1, -2, 1]), 2)).toThrow(/^vwap: volume at index 1 is -2/);
  });
});
