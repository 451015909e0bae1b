import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { obv } from './obv.js';
import { ohlcvBars } from './test-support/naive.js';

describe('obv', () => {
  it('starts at 0 and changes by +volume, -volume or 0 as the close rises, falls or holds', () => {
    fc.assert(
      fc.property(ohlcvBars({ minLength: 1 }), (b) => {
        const out = obv(b.close, b.volume);
        expect(out[0]).toBe(0);
        for (let i = 1; i < out.length; i++) {
          const step = (out[i] as number) - (out[i - 1] as number);
          const c = b.close[i] as number;
          const prev = b.close[i - 1] as number;
          const v = b.volume[i] as number;
          // Whole-number volumes keep the running total exact; + 0 folds -0 into 0.
          expect(step + 0).toBe((c > prev ? v : c < prev ? -v : 0) + 0);
        }
      }),
    );
  });

  it('starts again at 0 after a NaN', () => {
    const close = Float64Array.from([1, 2, NaN, 3, 2, 2]);
    const volume = Float64Array.from([5, 6, 7, 8, 9, 10]);
    expect(Array.from(obv(close, volume))).toEqual([0, 6, NaN, 0, -9, -9]);
  });

  it('refuses a negative volume and columns of different lengths', () => {
    expect(() => obv(Float64Array.from([1, 2]), Float64Array.from([1, -1]))).toThrow(
      /^obv: volume at index 1/,
    );
    expect(() => obv(new Float64Array(2), new Float64Array(3))).toThrow(/^obv: volume has 3 values/);
  });
});
