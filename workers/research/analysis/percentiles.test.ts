import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantile } from '../stats/quantile.js';
import { percentilesInPlace } from './percentiles.js';

describe('percentilesInPlace', () => {
  it('equals R type 7 quantiles (stats/quantile) and keeps the values, reordered', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }),
        (xs) => {
          const a = Float64Array.from(xs);
          const q = percentilesInPlace(a);
          expect(q.p5).toBe(quantile(xs, 0.05));
          expect(q.p25).toBe(quantile(xs, 0.25));
          expect(q.p50).toBe(quantile(xs, 0.5));
          expect(q.p75).toBe(quantile(xs, 0.75));
          expect(q.p95).toBe(quantile(xs, 0.95));
          expect([...a].sort((x, y) => x - y)).toEqual([...xs].sort((x, y) => x - y));
        },
      ),
    );
  });

  it('is NaN for no values', () => {
    expect(percentilesInPlace(new Float64Array(0)).p50).toBeNaN();
  });
});
