import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sma } from './moving-averages.js';
import { stochastic } from './stochastic.js';
import { firstMismatch, naiveMax, naiveMin, ohlcvBars } from './test-support/naive.js';

describe('stochastic', () => {
  it('is within 0..100, equals its definition window by window, and %D is the SMA of %K', () => {
    fc.assert(
      fc.property(
        ohlcvBars({ minLength: 1 }),
        fc.integer({ min: 1, max: 14 }),
        fc.integer({ min: 1, max: 5 }),
        (bars, kp, dp) => {
          const out = stochastic(bars.high, bars.low, bars.close, kp, dp);
          const hh = naiveMax(bars.high, kp);
          const ll = naiveMin(bars.low, kp);
          for (let i = 0; i < bars.close.length; i++) {
            if (i < kp - 1) {
              expect(out.k[i]).toBeNaN();
              continue;
            }
            expect(out.k[i]).toBeGreaterThanOrEqual(0);
            expect(out.k[i]).toBeLessThanOrEqual(100);
            const range = (hh[i] as number) - (ll[i] as number);
            const want = range === 0 ? 50 : (100 * ((bars.close[i] as number) - (ll[i] as number))) / range;
            expect(out.k[i]).toBeCloseTo(want, 9);
          }
          expect(firstMismatch(out.d, sma(out.k, dp), 0)).toBe(-1);
          const dStart = out.d.findIndex((x) => !Number.isNaN(x));
          expect(dStart).toBe(bars.close.length >= kp + dp - 1 ? kp + dp - 2 : -1);
        },
      ),
    );
  });

  it('is 50 on a flat market and 100 / 0 at the top / bottom of the range', () => {
    const flat = new Float64Array(5).fill(3);
    expect(Array.from(stochastic(flat, flat, flat, 3, 2).k)).toEqual([NaN, NaN, 50, 50, 50]);
    const high = Float64Array.from([10, 12, 11]);
    const low = Float64Array.from([8, 9, 7]);
    expect(stochastic(high, low, Float64Array.from([9, 12, 11]), 2, 1).k[1]).toBe(100);
    expect(stochastic(high, low, Float64Array.from([9, 12, 7]), 2, 1).k[2]).toBe(0);
  });

  it('makes only the bar of a NaN close NaN, but every window of a NaN high', () => {
    const ones = new Float64Array(6).fill(1);
    const high = Float64Array.from([2, 2, 2, 2, 2, 2]);
    const close = Float64Array.from([1.5, 1.5, NaN, 1.5, 1.5, 1.5]);
    expect(Array.from(stochastic(high, ones, close, 2, 1).k)).toEqual([NaN, 50, NaN, 50, 50, 50]);
    const gappy = Float64Array.from([2, 2, NaN, 2, 2, 2]);
    expect(
      Array.from(
        stochastic(
          gappy,
          ones,
          ones.map(() => 1.5),
          2,
          1,
        ).k,
      ),
    ).toEqual([NaN, 50, NaN, NaN, 50, 50]);
  });

  it('refuses bad periods', () => {
    const x = new Float64Array(10);
    expect(() => stochastic(x, x, x, 0, 3)).toThrow(/^stochastic: kPeriod/);
    expect(() => stochastic(x, x, x, 14, 1.5)).toThrow(/^stochastic: dPeriod/);
  });
});
