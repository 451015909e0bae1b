import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogHistogram } from './histogram.js';

const samples = fc.array(
  fc.oneof(
    fc.double({ min: 0, max: 2_000_000, noNaN: true }),
    fc.double({ min: 0, max: 5, noNaN: true }),
    fc.integer({ min: 0, max: 1000 }),
  ),
  { minLength: 1, maxLength: 400 },
);
const quantiles = fc.oneof(
  fc.constantFrom(0.5, 0.9, 0.99, 1),
  fc.double({ min: 0.001, max: 1, noNaN: true }),
);

function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

describe('LogHistogram', () => {
  it('keeps count, sum, min and max exact', () => {
    fc.assert(
      fc.property(samples, (values) => {
        const h = new LogHistogram();
        for (const v of values) h.record(v);
        const s = h.snapshot();
        expect(s.count).toBe(values.length);
        expect(s.min).toBe(Math.min(...values));
        expect(s.max).toBe(Math.max(...values));
        expect(s.sum).toBeCloseTo(
          values.reduce((a, b) => a + b, 0),
          6,
        );
        expect(s.buckets.reduce((a, b) => a + b[2], 0)).toBe(values.length);
      }),
    );
  });

  it('reports a quantile within the bucket of the exact nearest-rank value, never below it', () => {
    fc.assert(
      fc.property(samples, quantiles, (values, q) => {
        const h = new LogHistogram();
        for (const v of values) h.record(v);
        const sorted = [...values].sort((a, b) => a - b);
        const exact = exactQuantile(sorted, q);
        const estimate = h.quantile(q)!;
        const bucket = h.indexOf(exact);
        expect(estimate).toBeGreaterThanOrEqual(exact);
        expect(estimate).toBeGreaterThanOrEqual(h.lowerBound(bucket));
        expect(estimate).toBeLessThanOrEqual(h.upperBound(bucket));
        // The documented bound: one bucket is at most a factor 2^(1/4) wide above the lowest value.
        if (exact >= 0.05) expect(estimate / exact).toBeLessThanOrEqual(2 ** 0.25 + 1e-9);
      }),
    );
  });

  it('places every value inside its own bucket bounds', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e7, noNaN: true }), (v) => {
        const h = new LogHistogram();
        const i = h.indexOf(v);
        expect(i).toBeGreaterThanOrEqual(0);
        expect(i).toBeLessThan(h.bucketCount);
        // Floating logs may put a value sitting on a boundary one bucket off; never further.
        expect(v).toBeGreaterThanOrEqual(h.lowerBound(i) * (1 - 1e-12));
        expect(v).toBeLessThanOrEqual(h.upperBound(i) * (1 + 1e-12));
      }),
    );
  });

  it('uses the same memory however many samples it sees', () => {
    const h = new LogHistogram();
    const before = h.bucketCount;
    for (let i = 0; i < 100_000; i++) h.record(i % 977);
    expect(h.bucketCount).toBe(before);
    expect(h.count).toBe(100_000);
  });

  it('is empty until a sample arrives, ignores NaN and counts negatives as zero', () => {
    const h = new LogHistogram();
    expect(h.snapshot()).toMatchObject({ count: 0, min: null, max: null, p50: null, p99: null, buckets: [] });
    h.record(Number.NaN);
    expect(h.count).toBe(0);
    h.record(-3);
    expect(h.snapshot()).toMatchObject({ count: 1, min: 0, max: 0, p50: 0 });
    h.reset();
    expect(h.count).toBe(0);
  });

  it('refuses options that leave no buckets', () => {
    expect(() => new LogHistogram({ lowest: 0 })).toThrow(/lowest/);
    expect(() => new LogHistogram({ lowest: 10, highest: 5 })).toThrow(/lowest/);
  });
});
