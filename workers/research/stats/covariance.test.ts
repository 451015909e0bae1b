import fc from 'fast-check';
import { sampleCorrelation, sampleCovariance } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { covarianceMatrix, pearsonMatrix } from './covariance.js';

/** An asset-major matrix of `assets` series with `periods` returns, some of them correlated. */
const returnMatrix = fc
  .record({ assets: fc.integer({ min: 1, max: 6 }), periods: fc.integer({ min: 3, max: 60 }) })
  .chain(({ assets, periods }) =>
    fc
      .array(fc.double({ min: -0.1, max: 0.1, noNaN: true }), {
        minLength: assets * periods,
        maxLength: assets * periods,
      })
      .map((values) => {
        const m = Float64Array.from(values);
        // Mix each asset with the first so the correlations are not all near zero.
        for (let a = 1; a < assets; a++)
          for (let t = 0; t < periods; t++)
            m[a * periods + t] = (m[a * periods + t] as number) + (m[t] as number) * a;
        return { m, assets, periods };
      }),
  );

describe('covariance and Pearson correlation', () => {
  it('agree with simple-statistics pair by pair', () => {
    fc.assert(
      fc.property(returnMatrix, ({ m, assets, periods }) => {
        const cov = covarianceMatrix(m, assets, periods);
        const cor = pearsonMatrix(m, assets, periods);
        const series = (a: number) => Array.from(m.subarray(a * periods, (a + 1) * periods));
        for (let i = 0; i < assets; i++)
          for (let j = 0; j < assets; j++) {
            const want = sampleCovariance(series(i), series(j));
            expect(Math.abs((cov[i * assets + j] as number) - want)).toBeLessThanOrEqual(
              1e-12 * Math.abs(want) + 1e-18,
            );
            if (i !== j && (cov[i * assets + i] as number) > 1e-12 && (cov[j * assets + j] as number) > 1e-12)
              expect(cor[i * assets + j]).toBeCloseTo(sampleCorrelation(series(i), series(j)), 10);
          }
      }),
    );
  });

  it('is symmetric, in [-1, 1], with a unit diagonal', () => {
    fc.assert(
      fc.property(returnMatrix, ({ m, assets, periods }) => {
        const cor = pearsonMatrix(m, assets, periods);
        for (let i = 0; i < assets; i++) {
          const diag = cor[i * assets + i] as number;
          if (!Number.isNaN(diag)) expect(diag).toBe(1);
          for (let j = 0; j < assets; j++) {
            const c = cor[i * assets + j] as number;
            if (Number.isNaN(c)) continue;
            expect(c).toBe(cor[j * assets + i]);
            expect(Math.abs(c)).toBeLessThanOrEqual(1);
          }
        }
      }),
    );
  });

  it('leaves a constant series without a correlation rather than dividing by zero', () => {
    const m = Float64Array.from([0.01, 0.02, 0.03, 0.05, 0.05, 0.05]);
    const cor = pearsonMatrix(m, 2, 3);
    expect(cor[0]).toBe(1);
    expect(cor[1]).toBeNaN();
    expect(cor[3]).toBeNaN();
  });

  it('refuses a matrix of the wrong size', () => {
    expect(() => pearsonMatrix(new Float64Array(5), 2, 3)).toThrow(/2 assets x 3 periods/);
  });
});
