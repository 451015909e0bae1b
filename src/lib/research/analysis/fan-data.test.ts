import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capitalPosition, fanSeries, histogramBars } from './fan-data';

function fanOf(n: number) {
  const step = Float64Array.from({ length: n }, (_, i) => i);
  const band = (k: number) => Float64Array.from({ length: n }, (_, i) => 10_000 + i * k);
  return { step, p5: band(-2), p25: band(-1), p50: band(0), p75: band(1), p95: band(2) };
}

describe('fan series', () => {
  it('passes a small fan through whole, with the capital', () => {
    const f = fanSeries(fanOf(5), 10_000);
    expect(Array.from(f.step)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(f.p95)).toEqual([10_000, 10_002, 10_004, 10_006, 10_008]);
    expect(f.capital).toBe(10_000);
  });

  it('thins a long fan to at most the limit, keeping the first and last step and the bands aligned', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 2, max: 600 }), (n, max) => {
        const f = fanSeries(fanOf(n), 1, max);
        expect(f.step.length).toBeLessThanOrEqual(max);
        expect(f.step.length).toBeLessThanOrEqual(n);
        expect(f.step[0]).toBe(0);
        expect(f.step[f.step.length - 1]).toBe(n - 1);
        for (let i = 0; i < f.step.length; i++) {
          const s = f.step[i] as number;
          expect(f.p5[i]).toBe(10_000 - 2 * s);
          expect(f.p75[i]).toBe(10_000 + s);
          if (i > 0) expect(s).toBeGreaterThan(f.step[i - 1] as number);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('refuses bands of different lengths and a limit below two points', () => {
    const bad = { ...fanOf(4), p50: new Float64Array(3) };
    expect(() => fanSeries(bad, 1)).toThrow(/4 steps but 3 p50/);
    expect(() => fanSeries(fanOf(4), 1, 1)).toThrow(/at least 2/);
  });
});

describe('final equity histogram', () => {
  const hist = { edges: [8000, 9000, 10_000, 11_000, 12_000], counts: [10, 30, 40, 20] };

  it('scales bars to the tallest bin and marks the bins that lost money', () => {
    const bars = histogramBars(hist, 10_000, 400, 100);
    expect(bars.map((b) => b.h)).toEqual([25, 75, 100, 50]);
    expect(bars.map((b) => b.y)).toEqual([75, 25, 0, 50]);
    expect(bars.map((b) => b.x)).toEqual([0, 100, 200, 300]);
    expect(bars.map((b) => b.loss)).toEqual([true, true, false, false]);
    expect(bars.map((b) => b.share)).toEqual([0.1, 0.3, 0.4, 0.2]);
  });

  it('shares always sum to one and bars stay inside the box', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 50 }), (counts) => {
        const edges = Array.from({ length: counts.length + 1 }, (_, i) => i * 10);
        const bars = histogramBars({ edges, counts }, 0, 300, 80);
        const total = counts.reduce((a, b) => a + b, 0);
        const sum = bars.reduce((a, b) => a + b.share, 0);
        expect(sum).toBeCloseTo(total > 0 ? 1 : 0, 9);
        for (const b of bars) {
          expect(b.y).toBeGreaterThanOrEqual(-1e-9);
          expect(b.y + b.h).toBeCloseTo(80, 9);
        }
      }),
    );
  });

  it('refuses mismatched edges and counts', () => {
    expect(() => histogramBars({ edges: [1, 2], counts: [1, 2] }, 0, 10, 10)).toThrow(/one more edge/);
  });

  it('places the starting capital on the x axis, or nowhere when it is off the chart', () => {
    expect(capitalPosition(hist, 10_000, 400)).toBe(200);
    expect(capitalPosition(hist, 7000, 400)).toBeNull();
    expect(capitalPosition({ edges: [], counts: [] }, 1, 400)).toBeNull();
  });
});
