import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rsi } from './rsi.js';
import { firstMismatch, naiveRsi, periods, prices } from './test-support/naive.js';

describe('rsi', () => {
  it('equals 100 - 100 / (1 + RS) from separately smoothed gains and losses, NaN gaps included', () => {
    fc.assert(
      fc.property(prices({ nan: true }), periods, (src, p) => {
        // 100 - 100 / (1 + RS) cancels when RS is tiny: below an RSI of 1, compare to 1e-9 absolute.
        expect(firstMismatch(rsi(src, p), naiveRsi(src, p), 1e-9, 1)).toBe(-1);
      }),
    );
  });

  it('stays within 0..100 and is defined from index period', () => {
    fc.assert(
      fc.property(prices({ minLength: 1 }), periods, (src, p) => {
        const out = rsi(src, p);
        for (let i = 0; i < src.length; i++) {
          if (i < p) expect(out[i]).toBeNaN();
          else {
            expect(out[i]).toBeGreaterThanOrEqual(0);
            expect(out[i]).toBeLessThanOrEqual(100);
          }
        }
      }),
    );
  });

  it('is 100 when prices only rise, 0 when they only fall and 50 when they never move', () => {
    const up = Float64Array.from({ length: 30 }, (_, i) => 100 + i);
    const down = Float64Array.from({ length: 30 }, (_, i) => 100 - i);
    const flat = new Float64Array(30).fill(100);
    expect(rsi(up, 14)[29]).toBe(100);
    expect(rsi(down, 14)[29]).toBe(0);
    expect(rsi(flat, 14)[29]).toBe(50);
  });

  it('computes a hand-checked RSI(2)', () => {
    // Moves +2, -1, +3: seed gain (2 + 0) / 2 = 1, loss (0 + 1) / 2 = 0.5 -> 100 x 1 / 1.5;
    // then gain (1 + 3) / 2 = 2, loss 0.5 / 2 = 0.25 -> 100 x 2 / 2.25.
    const out = rsi(Float64Array.from([10, 12, 11, 14]), 2);
    expect(out[0]).toBeNaN();
    expect(out[1]).toBeNaN();
    expect(out[2]).toBeCloseTo(200 / 3, 12);
    expect(out[3]).toBeCloseTo(800 / 9, 12);
  });

  it('refuses a bad period', () => {
    expect(() => rsi(new Float64Array(3), 0)).toThrow(/^rsi: period must be a whole number/);
    expect(() => rsi(new Float64Array(3), 1.5)).toThrow(RangeError);
  });
});
