import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minimumVarianceWeights } from './min-variance.js';

function variance(cov: ArrayLike<number>, w: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) s += (w[i] as number) * (cov[i * n + j] as number) * (w[j] as number);
  return s;
}

/** A random covariance matrix A^T A / k + a small ridge, so positive definite but often ill-conditioned. */
const covariance = fc.integer({ min: 2, max: 8 }).chain((n) =>
  fc
    .array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n * (n + 2), maxLength: n * (n + 2) })
    .map((a) => {
      const k = n + 2;
      const cov = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let t = 0; t < k; t++) s += (a[t * n + i] as number) * (a[t * n + j] as number);
          cov[i * n + j] = s / k + (i === j ? 1e-4 : 0);
        }
      return { cov, n };
    }),
);

/** KKT of min w'Sw s.t. w >= 0, sum w = 1: equal marginal variance where w > 0, no lower one where w = 0. */
function expectKkt(cov: Float64Array, n: number, w: Float64Array): void {
  let sum = 0;
  for (const x of w) {
    expect(x).toBeGreaterThanOrEqual(0);
    sum += x;
  }
  expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
  const g = Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += (cov[i * n + j] as number) * (w[j] as number);
    return s;
  });
  const level = variance(cov, w, n);
  const scale = Math.max(...g.map(Math.abs), 1e-300);
  for (let i = 0; i < n; i++) {
    if ((w[i] as number) > 1e-9) expect(Math.abs((g[i] as number) - level)).toBeLessThan(1e-8 * scale);
    else expect(g[i] as number).toBeGreaterThan(level - 1e-8 * scale);
  }
}

/** Exact brute force: the best equality-constrained optimum over every support that stays non-negative. */
function bySupports(cov: Float64Array, n: number): number {
  let best = Infinity;
  for (let mask = 1; mask < 1 << n; mask++) {
    const idx = [...Array(n).keys()].filter((i) => mask & (1 << i));
    const k = idx.length;
    // Gaussian elimination on [S_F | 1].
    const a = idx.map((i) => [...idx.map((j) => cov[i * n + j] as number), 1]);
    for (let c = 0; c < k; c++) {
      let p = c;
      for (let r = c + 1; r < k; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
      [a[c], a[p]] = [a[p]!, a[c]!];
      for (let r = 0; r < k; r++) {
        if (r === c) continue;
        const f = a[r]![c]! / a[c]![c]!;
        for (let q = c; q <= k; q++) a[r]![q]! -= f * a[c]![q]!;
      }
    }
    const x = a.map((row, r) => row[k]! / row[r]!);
    const total = x.reduce((s, v) => s + v, 0);
    if (!(total > 0) || x.some((v) => v / total < -1e-12)) continue;
    const w = new Float64Array(n);
    idx.forEach((i, r) => (w[i] = Math.max(0, x[r]! / total)));
    best = Math.min(best, variance(cov, w, n));
  }
  return best;
}

describe('minimumVarianceWeights', () => {
  it('solves two assets in closed form, clipping at the bounds', () => {
    // Unconstrained w1 = (s2^2 - s12) / (s1^2 + s2^2 - 2 s12).
    const cov = Float64Array.from([0.04, 0.006, 0.006, 0.09]);
    const w1 = (0.09 - 0.006) / (0.04 + 0.09 - 0.012);
    const w = minimumVarianceWeights(cov, 2);
    expect(w[0]).toBeCloseTo(w1, 15);
    expect(w[1]).toBeCloseTo(1 - w1, 15);
    // Highly correlated with a much riskier asset: the unconstrained answer shorts it; long-only holds 0.
    const tight = Float64Array.from([0.01, 0.018, 0.018, 0.04]);
    expect(Array.from(minimumVarianceWeights(tight, 2))).toEqual([1, 0]);
  });

  it('matches a grid search over the simplex for three assets', () => {
    const cov = Float64Array.from([0.04, 0.03, 0.002, 0.03, 0.05, 0.01, 0.002, 0.01, 0.09]);
    const w = minimumVarianceWeights(cov, 3);
    let best = Infinity;
    const steps = 400;
    for (let i = 0; i <= steps; i++)
      for (let j = 0; i + j <= steps; j++)
        best = Math.min(best, variance(cov, [i / steps, j / steps, (steps - i - j) / steps], 3));
    const v = variance(cov, w, 3);
    expect(v).toBeLessThanOrEqual(best + 1e-15);
    expect(best - v).toBeLessThan(1e-5);
    expectKkt(cov, 3, w);
  });

  it('satisfies the KKT conditions and equals the brute-force optimum', () => {
    fc.assert(
      fc.property(covariance, ({ cov, n }) => {
        const w = minimumVarianceWeights(cov, n);
        expectKkt(cov, n, w);
        const best = bySupports(cov, n);
        expect(variance(cov, w, n)).toBeLessThanOrEqual(best * (1 + 1e-9) + 1e-15);
      }),
      { numRuns: 200 },
    );
  });

  it('copes with a singular covariance (a duplicated asset, a riskless one)', () => {
    const dup = Float64Array.from([0.04, 0.04, 0.01, 0.04, 0.04, 0.01, 0.01, 0.01, 0.09]);
    const w = minimumVarianceWeights(dup, 3);
    expectKkt(dup, 3, w);
    const cash = Float64Array.from([0.04, 0, 0, 0]);
    expect(minimumVarianceWeights(cash, 2)[1]).toBeGreaterThan(1 - 1e-9);
  });

  it('refuses malformed input', () => {
    expect(() => minimumVarianceWeights(new Float64Array(3), 2)).toThrow(/expected 4/);
    expect(() => minimumVarianceWeights(Float64Array.from([1, NaN, NaN, 1]), 2)).toThrow(/non-finite/);
    expect(Array.from(minimumVarianceWeights(Float64Array.from([0.3]), 1))).toEqual([1]);
  });
});
