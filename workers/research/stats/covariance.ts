/**
 * Return matrices are asset-major: asset a's return at period t is m[a * periods + t], so each asset's
 * series is one contiguous run (what a per-asset column store hands over without copying).
 */
function checkShape(m: ArrayLike<number>, assets: number, periods: number): void {
  if (m.length !== assets * periods)
    throw new RangeError(
      `return matrix has ${m.length} values, expected ${assets} assets x ${periods} periods`,
    );
}

/** Sample covariance (divisor periods - 1), n x n row-major. NaN everywhere with fewer than 2 periods. */
export function covarianceMatrix(m: ArrayLike<number>, assets: number, periods: number): Float64Array {
  checkShape(m, assets, periods);
  const out = new Float64Array(assets * assets);
  if (periods < 2) return out.fill(NaN);
  // Centre once, then each pair is a plain dot product over contiguous memory.
  const centred = new Float64Array(assets * periods);
  for (let a = 0; a < assets; a++) {
    const base = a * periods;
    let sum = 0;
    for (let t = 0; t < periods; t++) sum += m[base + t] as number;
    let mu = sum / periods;
    // One refinement pass (R's trick): makes the mean of a constant series exactly that constant, so
    // its variance is 0 and not rounding noise that would fake a correlation.
    let residual = 0;
    for (let t = 0; t < periods; t++) residual += (m[base + t] as number) - mu;
    mu += residual / periods;
    for (let t = 0; t < periods; t++) centred[base + t] = (m[base + t] as number) - mu;
  }
  const divisor = periods - 1;
  for (let a = 0; a < assets; a++) {
    const ba = a * periods;
    let b = a;
    // Four partners at a time: each load of asset a's value serves four products, which roughly halves
    // the time of the 50 x 50 matrix the Risk screen recomputes.
    for (; b + 3 < assets; b += 4) {
      const b0 = b * periods;
      const b1 = b0 + periods;
      const b2 = b1 + periods;
      const b3 = b2 + periods;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let t = 0; t < periods; t++) {
        const x = centred[ba + t] as number;
        s0 += x * (centred[b0 + t] as number);
        s1 += x * (centred[b1 + t] as number);
        s2 += x * (centred[b2 + t] as number);
        s3 += x * (centred[b3 + t] as number);
      }
      setPair(out, assets, a, b, s0 / divisor);
      setPair(out, assets, a, b + 1, s1 / divisor);
      setPair(out, assets, a, b + 2, s2 / divisor);
      setPair(out, assets, a, b + 3, s3 / divisor);
    }
    for (; b < assets; b++) {
      const bb = b * periods;
      let s = 0;
      for (let t = 0; t < periods; t++) s += (centred[ba + t] as number) * (centred[bb + t] as number);
      setPair(out, assets, a, b, s / divisor);
    }
  }
  return out;
}

function setPair(out: Float64Array, n: number, a: number, b: number, v: number): void {
  out[a * n + b] = v;
  out[b * n + a] = v;
}

/**
 * Correlation from a covariance matrix, into `out` (allocated when not given, may be `cov` itself).
 * The diagonal is 1 and entries are clamped to [-1, 1] against rounding; an asset with zero (or NaN)
 * variance has no correlation, so its row and column are NaN.
 */
export function covarianceToCorrelation(cov: ArrayLike<number>, n: number, out?: Float64Array): Float64Array {
  const res = out ?? new Float64Array(n * n);
  // Read the diagonal before writing, since out may alias cov.
  for (let i = 0; i < n; i++) {
    const v = cov[i * n + i] as number;
    res[i * n + i] = v > 0 ? 1 / Math.sqrt(v) : NaN;
  }
  for (let i = 0; i < n; i++) {
    const si = res[i * n + i] as number;
    for (let j = i + 1; j < n; j++) {
      const c = (cov[i * n + j] as number) * si * (res[j * n + j] as number);
      const clamped = c > 1 ? 1 : c < -1 ? -1 : c;
      res[i * n + j] = clamped;
      res[j * n + i] = clamped;
    }
  }
  for (let i = 0; i < n; i++) res[i * n + i] = Number.isNaN(res[i * n + i]) ? NaN : 1;
  return res;
}

/** Pearson correlation, n x n row-major; see covarianceToCorrelation for the zero-variance case. */
export function pearsonMatrix(m: ArrayLike<number>, assets: number, periods: number): Float64Array {
  const cov = covarianceMatrix(m, assets, periods);
  return covarianceToCorrelation(cov, assets, cov);
}
