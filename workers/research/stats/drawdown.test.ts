import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawdownSeries, maxDrawdown } from './drawdown.js';

describe('drawdown', () => {
  it('measures each point against the running peak', () => {
    expect(Array.from(drawdownSeries([100, 120, 90, 130, 65]))).toEqual([0, 0, 0.25, 0, 0.5]);
  });

  it('finds the deepest fall with its peak and trough as equity points (0 = start)', () => {
    // Equity 1, 1.1, 0.99, 1.188, 0.594, 0.6534: deepest is 1.188 -> 0.594, points 3 -> 4.
    const r = [0.1, -0.1, 0.2, -0.5, 0.1];
    const mdd = maxDrawdown(r);
    expect(mdd.maxDrawdown).toBeCloseTo(0.5, 15);
    expect([mdd.peakIndex, mdd.troughIndex]).toEqual([3, 4]);
  });

  it('counts a fall from the starting equity, and reports 0 when equity never falls', () => {
    expect(maxDrawdown([-0.2, 0.1])).toEqual({
      maxDrawdown: 0.19999999999999996,
      peakIndex: 0,
      troughIndex: 1,
    });
    expect(maxDrawdown([0.1, 0, 0.2])).toEqual({ maxDrawdown: 0, peakIndex: 0, troughIndex: 0 });
    expect(maxDrawdown([])).toEqual({ maxDrawdown: 0, peakIndex: 0, troughIndex: 0 });
  });

  it('equals the largest drawdown of the compounded equity curve, between its peak and trough', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -0.9, max: 1, noNaN: true }), { maxLength: 200 }), (r) => {
        const equity = [1];
        for (const x of r) equity.push((equity.at(-1) as number) * (1 + x));
        const dd = drawdownSeries(equity);
        const mdd = maxDrawdown(r);
        expect(mdd.maxDrawdown).toBe(Math.max(...dd));
        expect(dd[mdd.troughIndex]).toBe(mdd.maxDrawdown);
        expect(mdd.peakIndex).toBeLessThanOrEqual(mdd.troughIndex);
        expect(equity[mdd.peakIndex]).toBe(Math.max(...equity.slice(0, mdd.troughIndex + 1)));
      }),
    );
  });
});
