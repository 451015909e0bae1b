import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  historicalCvar,
  historicalVar,
  historicalVarCvar,
  parametricVar,
  tailMean,
  tailProbability,
} from './value-at-risk.js';

const returns = fc.array(fc.double({ min: -0.5, max: 0.5, noNaN: true }), { minLength: 1, maxLength: 300 });

describe('historical VaR and CVaR', () => {
  it('CVaR is at least VaR for the same confidence and quantile type', () => {
    fc.assert(
      fc.property(
        returns,
        fc.constantFrom(0.9, 0.95, 0.975, 0.99),
        fc.constantFrom<1 | 7>(1, 7),
        (r, c, type) => {
          expect(historicalCvar(r, c, type)).toBeGreaterThanOrEqual(historicalVar(r, c, type) - 1e-15);
        },
      ),
    );
  });

  it('a higher confidence never lowers VaR', () => {
    fc.assert(
      fc.property(returns, (r) => {
        expect(historicalVar(r, 0.99)).toBeGreaterThanOrEqual(historicalVar(r, 0.95));
      }),
    );
  });

  it('averages the returns at or below the quantile', () => {
    const r = [-0.1, -0.05, -0.05, 0, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07];
    // type 1 at 20 %: order statistic 2 = -0.05; the tail is -0.1, -0.05, -0.05.
    expect(historicalVar(r, 0.8, 1)).toBe(0.05);
    expect(historicalCvar(r, 0.8, 1)).toBeCloseTo(0.2 / 3, 15);
    expect(tailMean(r, -0.05).count).toBe(3);
    expect(tailMean(r, -1)).toEqual({ cvar: NaN, count: 0 });
  });

  it('reads 0.95 as the 5 % tail exactly, so type 1 picks the intended order statistic', () => {
    expect(tailProbability(0.95)).toBe(0.05);
    expect(tailProbability(0.99)).toBe(0.01);
    const x = Array.from({ length: 1000 }, (_, i) => -(i + 1));
    // 1000 * 0.05 = 50: the 50th smallest, -951, not the 51st.
    expect(historicalVar(x, 0.95, 1)).toBe(951);
    expect(() => tailProbability(1)).toThrow(RangeError);
    expect(() => historicalVar(x, 95)).toThrow(/between 0 and 1/);
  });

  it('computes Gaussian VaR as -(mean + z sd)', () => {
    const r = [0.01, -0.02, 0.03, -0.01, 0.005];
    const m = 0.003;
    const sd = Math.sqrt(r.reduce((s, v) => s + (v - m) ** 2, 0) / 4);
    expect(parametricVar(r, 0.95)).toBeCloseTo(-(m - 1.6448536269514726 * sd), 15);
  });
});

describe('historicalVarCvar', () => {
  it('equals the two separate calls', () => {
    fc.assert(
      fc.property(returns, fc.constantFrom(0.95, 0.99), fc.constantFrom<1 | 7>(1, 7), (r, c, type) => {
        expect(historicalVarCvar(r, c, type)).toEqual({
          var: historicalVar(r, c, type),
          cvar: historicalCvar(r, c, type),
        });
      }),
    );
    expect(historicalVarCvar([], 0.95)).toEqual({ var: NaN, cvar: NaN });
  });
});
