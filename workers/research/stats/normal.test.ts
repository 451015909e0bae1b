import { describe, expect, it } from 'vitest';
import { inverseNormalCdf } from './normal.js';

describe('inverseNormalCdf (AS 241)', () => {
  it('gives the reference z values to the last bit', () => {
    expect(inverseNormalCdf(0.05)).toBe(-1.6448536269514726);
    // R: qnorm(0.01), qnorm(0.975), qnorm(1e-10), printed with 17 digits.
    expect(inverseNormalCdf(0.01)).toBe(-2.3263478740408408);
    expect(inverseNormalCdf(0.975)).toBeCloseTo(1.959963984540054, 15);
    expect(inverseNormalCdf(1e-10)).toBeCloseTo(-6.361340902404056, 14);
    expect(inverseNormalCdf(0.5)).toBe(0);
  });

  it('is antisymmetric around 0.5 and increasing', () => {
    let prev = -Infinity;
    for (let i = 1; i < 1000; i++) {
      const p = i / 1000;
      const z = inverseNormalCdf(p);
      expect(z).toBeGreaterThan(prev);
      expect(z).toBeCloseTo(-inverseNormalCdf(1 - p), 12);
      prev = z;
    }
  });

  it('inverts the normal CDF (checked through erfc by numeric integration)', () => {
    // Phi(z) by Simpson's rule on the density from -10: independent of the algorithm under test.
    const phi = (z: number) => {
      const a = -10;
      const n = 20000;
      const h = (z - a) / n;
      const f = (x: number) => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
      let s = f(a) + f(z);
      for (let i = 1; i < n; i++) s += f(a + i * h) * (i % 2 === 1 ? 4 : 2);
      return (s * h) / 3;
    };
    for (const p of [0.001, 0.02, 0.3, 0.7, 0.99]) expect(phi(inverseNormalCdf(p))).toBeCloseTo(p, 10);
  });

  it('handles the ends and bad input', () => {
    expect(inverseNormalCdf(0)).toBe(-Infinity);
    expect(inverseNormalCdf(1)).toBe(Infinity);
    expect(inverseNormalCdf(-0.1)).toBeNaN();
    expect(inverseNormalCdf(NaN)).toBeNaN();
  });
});
