import type {
  MonteCarloResult,
  Objective,
  Percentiles,
  SweepResult,
  WalkForwardResult,
} from '../../workers/research/api.js';
import type {
  BacktestConfig,
  BacktestMetrics,
  BacktestResult,
  Params,
  SimTrade,
} from '../../workers/research/backtest/types.js';

/**
 * What `lyra backtest --json` prints: plain objects with snake_case keys, dates as the CSV wrote them,
 * typed arrays as arrays. Non-finite numbers become null when stringified (JSON has no NaN).
 */
export interface DatedEquity {
  date: string;
  equity: number;
}

export interface BacktestReportJson {
  input: {
    file: string;
    column: string | null;
    bars: number;
    first_date: string;
    last_date: string;
    close_only: boolean;
  };
  strategy: string;
  params: Params;
  config: BacktestConfig;
  conventions: string[];
  metrics: BacktestMetrics;
  equity: DatedEquity[];
  trades: TradeJson[];
  fills: number;
  error: { bar: number; date: string; message: string } | null;
  sweep?: SweepJson;
  walk_forward?: WalkForwardJson;
  monte_carlo?: MonteCarloJson;
}

export interface TradeJson {
  entry_date: string;
  exit_date: string;
  entry_price: number;
  exit_price: number;
  units: number;
  pnl: number;
  return_pct: number;
  fees: number;
  bars: number;
  exit_reason: string;
}

export interface SweepJson {
  objective: Objective;
  axes: { param: string; values: number[] }[];
  combinations: number;
  skipped: number;
  skipped_reason: string | null;
  workers: number;
  elapsed_ms: number;
  best: number;
  best_params: Params | null;
  deflated_sharpe: {
    probability: number;
    sharpe: number;
    expected_max_sharpe: number;
    trials: number;
  } | null;
  cells: {
    params: Params;
    score: number;
    p_value: number;
    p_bonferroni: number;
    p_holm: number;
    error: string | null;
    metrics: BacktestMetrics;
  }[];
}

export interface WalkForwardJson {
  mode: 'rolling' | 'anchored';
  in_sample: number;
  out_of_sample: number;
  objective: Objective;
  windows: {
    in_sample: { from: string; to: string };
    out_of_sample: { from: string; to: string };
    params: Params;
    in_sample_score: number;
    metrics: BacktestMetrics;
  }[];
  metrics: BacktestMetrics;
  equity: DatedEquity[];
}

export interface MonteCarloJson {
  method: 'trades' | 'bars';
  runs: number;
  seed: number;
  final_equity: Percentiles;
  max_drawdown: Percentiles;
  loss_probability: number;
  histogram: { edges: number[]; counts: number[] };
  fan: { step: number; p5: number; p25: number; p50: number; p75: number; p95: number }[];
}

/** Date text of a bar time: the CSV's own where known, ISO otherwise. */
export type DateOf = (time: number) => string;

export function datedEquity(time: Float64Array, equity: Float64Array, dateOf: DateOf): DatedEquity[] {
  return Array.from(equity, (e, i) => ({ date: dateOf(time[i] as number), equity: e }));
}

function tradeJson(t: SimTrade, dateOf: DateOf): TradeJson {
  return {
    entry_date: dateOf(t.entryTime),
    exit_date: dateOf(t.exitTime),
    entry_price: t.entryPrice,
    exit_price: t.exitPrice,
    units: t.units,
    pnl: t.pnl,
    return_pct: t.returnPct,
    fees: t.fees,
    bars: t.bars,
    exit_reason: t.exitReason,
  };
}

export function backtestJson(
  input: BacktestReportJson['input'],
  strategy: string,
  params: Params,
  config: BacktestConfig,
  result: BacktestResult,
  dateOf: DateOf,
): BacktestReportJson {
  return {
    input,
    strategy,
    params,
    config,
    conventions: result.conventions,
    metrics: result.metrics,
    equity: datedEquity(result.time, result.equity, dateOf),
    trades: result.trades.map((t) => tradeJson(t, dateOf)),
    fills: result.fills.length,
    error: result.error
      ? { bar: result.error.i, date: dateOf(result.error.time), message: result.error.message }
      : null,
  };
}

export function sweepJson(
  result: SweepResult,
  objective: Objective,
  skipped: number,
  skippedReason: string | null,
): SweepJson {
  const best = result.cells[result.best];
  const dsr = result.deflatedSharpe;
  return {
    objective,
    axes: result.axes,
    combinations: result.cells.length,
    skipped,
    skipped_reason: skippedReason,
    workers: result.workers,
    elapsed_ms: result.elapsedMs,
    best: result.best,
    best_params: best ? best.params : null,
    deflated_sharpe: dsr
      ? {
          probability: dsr.probability,
          sharpe: dsr.sharpe,
          expected_max_sharpe: dsr.expectedMaxSharpe,
          trials: dsr.trials,
        }
      : null,
    cells: result.cells.map((c) => ({
      params: c.params,
      score: c.score,
      p_value: c.pValue,
      p_bonferroni: c.pBonferroni,
      p_holm: c.pHolm,
      error: c.error,
      metrics: c.metrics,
    })),
  };
}

export function walkForwardJson(
  result: WalkForwardResult,
  options: { mode: 'rolling' | 'anchored'; inSample: number; outOfSample: number; objective: Objective },
  dateOf: DateOf,
): WalkForwardJson {
  return {
    mode: options.mode,
    in_sample: options.inSample,
    out_of_sample: options.outOfSample,
    objective: options.objective,
    windows: result.windows.map((w) => ({
      in_sample: { from: dateOf(w.inSample.from), to: dateOf(w.inSample.to) },
      out_of_sample: { from: dateOf(w.outOfSample.from), to: dateOf(w.outOfSample.to) },
      params: w.params,
      in_sample_score: w.inSampleScore,
      metrics: w.metrics,
    })),
    metrics: result.metrics,
    equity: datedEquity(result.time, result.equity, dateOf),
  };
}

export function monteCarloJson(result: MonteCarloResult, seed: number): MonteCarloJson {
  const { fan } = result;
  return {
    method: result.method,
    runs: result.runs,
    seed,
    final_equity: result.finalEquity,
    max_drawdown: result.maxDrawdown,
    loss_probability: result.lossProbability,
    histogram: result.histogram,
    fan: Array.from(fan.step, (step, f) => ({
      step,
      p5: fan.p5[f] as number,
      p25: fan.p25[f] as number,
      p50: fan.p50[f] as number,
      p75: fan.p75[f] as number,
      p95: fan.p95[f] as number,
    })),
  };
}
