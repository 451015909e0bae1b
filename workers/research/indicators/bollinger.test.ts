import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bollinger } from './bollinger.js';
import { sma } from './moving-averages.js';
import { naiveSd, prices } from './test-support/naive.js';

describe('bollinger', () => {
  it('has lower <= middle <= upper, middle = SMA, bands k population sds away, %B placing the price', () => {
    fc.assert(
      fc.property(
        prices({ nan: true }),
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: 0, max: 4, noNaN: true }),
        (src, p, k) => {
          const out = bollinger(src, p, k);
          const mid = sma(src, p);
          const sd = naiveSd(src, p, 0);
          for (let i = 0; i < src.length; i++) {
            const m = mid[i] as number;
            if (Number.isNaN(m)) {
              expect(out.middle[i]).toBeNaN();
              expect(out.lower[i]).toBeNaN();
              continue;
            }
            const tol = 1e-9 * Math.abs(m);
            expect(out.lower[i]).toBeLessThanOrEqual(out.middle[i] as number);
            expect(out.middle[i]).toBeLessThanOrEqual(out.upper[i] as number);
            expect(Math.abs((out.middle[i] as number) - m)).toBeLessThanOrEqual(tol);
            expect(Math.abs((out.upper[i] as number) - (m + k * (sd[i] as number)))).toBeLessThanOrEqual(tol);
            expect(Math.abs((out.lower[i] as number) - (m - k * (sd[i] as number)))).toBeLessThanOrEqual(tol);
            const width = (out.upper[i] as number) - (out.lower[i] as number);
            if (width > 1e-6 * Math.abs(m))
              expect(out.pctB[i]).toBeCloseTo(((src[i] as number) - (out.lower[i] as number)) / width, 9);
          }
        },
      ),
    );
  });

  it('uses the population sd: bands of [1, 3] are 2 +/- 2 x 1', () => {
    const out = bollinger(Float64Array.from([1, 3]), 2, 2);
    expect(out.lower[1]).toBe(0);
    expect(out.middle[1]).toBe(2);
    expect(out.upper[1]).toBe(4);
    expect(out.pctB[1]).toBe(0.75);
  });

  it('has meeting bands and an undefined %B on a flat window', () => {
    const out = bollinger(new Float64Array(25).fill(7));
    expect(out.lower[24]).toBe(7);
    expect(out.upper[24]).toBe(7);
    expect(out.pctB[24]).toBeNaN();
  });

  it('refuses a bad period or width', () => {
    const src = new Float64Array(30);
    expect(() => bollinger(src, 0)).toThrow(/^bollinger: period/);
    expect(() => bollinger(src, 20, -1)).toThrow(/^bollinger: k/);
    expect(() => bollinger(src, 20, NaN)).toThrow(RangeError);
  });
});
