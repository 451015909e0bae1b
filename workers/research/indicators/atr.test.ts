import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { columnsFromRows, type OhlcvRow } from '../../market/candle-series.js';
import { atr, atrCloseOnly, trueRange, trueRangeCloseOnly } from './atr.js';

// [time, open, high, low, close, volume]
const rows: OhlcvRow[] = [
  [0, 11, 12, 10, 11, 1],
  [1, 11, 13, 11, 12, 1],
  [2, 12, 15, 12, 14, 1],
  [3, 14, 14, 12.5, 13, 1],
  [4, 13, 18, 13, 17, 1],
  [5, 16, 16, 15, 15.5, 1],
];

describe('trueRange', () => {
  it('uses high − low on the first candle and the previous close after it', () => {
    // 3: prev close 14 above the high → |low − 14| = 1.5; 5: gap down from 17 → |low − 17| = 2.
    expect(Array.from(trueRange(columnsFromRows(rows)))).toEqual([2, 2, 3, 1.5, 5, 2]);
  });
});

describe('atr', () => {
  it('matches a hand-computed Wilder ATR(3): simple mean first, then (prev × 2 + TR) / 3', () => {
    const out = atr(columnsFromRows(rows), 3);
    expect(out).toHaveLength(6);
    expect(Number.isNaN(out[0])).toBe(true);
    expect(Number.isNaN(out[1])).toBe(true);
    expect(out[2]).toBeCloseTo(7 / 3, 12); // (2 + 2 + 3) / 3
    expect(out[3]).toBeCloseTo(37 / 18, 12); // (7/3 × 2 + 1.5) / 3
    expect(out[4]).toBeCloseTo(82 / 27, 12); // (37/18 × 2 + 5) / 3
    expect(out[5]).toBeCloseTo(218 / 81, 12); // (82/27 × 2 + 2) / 3
  });

  it('is all NaN when there are fewer candles than the period, and refuses a bad period', () => {
    const out = atr(columnsFromRows(rows.slice(0, 2)), 3);
    expect(Array.from(out).every(Number.isNaN)).toBe(true);
    expect(() => atr(columnsFromRows(rows), 0)).toThrow(RangeError);
    expect(() => atr(columnsFromRows(rows), 2.5)).toThrow(RangeError);
  });

  it('equals the true range with period 1, and the constant range of identical candles', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 50 }), fc.nat(100)), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.integer({ min: 1, max: 10 }),
        (bars, period) => {
          const candles = columnsFromRows(
            bars.map(([low, span, at], i): OhlcvRow => {
              const high = low + span;
              return [i, low, high, low, low + (span * at) / 100, 1];
            }),
          );
          expect(Array.from(atr(candles, 1))).toEqual(Array.from(trueRange(candles)));
          const out = atr(candles, period);
          for (let i = 0; i < out.length; i++) {
            if (i < period - 1) expect(Number.isNaN(out[i])).toBe(true);
            else {
              expect(out[i]).toBeGreaterThanOrEqual(0);
              expect(out[i]).toBeLessThanOrEqual(Math.max(...trueRange(candles)) + 1e-9);
            }
          }
          const flat = columnsFromRows(
            Array.from({ length: bars.length }, (_, i): OhlcvRow => [i, 10, 12, 9, 10.5, 1]),
          );
          const flatAtr = atr(flat, period);
          for (let i = period - 1; i < flatAtr.length; i++) expect(flatAtr[i]).toBeCloseTo(3, 12);
        },
      ),
    );
  });
});

describe('trueRangeCloseOnly and atrCloseOnly', () => {
  it('take |close - previous close| from index 1 and seed Wilder smoothing at index period', () => {
    const close = Float64Array.from([10, 12, 11, 14, 14, 10]);
    expect(Array.from(trueRangeCloseOnly(close))).toEqual([NaN, 2, 1, 3, 0, 4]);
    const out = atrCloseOnly(close, 3);
    expect(Array.from(out.subarray(0, 3))).toEqual([NaN, NaN, NaN]);
    expect(out[3]).toBeCloseTo(2, 12); // (2 + 1 + 3) / 3
    expect(out[4]).toBeCloseTo(4 / 3, 12); // (2 x 2 + 0) / 3
    expect(out[5]).toBeCloseTo(20 / 9, 12); // (4/3 x 2 + 4) / 3
  });

  it('equal atr() on the same closes as candles from the second bar on, once both are seeded alike', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 2, maxLength: 40 }), (xs) => {
        const close = Float64Array.from(xs);
        const candles = columnsFromRows(xs.map((c, i): OhlcvRow => [i, c, c, c, c, 1]));
        // With high = low = close, atr's true range is |close - previous close| after the first bar.
        expect(Array.from(trueRange(candles).subarray(1))).toEqual(
          Array.from(trueRangeCloseOnly(close).subarray(1)),
        );
        const period1 = atrCloseOnly(close, 1);
        expect(Array.from(period1.subarray(1))).toEqual(Array.from(trueRangeCloseOnly(close).subarray(1)));
      }),
    );
  });

  it('refuses a bad period', () => {
    expect(() => atrCloseOnly(new Float64Array(5), 0)).toThrow(/^atrCloseOnly: period/);
  });
});
