import { describe, expect, it } from 'vitest';
import { portfolioReturns, simpleReturns } from './returns.js';

describe('returns', () => {
  it('computes simple returns between consecutive prices', () => {
    expect(Array.from(simpleReturns([100, 110, 99]))).toEqual([0.10000000000000009, -0.09999999999999998]);
    expect(simpleReturns([5]).length).toBe(0);
  });

  it('rebalances a portfolio to its weights every period', () => {
    const r = portfolioReturns(
      [
        [0.1, -0.2],
        [0.0, 0.2],
      ],
      [0.25, 0.75],
    );
    expect(r[0]).toBeCloseTo(0.025, 15);
    expect(r[1]).toBeCloseTo(0.1, 15);
  });

  it('refuses misaligned series and a weight count that does not match', () => {
    expect(() => portfolioReturns([[0.1], [0.1, 0.2]], [0.5, 0.5])).toThrow(/align/);
    expect(() => portfolioReturns([[0.1]], [0.5, 0.5])).toThrow(/weights/);
  });
});
