import { maxDrawdown } from './drawdown.js';
import { downsideDeviation, mean, sampleSd } from './moments.js';
import { inverseNormalCdf } from './normal.js';
import { quantileSorted } from './quantile.js';
import { tailMean, tailProbability } from './value-at-risk.js';

export interface RiskMetricsOptions {
  /** Return periods per year used to annualise: 252 trading days (default), 365 for crypto daily. */
  periodsPerYear?: number;
  /** Annual risk-free rate as a fraction; Sharpe and Sortino use the excess mean - riskFree / periodsPerYear. */
  riskFree?: number;
}

/** Field names are those of the R reference (risk_metrics_single.json), so results compare key by key. */
export interface RiskMetrics {
  n_returns: number;
  mean_daily: number;
  sd_daily_sample: number;
  vol_annualised: number;
  sharpe_annualised: number;
  downside_deviation_daily: number;
  sortino_daily: number;
  sortino_annualised: number;
  max_drawdown: number;
  mdd_peak_index: number;
  mdd_trough_index: number;
  final_equity: number;
  var95_hist_type7: number;
  var99_hist_type7: number;
  var95_hist_type1: number;
  var99_hist_type1: number;
  cvar95_hist: number;
  cvar95_tail_count: number;
  cvar99_hist: number;
  var95_param_gaussian: number;
  var99_param_gaussian: number;
  cagr: number;
  calmar_annualised: number;
}

/** The fewest returns riskMetrics accepts: a sample standard deviation needs two. */
export const MIN_RETURNS = 2;

/** a / b, or NaN when b is 0: a ratio over no risk is undefined, not infinite. */
function ratio(a: number, b: number): number {
  return b === 0 ? NaN : a / b;
}

/**
 * Every per-series statistic of the Risk screen, computed on one return series ("daily" in the names
 * means per period). Sorts one copy of the returns for all the quantiles. Throws a RangeError naming
 * the history it needs when given fewer than MIN_RETURNS returns, or naming the first return that is
 * NaN or infinite (a gap in prices must be dealt with before, not averaged over). Undefined ratios
 * (zero sd, no negative return, no drawdown) are NaN.
 */
export function riskMetrics(returns: ArrayLike<number>, options: RiskMetricsOptions = {}): RiskMetrics {
  const periodsPerYear = options.periodsPerYear ?? 252;
  const riskFree = options.riskFree ?? 0;
  if (!(periodsPerYear > 0)) throw new RangeError(`periodsPerYear must be positive, got ${periodsPerYear}`);
  const n = returns.length;
  if (n < MIN_RETURNS)
    throw new RangeError(
      `risk metrics need at least ${MIN_RETURNS} returns (${MIN_RETURNS + 1} prices), got ${n}`,
    );

  for (let i = 0; i < n; i++)
    if (!Number.isFinite(returns[i] as number))
      throw new RangeError(
        `return ${i} is ${returns[i]}: risk metrics need a finite return for every period`,
      );

  const m = mean(returns);
  const sd = sampleSd(returns);
  const dd = downsideDeviation(returns);
  const excess = m - riskFree / periodsPerYear;
  const annual = Math.sqrt(periodsPerYear);
  const sorted = Float64Array.from(returns).sort();
  const p95 = tailProbability(0.95);
  const p99 = tailProbability(0.99);
  const q95 = quantileSorted(sorted, p95, 7);
  const q99 = quantileSorted(sorted, p99, 7);
  const tail95 = tailMean(returns, q95);
  const tail99 = tailMean(returns, q99);
  const mdd = maxDrawdown(returns);
  let equity = 1;
  for (let i = 0; i < n; i++) equity *= 1 + (returns[i] as number);
  const cagr = equity > 0 ? Math.pow(equity, periodsPerYear / n) - 1 : -1;

  return {
    n_returns: n,
    mean_daily: m,
    sd_daily_sample: sd,
    vol_annualised: sd * annual,
    sharpe_annualised: ratio(excess, sd) * annual,
    downside_deviation_daily: dd,
    sortino_daily: ratio(excess, dd),
    sortino_annualised: ratio(excess, dd) * annual,
    max_drawdown: mdd.maxDrawdown,
    mdd_peak_index: mdd.peakIndex,
    mdd_trough_index: mdd.troughIndex,
    final_equity: equity,
    var95_hist_type7: -q95,
    var99_hist_type7: -q99,
    var95_hist_type1: -quantileSorted(sorted, p95, 1),
    var99_hist_type1: -quantileSorted(sorted, p99, 1),
    cvar95_hist: tail95.cvar,
    cvar95_tail_count: tail95.count,
    cvar99_hist: tail99.cvar,
    var95_param_gaussian: -(m + inverseNormalCdf(p95) * sd),
    var99_param_gaussian: -(m + inverseNormalCdf(p99) * sd),
    cagr,
    calmar_annualised: ratio(cagr, mdd.maxDrawdown),
  };
}
