import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ema, sma, wilderSmooth, wma } from './moving-averages.js';
import { firstMismatch, naiveSma, naiveSmoothing, naiveWma, periods, prices } from './test-support/naive.js';

const averages = { sma, ema, wma };

describe('sma, ema, wma', () => {
  it('match a window-by-window recomputation on random prices with NaN gaps', () => {
    fc.assert(
      fc.property(prices({ nan: true }), periods, (src, p) => {
        expect(firstMismatch(sma(src, p), naiveSma(src, p), 1e-9)).toBe(-1);
        expect(firstMismatch(wma(src, p), naiveWma(src, p), 1e-9)).toBe(-1);
        expect(firstMismatch(ema(src, p), naiveSmoothing(src, p, 2 / (p + 1)), 1e-9)).toBe(-1);
        expect(firstMismatch(wilderSmooth(src, p), naiveSmoothing(src, p, 1 / p), 1e-9)).toBe(-1);
      }),
    );
  });

  it('of a constant are the constant, from index period - 1', () => {
    fc.assert(
      fc.property(
        // Subnormal constants are left out: their averages round by whole multiples of themselves.
        fc.oneof(
          fc.constant(0),
          fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
          fc.double({ min: -1e6, max: -1e-6, noNaN: true }),
        ),
        fc.integer({ min: 1, max: 60 }),
        periods,
        (c, n, p) => {
          const src = new Float64Array(n).fill(c);
          for (const f of Object.values(averages)) {
            const out = f(src, p);
            for (let i = 0; i < n; i++) {
              if (i < p - 1) expect(out[i]).toBeNaN();
              else expect(Math.abs((out[i] as number) - c)).toBeLessThanOrEqual(1e-12 * Math.abs(c));
            }
          }
        },
      ),
    );
  });

  it('lie between the lowest and highest value of their window (the EMA: of everything since its seed)', () => {
    fc.assert(
      fc.property(prices({ minLength: 1 }), periods, (src, p) => {
        const slack = 1e-9;
        for (const f of [sma, wma]) {
          const out = f(src, p);
          for (let i = p - 1; i < src.length; i++) {
            const w = src.subarray(i - p + 1, i + 1);
            expect(out[i]).toBeGreaterThanOrEqual(Math.min(...w) * (1 - slack));
            expect(out[i]).toBeLessThanOrEqual(Math.max(...w) * (1 + slack));
          }
        }
        const e = ema(src, p);
        for (let i = p - 1; i < src.length; i++) {
          const seen = src.subarray(0, i + 1);
          expect(e[i]).toBeGreaterThanOrEqual(Math.min(...seen) * (1 - slack));
          expect(e[i]).toBeLessThanOrEqual(Math.max(...seen) * (1 + slack));
        }
      }),
    );
  });

  it('do not drift over a long series (compensated running sums)', () => {
    // Large level, small moves: the case where a plain running sum loses the most digits. A plain running
    // sum ends the SMA ~8e-9 off here; ours stays within 1e-9. The WMA's step carries one rounding of
    // period x value, so it may wander by a few ulps of the level more.
    const n = 200_000;
    const src = new Float64Array(n);
    for (let i = 0; i < n; i++) src[i] = 1e6 + Math.sin(i * 0.37) * 0.01 + (i % 7) * 1e-3;
    const p = 50;
    const fast = sma(src, p);
    const w = wma(src, p);
    for (const i of [p - 1, n / 2, n - 1]) {
      const window = src.subarray(i - p + 1, i + 1);
      let s = 0;
      let ws = 0;
      window.forEach((x, j) => {
        s += x - 1e6;
        ws += (j + 1) * (x - 1e6);
      });
      expect(Math.abs((fast[i] as number) - (1e6 + s / p))).toBeLessThan(1e-9);
      expect(Math.abs((w[i] as number) - (1e6 + ws / ((p * (p + 1)) / 2)))).toBeLessThan(1e-8);
    }
  });

  it('compute a hand-checked example', () => {
    const src = Float64Array.from([1, 2, 3, 4, 5, 6]);
    expect(Array.from(sma(src, 3))).toEqual([NaN, NaN, 2, 3, 4, 5]);
    // alpha = 0.5, seed mean(1, 2, 3) = 2, then 3, 4.5... halfway to each new value.
    expect(Array.from(ema(src, 3))).toEqual([NaN, NaN, 2, 3, 4, 5]);
    expect(Array.from(ema(Float64Array.from([2, 4, 0, 8]), 3))).toEqual([NaN, NaN, 2, 5]);
    // (1 x 1 + 2 x 2 + 3 x 3) / 6 = 14 / 6.
    const w = wma(src, 3);
    expect(w[2]).toBeCloseTo(14 / 6, 14);
    expect(w[5]).toBeCloseTo((4 + 10 + 18) / 6, 14);
    // Wilder: alpha = 1/3: seed 2 at index 2, then 2 + (4 - 2) / 3.
    expect(wilderSmooth(src, 3)[3]).toBeCloseTo(2 + 2 / 3, 14);
  });

  it('skip leading NaNs and warm up again after a NaN in the middle', () => {
    const src = Float64Array.from([NaN, NaN, 1, 2, 3, NaN, 4, 5, 6, 7]);
    expect(Array.from(sma(src, 2))).toEqual([NaN, NaN, NaN, 1.5, 2.5, NaN, NaN, 4.5, 5.5, 6.5]);
    expect(Array.from(ema(src, 3))).toEqual([NaN, NaN, NaN, NaN, 2, NaN, NaN, NaN, 5, 6]);
  });

  it('are all NaN with fewer values than the period, and empty for empty input', () => {
    for (const f of Object.values(averages)) {
      expect(Array.from(f(Float64Array.from([1, 2]), 3)).every(Number.isNaN)).toBe(true);
      expect(f(new Float64Array(0), 3)).toHaveLength(0);
    }
  });

  it('refuse a period that is not a whole number >= 1, saying which', () => {
    for (const [name, f] of Object.entries(averages))
      for (const bad of [0, -3, 2.5, NaN, Infinity]) {
        expect(() => f(new Float64Array(5), bad)).toThrow(RangeError);
        expect(() => f(new Float64Array(5), bad)).toThrow(
          new RegExp(`^${name}: period must be a whole number`),
        );
      }
  });
});
