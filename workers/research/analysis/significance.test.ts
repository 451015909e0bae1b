import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inverseNormalCdf } from '../stats/normal.js';
import { normalCdf } from './distributions.js';
import { bonferroni, deflatedSharpe, EULER_MASCHERONI, holm, meanReturnPValue } from './significance.js';

function meanSd(x: number[]): [number, number] {
  const m = x.reduce((s, v) => s + v, 0) / x.length;
  const v = x.reduce((s, r) => s + (r - m) ** 2, 0) / (x.length - 1);
  return [m, Math.sqrt(v)];
}

describe('meanReturnPValue', () => {
  it("equals scipy's one-sided one-sample t-test", () => {
    // scipy.stats.ttest_1samp(x, 0, alternative='greater').pvalue
    const cases: [number[], number][] = [
      [[0.01, -0.02, 0.03, 0.015, -0.005, 0.02, 0.0, 0.012], 0.10197001170206775],
      [[-0.01, 0.002, -0.004, 0.001, -0.003], 0.8704482934194806],
    ];
    for (const [x, want] of cases) {
      const [m, sd] = meanSd(x);
      expect(Math.abs(meanReturnPValue(m, sd, x.length) - want) / want).toBeLessThan(1e-10);
    }
  });

  it('handles returns that never vary and too few returns', () => {
    expect(meanReturnPValue(0.001, 0, 50)).toBe(0);
    expect(meanReturnPValue(0, 0, 50)).toBe(1);
    expect(meanReturnPValue(-0.001, 0, 50)).toBe(1);
    expect(meanReturnPValue(0.01, 0.02, 1)).toBeNaN();
    expect(meanReturnPValue(NaN, 0.02, 10)).toBeNaN();
  });

  it('falls as the mean rises', () => {
    let previous = 1;
    // t from -2 to 2 with sd 0.01 and 100 returns.
    for (let m = -0.002; m <= 0.002; m += 0.0002) {
      const p = meanReturnPValue(m, 0.01, 100);
      expect(p).toBeLessThan(previous);
      previous = p;
    }
  });
});

describe('bonferroni and holm', () => {
  it('give the textbook values', () => {
    const p = [0.01, 0.04, 0.03, 0.005];
    expect(bonferroni(p)).toEqual([0.04, 0.16, 0.12, 0.02]);
    // Sorted: 0.005 x 4, 0.01 x 3, 0.03 x 2, 0.04 x 1 raised to the 0.06 before it.
    const h = holm(p);
    expect(h[0]).toBeCloseTo(0.03, 15);
    expect(h[1]).toBeCloseTo(0.06, 15);
    expect(h[2]).toBeCloseTo(0.06, 15);
    expect(h[3]).toBeCloseTo(0.02, 15);
  });

  it('leave NaN out of the count and in place', () => {
    expect(bonferroni([0.1, NaN, 0.2])).toEqual([0.2, NaN, 0.4]);
    const h = holm([0.2, NaN, 0.1]);
    expect(h[1]).toBeNaN();
    expect(h[2]).toBeCloseTo(0.2, 15);
    expect(h[0]).toBeCloseTo(0.2, 15);
  });

  it('keep p <= holm <= bonferroni <= 1, holm non-decreasing in the order of p', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 60 }),
        (p) => {
          const b = bonferroni(p);
          const h = holm(p);
          p.forEach((v, i) => {
            expect(h[i]).toBeGreaterThanOrEqual(v);
            expect(h[i]).toBeLessThanOrEqual(b[i] as number);
            expect(b[i]).toBeLessThanOrEqual(1);
          });
          const order = p.map((_, i) => i).sort((x, y) => (p[x] as number) - (p[y] as number));
          for (let k = 1; k < order.length; k++)
            expect(h[order[k] as number]).toBeGreaterThanOrEqual(h[order[k - 1] as number] as number);
        },
      ),
    );
  });
});

