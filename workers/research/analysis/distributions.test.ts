import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inverseNormalCdf } from '../stats/normal.js';
import { incompleteBeta, logGamma, normalCdf, studentTUpperTail } from './distributions.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('logGamma', () => {
  it('matches factorials and Gamma(1/2) = sqrt(pi)', () => {
    let factorial = 1;
    for (let n = 1; n <= 30; n++) {
      const want = Math.log((factorial *= n));
      expect(Math.abs(logGamma(n + 1) - want)).toBeLessThanOrEqual(1e-14 * Math.max(1, want));
    }
    expect(rel(logGamma(0.5), Math.log(Math.sqrt(Math.PI)))).toBeLessThan(1e-14);
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(0)).toBeNaN();
  });

  it('satisfies Gamma(x + 1) = x Gamma(x)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 1e5, noNaN: true }), (x) => {
        expect(logGamma(x + 1) - logGamma(x)).toBeCloseTo(Math.log(x), 9);
      }),
    );
  });
});

describe('incompleteBeta', () => {
  it('has the closed forms I_x(a, 1) = x^a and I_x(1, b) = 1 - (1 - x)^b', () => {
    for (const x of [0.01, 0.3, 0.5, 0.77, 0.999]) {
      for (const a of [0.5, 2, 7.5]) {
        expect(rel(incompleteBeta(x, a, 1), x ** a)).toBeLessThan(1e-13);
        expect(rel(incompleteBeta(x, 1, a), 1 - (1 - x) ** a)).toBeLessThan(1e-13);
      }
    }
  });

  it('satisfies the symmetry I_x(a, b) = 1 - I_{1-x}(b, a)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        fc.double({ min: 0.1, max: 500, noNaN: true }),
        fc.double({ min: 0.1, max: 500, noNaN: true }),
        (x, a, b) => {
          expect(incompleteBeta(x, a, b) + incompleteBeta(1 - x, b, a)).toBeCloseTo(1, 10);
        },
      ),
    );
  });
});

describe('normalCdf', () => {
  it('gives the values of scipy.stats.norm.cdf, far tails included', () => {
    // Computed with SciPy 1.17 (independent of this code).
    const cases: [number, number][] = [
      [-1, 0.15865525393145707],
      [-5, 2.866515718791933e-7],
      [-10, 7.61985302416047e-24],
      [0.3, 0.6179114221889526],
      [2.5, 0.9937903346742238],
    ];
    for (const [x, want] of cases) expect(rel(normalCdf(x), want), `Phi(${x})`).toBeLessThan(1e-13);
    // exp(-x^2/2) at x = -37 amplifies the rounding of its argument (684.5) to a few 1e-13.
    expect(rel(normalCdf(-37), 5.7255712225239266e-300)).toBeLessThan(1e-12);
    expect(normalCdf(0)).toBe(0.5);
  });

  it('is the inverse of the AS 241 inverse CDF', () => {
    for (let i = 1; i < 200; i++) {
      const p = i / 200;
      expect(normalCdf(inverseNormalCdf(p))).toBeCloseTo(p, 14);
    }
  });
});

describe('studentTUpperTail', () => {
  it('gives the values of scipy.stats.t.sf', () => {
    // Computed with SciPy 1.17 (independent of this code).
    const cases: [number, number, number][] = [
      [2, 10, 0.03669401738537018],
      [0.5, 3, 0.3257239824240755],
      [-1.3, 7, 0.8826160823038114],
      [4.5, 120, 7.912789699298527e-6],
      [8, 5, 0.0002464533302862221],
      [0.01, 1000, 0.4960116409660936],
      [3, 200_000, 0.001350064231388395],
      [12, 40, 3.91208565212799e-15],
    ];
    for (const [t, df, want] of cases)
      expect(rel(studentTUpperTail(t, df), want), `t ${t}, df ${df}`).toBeLessThan(1e-11);
  });

  it('has the closed forms for 1 and 2 degrees of freedom', () => {
    fc.assert(
      fc.property(fc.double({ min: -50, max: 50, noNaN: true }), (t) => {
        expect(studentTUpperTail(t, 1)).toBeCloseTo(0.5 - Math.atan(t) / Math.PI, 13);
        expect(studentTUpperTail(t, 2)).toBeCloseTo(0.5 - t / (2 * Math.sqrt(2 + t * t)), 13);
      }),
    );
  });

  it('is symmetric and tends to the normal tail as df grows', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -20, max: 20, noNaN: true }),
        fc.integer({ min: 1, max: 10_000 }),
        (t, df) => {
          expect(studentTUpperTail(t, df) + studentTUpperTail(-t, df)).toBeCloseTo(1, 12);
        },
      ),
    );
    expect(studentTUpperTail(1.959963984540054, 1e7)).toBeCloseTo(0.025, 7);
    expect(studentTUpperTail(1, 0)).toBeNaN();
  });
});
