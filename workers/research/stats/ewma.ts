import { covarianceToCorrelation } from './covariance.js';

/**
 * How many leading returns seed the EWMA covariance in ewmaCorrelationMatrix: one effective window,
 * ceil(1 / (1 - lambda)) (17 for lambda 0.94), capped at the history available.
 */
export function ewmaSeedPeriods(lambda: number, periods: number): number {
  return Math.max(1, Math.min(periods, Math.ceil(1 / (1 - lambda))));
}

function checkLambda(lambda: number): void {
  if (!(lambda > 0 && lambda < 1)) throw new RangeError(`EWMA lambda must be in (0, 1), got ${lambda}`);
}

/**
 * RiskMetrics-style exponentially weighted covariance with zero mean:
 * S_t = lambda S_{t-1} + (1 - lambda) r_t r_t^T.
 *
 * Seed: `seed(m, assets, periods)` sets S to the equally weighted zero-mean second moment of that block,
 * (1 / periods) sum_t r_t r_t^T, the same estimator the recursion approximates, so the first updates do
 * not start from a made-up matrix. Its weight decays as lambda^k: after 200 updates at 0.94 it is below
 * 1e-5. `update` then works in place and allocates nothing, so it can run on every new return.
 */
export class EwmaCovariance {
  readonly assets: number;
  readonly lambda: number;
  private readonly s: Float64Array;
  /** Returns folded in, seed block included. */
  count = 0;

  constructor(assets: number, lambda = 0.94) {
    checkLambda(lambda);
    if (!Number.isInteger(assets) || assets < 1) throw new RangeError(`assets must be a whole number >= 1`);
    this.assets = assets;
    this.lambda = lambda;
    this.s = new Float64Array(assets * assets);
  }

  /** Replaces the state with the zero-mean second moment of an asset-major block of returns. */
  seed(m: ArrayLike<number>, assets: number, periods: number): void {
    const n = this.assets;
    if (assets !== n) throw new RangeError(`seed has ${assets} assets, the estimator ${n}`);
    if (m.length !== assets * periods)
      throw new RangeError(`return matrix has ${m.length} values, expected ${assets} x ${periods}`);
    if (periods < 1) throw new RangeError('the EWMA seed needs at least one period');
    const s = this.s;
    for (let a = 0; a < n; a++) {
      for (let b = a; b < n; b++) {
        let acc = 0;
        for (let t = 0; t < periods; t++)
          acc += (m[a * periods + t] as number) * (m[b * periods + t] as number);
        const v = acc / periods;
        s[a * n + b] = v;
        s[b * n + a] = v;
      }
    }
    this.count = periods;
  }

  /** Folds in one period's returns (one value per asset). */
  update(row: ArrayLike<number>): void {
    const n = this.assets;
    const s = this.s;
    const l = this.lambda;
    const k = 1 - l;
    for (let a = 0; a < n; a++) {
      const ra = k * (row[a] as number);
      const base = a * n;
      for (let b = 0; b < n; b++) s[base + b] = l * (s[base + b] as number) + ra * (row[b] as number);
    }
    this.count++;
  }

  /** A copy of the current covariance, n x n row-major. */
  covariance(): Float64Array {
    return this.s.slice();
  }

  /** The current correlation into `out` (allocated when not given). */
  correlation(out?: Float64Array): Float64Array {
    return covarianceToCorrelation(this.s, this.assets, out);
  }
}

/**
 * EWMA correlation at the last period of an asset-major return matrix: seeded (see EwmaCovariance) with
 * the first ewmaSeedPeriods(lambda, periods) returns, then updated with each later one.
 */
export function ewmaCorrelationMatrix(
  m: ArrayLike<number>,
  assets: number,
  periods: number,
  lambda = 0.94,
): Float64Array {
  checkLambda(lambda);
  if (m.length !== assets * periods)
    throw new RangeError(`return matrix has ${m.length} values, expected ${assets} x ${periods}`);
  if (periods < 1) return new Float64Array(assets * assets).fill(NaN);
  const ewma = new EwmaCovariance(assets, lambda);
  const k = ewmaSeedPeriods(lambda, periods);
  const block = new Float64Array(assets * k);
  for (let a = 0; a < assets; a++)
    for (let t = 0; t < k; t++) block[a * k + t] = m[a * periods + t] as number;
  ewma.seed(block, assets, k);
  const row = new Float64Array(assets);
  for (let t = k; t < periods; t++) {
    for (let a = 0; a < assets; a++) row[a] = m[a * periods + t] as number;
    ewma.update(row);
  }
  return ewma.correlation();
}
