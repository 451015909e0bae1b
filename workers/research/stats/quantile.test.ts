import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantile, quantileSorted } from './quantile.js';

const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true });
const sample = fc.array(finite, { minLength: 1, maxLength: 200 });
const prob = fc.double({ min: 0, max: 1, noNaN: true });

/** Hyndman & Fan's definitions written straight from the formulas, on a full sort. */
function bySort(x: number[], p: number, type: 1 | 7): number {
  const s = [...x].sort((a, b) => a - b);
  const n = s.length;
  if (type === 1) {
    // R: j = floor(n p + fuzz), then x_(j+1) when n p > j, else x_(j), clamped to the sample.
    const j = Math.floor(n * p + 4 * Number.EPSILON);
    return s[Math.min(n, Math.max(1, n * p > j ? j + 1 : j)) - 1] as number;
  }
  // R's own arithmetic: a 1-based index, then the fraction above its floor.
  const index = 1 + (n - 1) * p;
  const lo = Math.floor(index);
  const frac = index - lo;
  const xlo = s[lo - 1] as number;
  return frac === 0 ? xlo : (1 - frac) * xlo + frac * (s[lo] as number);
}

describe('quantile', () => {
  it('matches R on a small sample', () => {
    // R: quantile(c(3,1,4,1,5,9,2,6,5,3), c(0.05, 0.5, 0.9), type = 7) -> 1.00 3.50 6.30; type = 1 -> 1 3 6
    const x = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
    expect(quantile(x, 0.05)).toBeCloseTo(1, 15);
    expect(quantile(x, 0.5)).toBeCloseTo(3.5, 15);
    expect(quantile(x, 0.9)).toBeCloseTo(6.3, 14);
    expect([0.05, 0.5, 0.9].map((p) => quantile(x, p, 1))).toEqual([1, 3, 6]);
    expect(quantile(x, 0)).toBe(1);
    expect(quantile(x, 1)).toBe(9);
  });

  it('treats n p that is whole as whole for type 1 (R fuzz)', () => {
    // 20 * 0.05 = 1 exactly: the first order statistic, not the second.
    const x = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(quantile(x, 0.05, 1)).toBe(1);
    expect(quantile(x, 0.1, 1)).toBe(2);
  });

  it('is NaN for an empty sample or one holding NaN, and refuses p outside [0, 1]', () => {
    expect(quantile([], 0.5)).toBeNaN();
    expect(quantile([1, NaN, 2], 0.5)).toBeNaN();
    expect(() => quantile([1], 1.5)).toThrow(RangeError);
    expect(() => quantile([1], 0.5, 2 as 7)).toThrow(/type/);
  });

  it('equals the sort-based definition and never mutates its input', () => {
    fc.assert(
      fc.property(sample, prob, fc.constantFrom<1 | 7>(1, 7), (x, p, type) => {
        const input = Float64Array.from(x);
        const copy = input.slice();
        const q = quantile(input, p, type);
        expect(input).toEqual(copy);
        // === rather than toBe: selection may return 0 where the sort has -0, the same number.
        expect(q === bySort(x, p, type), `${q} vs ${bySort(x, p, type)}`).toBe(true);
        expect(quantileSorted(Float64Array.from(x).sort(), p, type) === q).toBe(true);
      }),
    );
  });

  it('is monotone in p and stays within the sample range', () => {
    fc.assert(
      fc.property(sample, prob, prob, fc.constantFrom<1 | 7>(1, 7), (x, p1, p2, type) => {
        const [lo, hi] = p1 <= p2 ? [p1, p2] : [p2, p1];
        const qlo = quantile(x, lo, type);
        const qhi = quantile(x, hi, type);
        expect(qlo).toBeLessThanOrEqual(qhi);
        expect(qlo).toBeGreaterThanOrEqual(Math.min(...x));
        expect(qhi).toBeLessThanOrEqual(Math.max(...x));
      }),
    );
  });

  it('selects correctly on adversarial orders (sorted, reversed, all equal)', () => {
    const n = 1001;
    const up = Array.from({ length: n }, (_, i) => i);
    for (const x of [up, [...up].reverse(), new Array<number>(n).fill(7), up.map((i) => i % 3)])
      for (const p of [0, 0.01, 0.05, 0.5, 0.95, 1]) expect(quantile(x, p)).toBe(bySort(x, p, 7));
  });
});