/** Sharpes of `n` trials: `best` first, the others symmetric around `centre`, scaled to sample variance `v`. */
function trialsWithVariance(n: number, best: number, centre: number, v: number): number[] {
  const pattern = Array.from({ length: n - 1 }, (_, i) => (i % 2 === 0 ? 1 : -1) * (1 + (i % 5)));
  const varianceAt = (k: number) => {
    const xs = [best, ...pattern.map((z) => centre + k * z)];
    return meanSd(xs)[1] ** 2;
  };
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (varianceAt(mid) < v) lo = mid;
    else hi = mid;
  }
  return [best, ...pattern.map((z) => centre + lo * z)];
}

describe('deflatedSharpe', () => {
  it("reproduces Bailey and Lopez de Prado's worked example", () => {
    // The paper's example: 100 trials, annualised Sharpe variance 1/2, best annualised Sharpe 2.5, 1,250
    // daily returns (250 a year), skewness -3, kurtosis 10. They report SR0 = 0.1132 and DSR = 0.9004.
    const ppy = 250;
    const sharpes = trialsWithVariance(100, 2.5 / Math.sqrt(ppy), 0, 0.5 / ppy);
    const got = deflatedSharpe({ sharpes, best: 0, T: 1250, skewness: -3, kurtosis: 10 });
    expect(got).not.toBeNull();
    expect(got!.trials).toBe(100);
    expect(got!.sharpe).toBe(sharpes[0]);
    expect(got!.expectedMaxSharpe).toBeCloseTo(0.1132, 4);
    expect(got!.probability).toBeCloseTo(0.9004, 3);
  });

  it('equals the formula computed step by step by hand', () => {
    // Four trials with per-bar Sharpes 0.02, 0.05, 0.01, 0.08: mean 0.04, sample variance
    // (0.0004 + 0.0001 + 0.0009 + 0.0016) / 3 = 0.001.
    const N = 4;
    const sr = 0.08;
    const sr0 =
      Math.sqrt(0.001) *
      ((1 - EULER_MASCHERONI) * inverseNormalCdf(1 - 1 / N) +
        EULER_MASCHERONI * inverseNormalCdf(1 - 1 / (N * Math.E)));
    const z = ((sr - sr0) * Math.sqrt(500 - 1)) / Math.sqrt(1 - 0.5 * sr + ((4 - 1) / 4) * sr * sr);
    const got = deflatedSharpe({
      sharpes: [0.02, 0.05, 0.01, 0.08],
      best: 3,
      T: 500,
      skewness: 0.5,
      kurtosis: 4,
    });
    expect(got!.expectedMaxSharpe).toBeCloseTo(sr0, 14);
    expect(got!.probability).toBeCloseTo(normalCdf(z), 14);
    // More trials with the same spread raise the bar: the same best Sharpe is less convincing.
    const many = deflatedSharpe({
      sharpes: trialsWithVariance(400, 0.08, 0.04, 0.001),
      best: 0,
      T: 500,
      skewness: 0.5,
      kurtosis: 4,
    });
    expect(many!.expectedMaxSharpe).toBeGreaterThan(got!.expectedMaxSharpe);
    expect(many!.probability).toBeLessThan(got!.probability);
  });

  it('is null when it cannot be computed', () => {
    expect(deflatedSharpe({ sharpes: [0.1], best: 0, T: 100, skewness: 0, kurtosis: 3 })).toBeNull();
    expect(deflatedSharpe({ sharpes: [0.1, 0.2], best: 1, T: 1, skewness: 0, kurtosis: 3 })).toBeNull();
    expect(deflatedSharpe({ sharpes: [0.1, NaN], best: 0, T: 100, skewness: 0, kurtosis: 3 })).toBeNull();
    expect(deflatedSharpe({ sharpes: [0.1, 0.2], best: 5, T: 100, skewness: 0, kurtosis: 3 })).toBeNull();
  });
});
