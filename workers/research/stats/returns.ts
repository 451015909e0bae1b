/** Simple returns r_t = P_t / P_{t-1} - 1; element t - 1 of the result belongs to price t. */
export function simpleReturns(prices: ArrayLike<number>): Float64Array {
  const n = prices.length;
  const out = new Float64Array(Math.max(0, n - 1));
  for (let t = 1; t < n; t++) out[t - 1] = (prices[t] as number) / (prices[t - 1] as number) - 1;
  return out;
}

/**
 * Returns of a portfolio rebalanced to `weights` every period: r_p_t = sum_a w_a r_a_t. Every asset must
 * have the same number of returns. Weights are used as given (the caller decides whether they must sum
 * to 1; a leveraged or partly-invested book is legitimate here).
 */
export function portfolioReturns(
  returnsByAsset: ArrayLike<number>[],
  weights: ArrayLike<number>,
): Float64Array {
  if (returnsByAsset.length !== weights.length)
    throw new RangeError(`${returnsByAsset.length} return series but ${weights.length} weights`);
  const periods = returnsByAsset[0]?.length ?? 0;
  const out = new Float64Array(periods);
  for (let a = 0; a < returnsByAsset.length; a++) {
    const r = returnsByAsset[a] as ArrayLike<number>;
    if (r.length !== periods)
      throw new RangeError(`asset ${a} has ${r.length} returns, asset 0 has ${periods}: series must align`);
    const w = weights[a] as number;
    for (let t = 0; t < periods; t++) out[t] = (out[t] as number) + w * (r[t] as number);
  }
  return out;
}
