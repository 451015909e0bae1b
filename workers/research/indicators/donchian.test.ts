import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { donchian } from './donchian.js';
import { rollingMax, rollingMin } from './rolling-extremes.js';
import { firstMismatch, naiveMax, naiveMin, ohlcvBars, periods, prices } from './test-support/naive.js';

describe('rollingMax and rollingMin', () => {
  it('equal the max and min of each window, NaN gaps included', () => {
    fc.assert(
      fc.property(prices({ nan: true, maxLength: 120 }), fc.integer({ min: 1, max: 40 }), (src, p) => {
        expect(firstMismatch(rollingMax(src, p), naiveMax(src, p), 0)).toBe(-1);
        expect(firstMismatch(rollingMin(src, p), naiveMin(src, p), 0)).toBe(-1);
      }),
    );
  });

  it('handle repeated values and long monotonic runs (the deque wraps around its ring)', () => {
    const src = Float64Array.from({ length: 300 }, (_, i) => (i < 150 ? 300 - i : (i % 5) + 1));
    for (const p of [1, 3, 7, 64, 65, 129])
      expect(firstMismatch(rollingMax(src, p), naiveMax(src, p), 0)).toBe(-1);
    for (const p of [1, 3, 7, 64, 65, 129])
      expect(firstMismatch(rollingMin(src, p), naiveMin(src, p), 0)).toBe(-1);
  });
});

describe('donchian', () => {
  it('holds every close of the window between lower and upper, middle halfway', () => {
    fc.assert(
      fc.property(ohlcvBars({ minLength: 1 }), periods, (bars, p) => {
        const out = donchian(bars.high, bars.low, p);
        for (let i = 0; i < bars.close.length; i++) {
          if (i < p - 1) {
            expect(out.upper[i]).toBeNaN();
            continue;
          }
          for (let j = i - p + 1; j <= i; j++) {
            expect(out.lower[i]).toBeLessThanOrEqual(bars.close[j] as number);
            expect(out.upper[i]).toBeGreaterThanOrEqual(bars.close[j] as number);
          }
          expect(out.middle[i]).toBeCloseTo(((out.upper[i] as number) + (out.lower[i] as number)) / 2, 9);
        }
      }),
    );
  });

  it('includes the current bar', () => {
    const high = Float64Array.from([5, 6, 9]);
    const low = Float64Array.from([4, 1, 8]);
    const out = donchian(high, low, 2);
    expect(Array.from(out.upper)).toEqual([NaN, 6, 9]);
    expect(Array.from(out.lower)).toEqual([NaN, 1, 1]);
    expect(Array.from(out.middle)).toEqual([NaN, 3.5, 5]);
  });

  it('refuses columns of different lengths and a bad period', () => {
    expect(() => donchian(new Float64Array(3), new Float64Array(2), 2)).toThrow(
      /^donchian: low has 2 values but high has 3/,
    );
    expect(() => donchian(new Float64Array(3), new Float64Array(3), 0)).toThrow(/^donchian: period/);
  });
});
