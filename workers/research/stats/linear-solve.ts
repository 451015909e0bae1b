/**
 * Solves A x = b for a symmetric positive definite k x k matrix (row-major) by Cholesky, in place on
 * copies. Returns null when A is not numerically positive definite.
 */
export function choleskySolve(a: Float64Array, b: Float64Array, k: number): Float64Array | null {
  const l = a.slice();
  for (let j = 0; j < k; j++) {
    let d = l[j * k + j] as number;
    for (let p = 0; p < j; p++) d -= (l[j * k + p] as number) ** 2;
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    l[j * k + j] = ljj;
    for (let i = j + 1; i < k; i++) {
      let s = l[i * k + j] as number;
      for (let p = 0; p < j; p++) s -= (l[i * k + p] as number) * (l[j * k + p] as number);
      l[i * k + j] = s / ljj;
    }
  }
  const x = b.slice();
  for (let i = 0; i < k; i++) {
    let s = x[i] as number;
    for (let p = 0; p < i; p++) s -= (l[i * k + p] as number) * (x[p] as number);
    x[i] = s / (l[i * k + i] as number);
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = x[i] as number;
    for (let p = i + 1; p < k; p++) s -= (l[p * k + i] as number) * (x[p] as number);
    x[i] = s / (l[i * k + i] as number);
  }
  return x;
}
