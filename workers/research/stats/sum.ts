/**
 * Compensated (Neumaier) summation. The reference statistics come from R, which accumulates in 80-bit
 * long doubles; a plain double running sum over a few thousand returns of mixed sign can drift by more
 * than the 1e-12 relative tolerance the tests hold us to, a compensated one cannot.
 */
export function compensatedSum(x: ArrayLike<number>, from = 0, to = x.length): number {
  let sum = 0;
  let c = 0;
  for (let i = from; i < to; i++) {
    const v = x[i] as number;
    const t = sum + v;
    c += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + c;
}

/** Sum of squares of (x_i - centre), compensated like `compensatedSum`. */
export function compensatedSquares(x: ArrayLike<number>, centre: number): number {
  let sum = 0;
  let c = 0;
  for (let i = 0; i < x.length; i++) {
    const d = (x[i] as number) - centre;
    const v = d * d;
    const t = sum + v;
    c += sum >= v ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + c;
}
