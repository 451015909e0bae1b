import { mean, sampleSd } from './moments.js';
import { inverseNormalCdf } from './normal.js';
import { quantile, type QuantileType } from './quantile.js';

/**
 * The tail probability 1 - confidence, rounded to 12 decimals: in doubles 1 - 0.95 is 0.050000000000000044,
 * and with 1,000 returns type 1 would then pick order statistic 51 instead of the 50 meant by "5 %".
 */
export function tailProbability(confidence: number): number {
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`VaR confidence must be strictly between 0 and 1, got ${confidence}`);
  const p = Math.round((1 - confidence) * 1e12) / 1e12;
  return p > 0 && p < 1 ? p : 1 - confidence;
}

/**
 * Historical VaR as a positive loss fraction: minus the (1 - confidence) quantile of the returns (0.95 ->
 * the 5 % quantile), R quantile type 7 by default, type 1 on request. A negative result means even the
 * tail quantile is a gain.
 */
export function historicalVar(
  returns: ArrayLike<number>,
  confidence: number,
  type: QuantileType = 7,
): number {
  return -quantile(returns, tailProbability(confidence), type);
}

/** Minus the mean of the returns at or below `threshold`, and how many there were. */
export function tailMean(returns: ArrayLike<number>, threshold: number): { cvar: number; count: number } {
  let sum = 0;
  let c = 0;
  let count = 0;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i] as number;
    if (!(r <= threshold)) continue;
    const t = sum + r;
    c += Math.abs(sum) >= Math.abs(r) ? sum - t + r : r - t + sum;
    sum = t;
    count++;
  }
  return { cvar: count === 0 ? NaN : -(sum + c) / count, count };
}

/**
 * Historical CVaR (expected shortfall) as a positive loss fraction: minus the mean of the returns at or
 * below the (1 - confidence) quantile of the given type. At least as large as the VaR of the same type.
 */
export function historicalCvar(
  returns: ArrayLike<number>,
  confidence: number,
  type: QuantileType = 7,
): number {
  const q = quantile(returns, tailProbability(confidence), type);
  if (Number.isNaN(q)) return NaN;
  return tailMean(returns, q).cvar;
}

/**
 * Historical VaR and CVaR at one confidence from a single selection of the quantile: what a risk view
 * shows side by side, at the cost of one historicalVar rather than two calls.
 */
export function historicalVarCvar(
  returns: ArrayLike<number>,
  confidence: number,
  type: QuantileType = 7,
): { var: number; cvar: number } {
  const q = quantile(returns, tailProbability(confidence), type);
  if (Number.isNaN(q)) return { var: NaN, cvar: NaN };
  return { var: -q, cvar: tailMean(returns, q).cvar };
}

/** Gaussian (parametric) VaR: -(mean + z sd) with z the (1 - confidence) normal quantile, sd the sample sd. */
export function parametricVar(returns: ArrayLike<number>, confidence: number): number {
  return -(mean(returns) + inverseNormalCdf(tailProbability(confidence)) * sampleSd(returns));
}
