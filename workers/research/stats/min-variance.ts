import { choleskySolve } from './linear-solve.js';

/**
 * Minimum of w^T S w over the assets in `free` with their weights summing to 1 (no sign constraint):
 * w_F = S_F^-1 1 / (1^T S_F^-1 1). A singular S_F (a redundant or riskless asset) gets the smallest
 * ridge on its diagonal that makes it positive definite, which picks the least-norm-like solution among
 * the equally good ones instead of failing.
 */
function equalityOptimum(cov: Float64Array, n: number, free: number[]): Float64Array {
  const k = free.length;
  const sub = new Float64Array(k * k);
  let trace = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) sub[i * k + j] = cov[(free[i] as number) * n + (free[j] as number)] as number;
    trace += sub[i * k + i] as number;
  }
  const ones = new Float64Array(k).fill(1);
  const scale = trace > 0 ? trace / k : 1;
  for (let ridge = 0; ; ridge = ridge === 0 ? scale * 1e-14 : ridge * 100) {
    if (ridge > scale) throw new RangeError('covariance matrix is not positive semi-definite');
    const a = sub.slice();
    for (let i = 0; i < k; i++) a[i * k + i] = (a[i * k + i] as number) + ridge;
    const x = choleskySolve(a, ones, k);
    if (x === null) continue;
    let sum = 0;
    for (let i = 0; i < k; i++) sum += x[i] as number;
    if (!(sum > 0)) continue;
    for (let i = 0; i < k; i++) x[i] = (x[i] as number) / sum;
    return x;
  }
}

/**
 * Long-only, fully invested minimum-variance weights: argmin w^T S w subject to w >= 0 and sum w = 1,
 * solved exactly by a primal active-set method. Starting from equal weights, each step moves toward the
 * equality-constrained optimum of the assets still free, stopping at the first weight to reach zero
 * (that asset is then held at zero); at an optimum of the free set, an asset held at zero is released
 * when its marginal variance (S w)_i is below the free assets' common one, since buying it would lower
 * the variance. It stops when no held asset qualifies: the KKT conditions hold (every asset with w > 0
 * has the same (S w)_i, every asset at 0 a larger or equal one). `cov` is n x n row-major.
 */
export function minimumVarianceWeights(cov: Float64Array, n: number): Float64Array {
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`minimum variance needs at least one asset, got ${n}`);
  if (cov.length !== n * n) throw new RangeError(`covariance has ${cov.length} values, expected ${n * n}`);
  for (let i = 0; i < n * n; i++)
    if (!Number.isFinite(cov[i] as number)) throw new RangeError('covariance matrix has a non-finite entry');
  const w = new Float64Array(n).fill(1 / n);
  if (n === 1) return w;
  const isFree = new Uint8Array(n).fill(1);
  const marginal = new Float64Array(n);
  // Each asset leaves and re-enters a bounded number of times in exact arithmetic; this only guards
  // against rounding making the method cycle.
  const maxIterations = 50 * n + 100;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const free: number[] = [];
    for (let i = 0; i < n; i++) if (isFree[i] === 1) free.push(i);
    const target = equalityOptimum(cov, n, free);
    let alpha = 1;
    let blocking = -1;
    for (let f = 0; f < free.length; f++) {
      const i = free[f] as number;
      const step = (target[f] as number) - (w[i] as number);
      if (step < 0) {
        const a = (w[i] as number) / -step;
        if (a < alpha) {
          alpha = a;
          blocking = i;
        }
      }
    }
    for (let f = 0; f < free.length; f++) {
      const i = free[f] as number;
      w[i] =
        blocking < 0
          ? (target[f] as number)
          : (w[i] as number) + alpha * ((target[f] as number) - (w[i] as number));
    }
    if (blocking >= 0) {
      w[blocking] = 0;
      isFree[blocking] = 0;
      continue;
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += (cov[i * n + j] as number) * (w[j] as number);
      marginal[i] = s;
    }
    // The free assets' marginal variance, equal across them at this point; w^T S w, up to rounding.
    let level = 0;
    for (const i of free) level += (marginal[i] as number) * (w[i] as number);
    const tolerance = 1e-12 * Math.max(Math.abs(level), 1e-300);
    let release = -1;
    let lowest = level - tolerance;
    for (let i = 0; i < n; i++) {
      if (isFree[i] === 0 && (marginal[i] as number) < lowest) {
        lowest = marginal[i] as number;
        release = i;
      }
    }
    if (release < 0) break;
    isFree[release] = 1;
  }
  // Rounding can leave -1e-17 where a weight should be 0 and a sum of 1 +- 1e-16.
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (!((w[i] as number) > 0)) w[i] = 0;
    sum += w[i] as number;
  }
  for (let i = 0; i < n; i++) w[i] = (w[i] as number) / sum;
  return w;
}
