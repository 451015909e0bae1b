/** 1 / n each. */
export function equalWeights(n: number): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`equal weights need at least one asset, got ${n}`);
  return new Float64Array(n).fill(1 / n);
}

/**
 * Weights proportional to 1 / sd, summing to 1. Every sd must be positive and finite: an asset with no
 * measured volatility would take the whole book, which is a data problem, not an allocation.
 */
export function inverseVolatilityWeights(sds: ArrayLike<number>): Float64Array {
  const n = sds.length;
  if (n === 0) throw new RangeError('inverse-volatility weights need at least one asset');
  const out = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const sd = sds[i] as number;
    if (!(sd > 0 && Number.isFinite(sd)))
      throw new RangeError(`inverse-volatility weights need a positive volatility, asset ${i} has ${sd}`);
    out[i] = 1 / sd;
    total += 1 / sd;
  }
  for (let i = 0; i < n; i++) out[i] = (out[i] as number) / total;
  return out;
}
