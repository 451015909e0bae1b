import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EwmaCovariance, ewmaCorrelationMatrix, ewmaSeedPeriods } from './ewma.js';

describe('EWMA covariance', () => {
  it('follows S_t = lambda S_{t-1} + (1 - lambda) r r^T from the seed', () => {
    const e = new EwmaCovariance(2, 0.9);
    // Seed block: asset 0 returns [0.01, -0.03], asset 1 [0.02, 0.01].
    e.seed([0.01, -0.03, 0.02, 0.01], 2, 2);
    const s0 = [(0.01 ** 2 + 0.03 ** 2) / 2, (0.01 * 0.02 - 0.03 * 0.01) / 2, 0, (0.02 ** 2 + 0.01 ** 2) / 2];
    s0[2] = s0[1] as number;
    e.update([0.05, -0.02]);
    const r = [0.05, -0.02];
    const want = s0.map((v, k) => 0.9 * v + 0.1 * (r[Math.floor(k / 2)] as number) * (r[k % 2] as number));
    const got = e.covariance();
    want.forEach((v, k) => expect(got[k]).toBeCloseTo(v, 17));
    expect(e.count).toBe(3);
    const c = e.correlation();
    expect(c[1]).toBeCloseTo((got[1] as number) / Math.sqrt((got[0] as number) * (got[3] as number)), 15);
  });

  it('ewmaCorrelationMatrix seeds with one effective window and updates with the rest', () => {
    const periods = 40;
    const m = Float64Array.from(
      { length: 3 * periods },
      (_, i) => Math.sin(i * 1.7) * 0.02 + (i % 5) * 0.001,
    );
    const k = ewmaSeedPeriods(0.94, periods);
    expect(k).toBe(17);
    const e = new EwmaCovariance(3, 0.94);
    const block = new Float64Array(3 * k);
    for (let a = 0; a < 3; a++) block.set(m.subarray(a * periods, a * periods + k), a * k);
    e.seed(block, 3, k);
    for (let t = k; t < periods; t++) e.update([m[t], m[periods + t], m[2 * periods + t]] as number[]);
    expect(ewmaCorrelationMatrix(m, 3, periods)).toEqual(e.correlation());
    expect(ewmaSeedPeriods(0.94, 5)).toBe(5);
  });

  it('gives a symmetric correlation in [-1, 1] with a unit diagonal', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 2, max: 40 }),
        fc.double({ min: 0.5, max: 0.99, noNaN: true }),
        fc.infiniteStream(fc.double({ min: -0.1, max: 0.1, noNaN: true })),
        (assets, periods, lambda, values) => {
          const m = Float64Array.from(values.take(assets * periods));
          const c = ewmaCorrelationMatrix(m, assets, periods, lambda);
          for (let i = 0; i < assets; i++)
            for (let j = 0; j < assets; j++) {
              const v = c[i * assets + j] as number;
              if (Number.isNaN(v)) continue;
              if (i === j) expect(v).toBe(1);
              expect(v).toBe(c[j * assets + i]);
              expect(Math.abs(v)).toBeLessThanOrEqual(1);
            }
        },
      ),
    );
  });

  it('writes the correlation into a given buffer', () => {
    const e = new EwmaCovariance(2);
    e.seed([0.01, 0.02, 0.015, -0.01], 2, 2);
    const out = new Float64Array(4);
    expect(e.correlation(out)).toBe(out);
  });

  it('refuses a lambda outside (0, 1) and a seed of the wrong shape', () => {
    expect(() => new EwmaCovariance(2, 1)).toThrow(/lambda/);
    expect(() => ewmaCorrelationMatrix(new Float64Array(4), 2, 2, 0)).toThrow(/lambda/);
    expect(() => new EwmaCovariance(2).seed(new Float64Array(6), 3, 2)).toThrow(/3 assets/);
  });
});
