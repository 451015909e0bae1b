/** Drawdown at each point of an equity curve: 1 - E_t / max_{s<=t} E_s, a positive fraction (0 at a peak). */
export function drawdownSeries(equity: ArrayLike<number>): Float64Array {
  const n = equity.length;
  const out = new Float64Array(n);
  let peak = -Infinity;
  for (let t = 0; t < n; t++) {
    const e = equity[t] as number;
    if (e > peak) peak = e;
    out[t] = 1 - e / peak;
  }
  return out;
}

export interface MaxDrawdown {
  /** Largest 1 - E_t / running max, a positive fraction; 0 when equity never falls. */
  maxDrawdown: number;
  /** Equity point of the peak before the deepest fall. */
  peakIndex: number;
  /** Equity point where the deepest fall bottoms out. */
  troughIndex: number;
}

/**
 * Maximum drawdown of the equity E_t = prod_{s<=t} (1 + r_s) compounded from `returns`. Indices count
 * equity points with point 0 the starting equity of 1 before the first return, so return i moves the
 * equity to point i + 1: for returns computed from prices these are the price rows, as in the reference
 * (mdd_peak_index / mdd_trough_index). The first (earliest) deepest trough wins ties, and its peak is the
 * first time the running maximum reached that level.
 */
export function maxDrawdown(returns: ArrayLike<number>): MaxDrawdown {
  let equity = 1;
  let peak = 1;
  let peakAt = 0;
  let best = 0;
  let bestPeak = 0;
  let bestTrough = 0;
  for (let i = 0; i < returns.length; i++) {
    equity *= 1 + (returns[i] as number);
    const t = i + 1;
    if (equity > peak) {
      peak = equity;
      peakAt = t;
      continue;
    }
    const dd = 1 - equity / peak;
    if (dd > best) {
      best = dd;
      bestPeak = peakAt;
      bestTrough = t;
    }
  }
  return { maxDrawdown: best, peakIndex: bestPeak, troughIndex: bestTrough };
}
