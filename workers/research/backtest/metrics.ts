import { compensatedSum } from '../stats/sum.js';
import { EquityStats } from './equity-stats.js';
import type { BacktestMetrics, SimTrade } from './types.js';

export interface MetricsInput {
  /** Starting cash: E_0 of total return and CAGR. */
  capital: number;
  /** Equity at each bar's close. */
  equity: Float64Array;
  /** Units held at each bar's close (for exposure). */
  position: Float64Array;
  /** Round trips, an open position at the end included. */
  trades: readonly SimTrade[];
  feesPaid: number;
  periodsPerYear: number;
}

/** Bar returns r_t = E_t / E_{t-1} - 1 for t = 1..n-1. */
export function barReturns(equity: Float64Array): Float64Array {
  const n = equity.length;
  const r = new Float64Array(Math.max(0, n - 1));
  for (let t = 1; t < n; t++) r[t - 1] = (equity[t] as number) / (equity[t - 1] as number) - 1;
  return r;
}

/**
 * A ratio whose denominator measures risk: with no risk, a positive numerator is an infinitely good
 * result and zero is no result at all (0, not NaN, so a strategy that never trades still ranks).
 */
function riskRatio(numerator: number, risk: number): number {
  if (Number.isNaN(numerator) || Number.isNaN(risk)) return NaN;
  if (risk > 0) return numerator / risk;
  return numerator === 0 ? 0 : numerator * Infinity;
}

/**
 * The metrics of a curve whose statistics were gathered as it was made (the engine's loop does); `pnls`
 * holds each round trip's PnL, an open position at the end included.
 */
export function metricsFromStats(
  stats: EquityStats,
  capital: number,
  pnls: Float64Array,
  feesPaid: number,
  periodsPerYear: number,
): BacktestMetrics {
  const n = stats.points;
  const last = n > 0 ? stats.last : capital;
  const m = stats.mean();
  const sd = stats.sampleSd();
  const annual = Math.sqrt(periodsPerYear);
  const cagr = n < 2 ? NaN : last <= 0 ? -1 : Math.pow(last / capital, periodsPerYear / (n - 1)) - 1;

  let wins = 0;
  let grossWin = 0;
  let grossLoss = 0;
  const count = pnls.length;
  for (let k = 0; k < count; k++) {
    const p = pnls[k] as number;
    if (p > 0) {
      wins++;
      grossWin += p;
    } else if (p < 0) grossLoss -= p;
  }

  return {
    start_equity: capital,
    final_equity: last,
    total_return: last / capital - 1,
    cagr,
    volatility_annualised: sd * annual,
    // Zero spread means no risk taken and no information: 0 rather than an infinite Sharpe.
    sharpe: sd === 0 ? 0 : (m / sd) * annual,
    sortino: riskRatio(m, stats.downsideDeviation()) * annual,
    calmar: riskRatio(cagr, stats.maxDrawdown),
    max_drawdown: stats.maxDrawdown,
    max_drawdown_duration_bars: stats.longestBelowPeak,
    win_rate: count === 0 ? NaN : wins / count,
    profit_factor: count === 0 ? NaN : riskRatio(grossWin, grossLoss),
    expectancy: count === 0 ? NaN : compensatedSum(pnls) / count,
    exposure: n === 0 ? 0 : stats.held / n,
    trades: count,
    fees_paid: feesPaid,
    periods_per_year: periodsPerYear,
    bars: n,
  };
}

/**
 * The metrics of an equity curve, by the definitions `result.conventions` spells out: bar returns from
 * the curve, annualised with `periodsPerYear`, risk-free rate 0. The engine gathers the same statistics
 * in its loop; this is for curves built elsewhere (walk-forward's stitched out-of-sample equity), so
 * they are measured exactly as a single backtest is.
 */
export function backtestMetrics(input: MetricsInput): BacktestMetrics {
  const stats = new EquityStats();
  stats.addRange(input.equity, input.position, 0, input.equity.length);
  const pnls = Float64Array.from(input.trades, (t) => t.pnl);
  return metricsFromStats(stats, input.capital, pnls, input.feesPaid, input.periodsPerYear);
}
