import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rollingSd } from './rolling-sd.js';
import { firstMismatch, naiveSd, twoPassSd } from './test-support/naive.js';

/** Random data around a level: small noise on a large offset is where cancellation would show. */
const series = fc
  .tuple(
    fc.constantFrom(0, 1, 1e3, 1e6),
    fc.array(
      fc.oneof(
        { arbitrary: fc.double({ min: -100, max: 100, noNaN: true }), weight: 12 },
        { arbitrary: fc.constant(NaN), weight: 1 },
      ),
      { maxLength: 150 },
    ),
  )
  .map(([level, xs]) => Float64Array.from(xs, (x) => level + x));

describe('rollingSd', () => {
  it('matches a two-pass sd of each window to 1e-9 relative, sample and population, NaN gaps included', () => {
    fc.assert(
      fc.property(series, fc.integer({ min: 2, max: 20 }), (src, p) => {
        // Relative 1e-9, except for windows so nearly constant that no algorithm (the two-pass one
        // included) gets their sd better than a few ulps of the price level: there 1e-14 of the level.
        let level = 0;
        for (const x of src) if (!Number.isNaN(x)) level = Math.max(level, Math.abs(x));
        const floor = level * 1e-5;
        expect(firstMismatch(rollingSd(src, p), naiveSd(src, p, 1), 1e-9, floor)).toBe(-1);
        expect(firstMismatch(rollingSd(src, p, false), naiveSd(src, p, 0), 1e-9, floor)).toBe(-1);
      }),
    );
  });

  it('stays accurate over a long trending series, through many re-anchorings', () => {
    // A price that travels from 1,000 to 1,000,000 with small wiggles: the mean moves far from any
    // fixed shift, so uncentred sums would lose most digits.
    const n = 100_000;
    const src = Float64Array.from(
      { length: n },
      (_, i) => 1000 * Math.exp((i / n) * Math.log(1000)) + Math.sin(i),
    );
    const p = 30;
    const out = rollingSd(src, p);
    for (let i = p - 1; i < n; i += 997) {
      const want = twoPassSd(src.subarray(i - p + 1, i + 1), 1);
      expect(Math.abs((out[i] as number) - want)).toBeLessThanOrEqual(1e-9 * want);
    }
  });

  it('is exactly 0 on a window of identical values, even after other values', () => {
    const src = Float64Array.from([5.1, 7.3, 0.3, 1e6, 0.1, 0.1, 0.1, 0.1, 0.1]);
    const out = rollingSd(src, 4);
    expect(out[7]).toBe(0);
    expect(out[8]).toBe(0);
    expect(out[6]).toBeGreaterThan(0);
  });

  it('is NaN before index period - 1 and refuses a sample sd of one value', () => {
    const out = rollingSd(Float64Array.from([1, 2, 3]), 2);
    expect(out[0]).toBeNaN();
    expect(out[1]).toBeCloseTo(Math.SQRT1_2, 14);
    expect(() => rollingSd(Float64Array.from([1, 2]), 1)).toThrow(
      /^rollingSd: period must be a whole number of bars >= 2/,
    );
    expect(rollingSd(Float64Array.from([1, 2]), 1, false)[1]).toBe(0);
  });
});
