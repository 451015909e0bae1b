import { inverseNormalCdf } from '../stats/normal.js';
import { normalCdf, studentTUpperTail } from './distributions.js';

/**
 * How much to believe a sweep's winner: a t-test per combination, the two classic corrections for having
 * tried many, and the deflated Sharpe ratio, which asks whether the best Sharpe beats what the best of
 * that many tries would show by luck alone.
 */

/**
 * One-sided p-value of H1: the mean bar return is above zero, from Student's t with n - 1 degrees of
 * freedom (t = mean / (sd / sqrt(n))). Returns that never vary (sd 0, e.g. a run that never trades) give
 * 0 when the mean is positive and 1 otherwise; fewer than 2 returns give NaN.
 */
export function meanReturnPValue(mean: number, sd: number, n: number): number {
  if (!(n >= 2) || !Number.isFinite(mean) || !(sd >= 0)) return NaN;
  if (sd === 0) return mean > 0 ? 0 : 1;
  return studentTUpperTail(mean / (sd / Math.sqrt(n)), n - 1);
}

/** Number of p-values that take part in a correction: NaN ones (runs that failed) do not. */
function testCount(p: readonly number[]): number {
  let m = 0;
  for (const v of p) if (!Number.isNaN(v)) m++;
  return m;
}

/** Bonferroni: each p-value times the number of tests, capped at 1. NaN stays NaN. */
export function bonferroni(p: readonly number[]): number[] {
  const m = testCount(p);
  return p.map((v) => (Number.isNaN(v) ? NaN : Math.min(1, v * m)));
}

/**
 * Holm's step-down correction: sorted ascending, the k-th smallest (1-based) is multiplied by m - k + 1,
 * then made non-decreasing along that order and capped at 1. Never above Bonferroni's, never below the
 * raw p-value. Returned in the input's order; NaN stays NaN.
 */
export function holm(p: readonly number[]): number[] {
  const m = testCount(p);
  const order = p
    .map((v, i) => i)
    .filter((i) => !Number.isNaN(p[i] as number))
    .sort((a, b) => (p[a] as number) - (p[b] as number) || a - b);
  const out = p.map(() => NaN);
  let running = 0;
  order.forEach((index, k) => {
    running = Math.max(running, Math.min(1, (m - k) * (p[index] as number)));
    out[index] = running;
  });
  return out;
}

export const EULER_MASCHERONI = 0.5772156649015329;

export interface DeflatedSharpeInput {
  /** Sharpe ratio of every trial, per bar (not annualised). */
  sharpes: readonly number[];
  /** Index in `sharpes` of the trial picked as best. */
  best: number;
  /** Number of bar returns the best trial's Sharpe was measured on. */
  T: number;
  /** Skewness of the best trial's bar returns. */
  skewness: number;
  /** Kurtosis (not excess: 3 for normal returns) of the best trial's bar returns. */
  kurtosis: number;
}

export interface DeflatedSharpe {
  /** Probability that the best Sharpe is above what luck alone would give the best of `trials`. */
  probability: number;
  /** The best trial's Sharpe, per bar. */
  sharpe: number;
  /** SR0: the expected maximum Sharpe of `trials` unskilled tries, per bar. */
  expectedMaxSharpe: number;
  trials: number;
}

/**
 * Bailey and Lopez de Prado (2014), "The Deflated Sharpe Ratio": with N trials whose Sharpe ratios have
 * variance V (sample variance across the trials),
 *   SR0 = sqrt(V) ((1 - g) Phi^-1(1 - 1/N) + g Phi^-1(1 - 1/(N e))), g the Euler-Mascheroni constant,
 *   DSR = Phi((SR - SR0) sqrt(T - 1) / sqrt(1 - skew SR + (kurt - 1) / 4 SR^2)).
 * Null when it cannot be computed: fewer than 2 trials, T < 2, a non-finite input, or a variance term
 * that is not positive (extreme skew).
 */
export function deflatedSharpe(input: DeflatedSharpeInput): DeflatedSharpe | null {
  const { sharpes, best, T, skewness, kurtosis } = input;
  const N = sharpes.length;
  const sr = sharpes[best];
  if (N < 2 || sr === undefined || !(T >= 2)) return null;
  if (!sharpes.every(Number.isFinite) || !Number.isFinite(skewness) || !Number.isFinite(kurtosis))
    return null;
  let meanSr = 0;
  for (const s of sharpes) meanSr += s;
  meanSr /= N;
  let variance = 0;
  for (const s of sharpes) variance += (s - meanSr) * (s - meanSr);
  variance /= N - 1;
  const g = EULER_MASCHERONI;
  const sr0 =
    Math.sqrt(variance) *
    ((1 - g) * inverseNormalCdf(1 - 1 / N) + g * inverseNormalCdf(1 - 1 / (N * Math.E)));
  const denominator = 1 - skewness * sr + ((kurtosis - 1) / 4) * sr * sr;
  if (!(denominator > 0)) return null;
  const probability = normalCdf(((sr - sr0) * Math.sqrt(T - 1)) / Math.sqrt(denominator));
  return { probability, sharpe: sr, expectedMaxSharpe: sr0, trials: N };
}
