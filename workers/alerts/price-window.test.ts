import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addPrice, emptyPriceWindow, referenceOf, WINDOW_BUCKETS } from './price-window.js';

describe('price window', () => {
  it('keeps the oldest price within the window as the reference', () => {
    const w = emptyPriceWindow(60_000);
    expect(referenceOf(w)).toBeNull();
    addPrice(w, 1_000, 10);
    addPrice(w, 30_000, 11);
    addPrice(w, 61_000, 12);
    expect(referenceOf(w)).toEqual({ time: 1_000, price: 10 });
    addPrice(w, 61_001, 13);
    expect(referenceOf(w)).toEqual({ time: 30_000, price: 11 });
  });

  it('refuses duplicates, older times and unusable prices', () => {
    const w = emptyPriceWindow(60_000);
    expect(addPrice(w, 1_000, 10)).toBe(true);
    expect(addPrice(w, 1_000, 11)).toBe(false);
    expect(addPrice(w, 500, 11)).toBe(false);
    expect(addPrice(w, 2_000, 0)).toBe(false);
    expect(addPrice(w, 2_000, NaN)).toBe(false);
    expect(addPrice(w, Infinity, 1)).toBe(false);
    expect(w).toEqual({ windowMs: 60_000, times: [1_000], prices: [10], lastTime: 1_000 });
  });

  it('stays bounded however fast prices come, and its reference is at most one slice late', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 600 }),
        fc.integer({ min: 1_000, max: 50_000 }),
        (gaps, windowMs) => {
          const w = emptyPriceWindow(windowMs);
          let t = 0;
          const times: number[] = [];
          for (const g of gaps) {
            t += g;
            times.push(t);
            addPrice(w, t, 100);
            expect(w.times.length).toBeLessThanOrEqual(WINDOW_BUCKETS + 1);
            const ref = referenceOf(w);
            expect(ref).not.toBeNull();
            // Never from before the window; no later than one slice after the oldest price inside it.
            const oldestInside = times.find((u) => u >= t - windowMs) as number;
            expect(ref?.time).toBeGreaterThanOrEqual(oldestInside);
            expect((ref?.time as number) - oldestInside).toBeLessThan(windowMs / WINDOW_BUCKETS + 500);
          }
          expect(JSON.parse(JSON.stringify(w))).toEqual(w);
        },
      ),
      { numRuns: 200 },
    );
  });
});
