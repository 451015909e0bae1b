/** Sweep cells for this folder's tests: only what a test sets differs from a plain, flat run. */
import type { BacktestMetrics, Params, SweepCell } from '$workers/api';

export function metrics(over: Partial<BacktestMetrics> = {}): BacktestMetrics {
  return {
    start_equity: 10_000,
    final_equity: 10_000,
    total_return: 0,
    cagr: 0,
    volatility_annualised: 0,
    sharpe: 0,
    sortino: 0,
    calmar: 0,
    max_drawdown: 0,
    max_drawdown_duration_bars: 0,
    win_rate: 0,
    profit_factor: 0,
    expectancy: 0,
    exposure: 0,
    trades: 0,
    fees_paid: 0,
    periods_per_year: 252,
    bars: 100,
    ...over,
  };
}

export function cell(params: Params, score: number, over: Partial<SweepCell> = {}): SweepCell {
  return {
    params,
    metrics: metrics({ sharpe: score }),
    score,
    pValue: 0.5,
    pBonferroni: 1,
    pHolm: 1,
    error: null,
    ...over,
  };
}
