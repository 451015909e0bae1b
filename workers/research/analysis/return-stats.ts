import { barReturns } from '../backtest/metrics.js';
import { mean, sampleSd } from '../stats/moments.js';
import type { ReturnStats } from '../pool/tasks.js';

/**
 * Moments of a run's bar returns (r_t = E_t / E_{t-1} - 1, as the metrics define them): the mean and
 * sample sd the t-test and the per-bar Sharpe use, and the skewness and kurtosis the deflated Sharpe
 * corrects for. Skewness and kurtosis are the moment ratios m3 / m2^1.5 and m4 / m2^2 (central moments
 * with divisor n), NaN when the returns never vary.
 */
export function returnStats(equity: Float64Array): ReturnStats {
  const r = barReturns(equity);
  const n = r.length;
  const m = mean(r);
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let t = 0; t < n; t++) {
    const d = (r[t] as number) - m;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return {
    n,
    mean: m,
    sd: sampleSd(r),
    skewness: m2 > 0 ? m3 / Math.pow(m2, 1.5) : NaN,
    kurtosis: m2 > 0 ? m4 / (m2 * m2) : NaN,
  };
}

/** Sharpe ratio per bar (not annualised): 0 when the returns never vary, as the metrics have it. */
export function perBarSharpe(stats: ReturnStats): number {
  if (!(stats.n >= 2)) return NaN;
  return stats.sd === 0 ? 0 : stats.mean / stats.sd;
}
