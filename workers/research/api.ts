import type { BacktestConfig, BacktestMetrics, BacktestResult, ParamSpec, Params } from './backtest/types.js';
import type { StrategySpec } from './strategies/spec.js';

/** A stored series of bars a backtest can run on: an imported CSV or history downloaded from an exchange. */
export interface DatasetSummary {
  id: string;
  name: string;
  source: 'csv' | 'exchange';
  /** Exchange datasets: exchange id, symbol and timeframe. */
  exchange?: string;
  symbol?: string;
  timeframe?: string;
  bars: number;
  first: number;
  last: number;
  closeOnly: boolean;
  createdAt: number;
}

export interface CsvImportOptions {
  name: string;
  /** For a file with several price columns and no open/high/low/close: the one to use as the close. */
  column?: string | null;
  /**
   * Rows out of order or with a repeated time are refused unless the user agreed to fix them: sorted
   * oldest first, and of repeated times the last row kept.
   */
  fixOrder?: boolean;
}

/** One problem with a CSV, where it is. `row` is the 1-based line in the file (the header is line 1). */
export interface CsvProblem {
  row: number | null;
  column: string | null;
  message: string;
}

export type CsvImportResult =
  | { ok: true; dataset: DatasetSummary; fixed: { reordered: number; duplicatesDropped: number } | null }
  | {
      ok: false;
      problems: CsvProblem[];
      /** Set when the only problem is order or repeated times: ask, then import again with fixOrder. */
      fixable: { outOfOrder: number; duplicates: number } | null;
      /** Price columns found, when the file needs `column` chosen. */
      columns: string[];
    };

/** What the rule builder and charts offer: each indicator's params and outputs. */
export interface IndicatorInfo {
  name: string;
  label: string;
  params: ParamSpec[];
  outputs: string[];
  /** Drawn over the price (moving averages, bands) or in its own pane (RSI, MACD). */
  placement: 'overlay' | 'pane';
  /** Needs high, low or volume: unavailable on close-only data. */
  needsOhlcv: boolean;
}

export interface StrategyInfo {
  id: string;
  name: string;
  description: string;
  params: ParamSpec[];
}

export interface BacktestRequest {
  datasetId: string;
  /** Only bars with from <= time <= to (inclusive); null: all. */
  from?: number | null;
  to?: number | null;
  strategy: StrategySpec;
  config: BacktestConfig;
}

/** Progress of a long job, at most a few times a second. */
export interface JobProgress {
  done: number;
  total: number;
  /** What is being done, for the progress bar's label. */
  stage: string;
}

export type ProgressListener = (progress: JobProgress) => void;

/** A sweep axis: every value from `from` to `to` by `step`, or an explicit list. */
export type SweepAxis =
  { param: string; from: number; to: number; step: number } | { param: string; values: number[] };

export type Objective = 'sharpe' | 'total_return' | 'cagr' | 'calmar' | 'sortino';

export interface SweepRequest extends BacktestRequest {
  axes: SweepAxis[];
  objective: Objective;
  /** Workers to use; null: navigator.hardwareConcurrency. */
  workers?: number | null;
}

export interface SweepCell {
  params: Params;
  metrics: BacktestMetrics;
  /** The objective's value. */
  score: number;
  /** One-sided p-value that the mean bar return is above zero (t-test on the strategy's bar returns). */
  pValue: number;
  /** Adjusted for the number of combinations tried. */
  pBonferroni: number;
  pHolm: number;
  error: string | null;
}

export interface SweepResult {
  cells: SweepCell[];
  /** Index into `cells` of the best score. */
  best: number;
  /** Bailey and Lopez de Prado's deflated Sharpe ratio of the best cell: the probability its Sharpe is real. */
  deflatedSharpe: { probability: number; sharpe: number; expectedMaxSharpe: number; trials: number } | null;
  /** For a heat map of the first two axes (rows: first axis values, columns: second). */
  axes: { param: string; values: number[] }[];
  workers: number;
  elapsedMs: number;
}

/** Worst case memory of a sweep, checked before it starts. */
export interface SweepEstimate {
  combinations: number;
  bytes: number;
  ok: boolean;
  /** When not ok: why, and how to make it fit. */
  message: string | null;
}

export interface WalkForwardRequest extends BacktestRequest {
  mode: 'rolling' | 'anchored';
  /** Bars in each in-sample window (anchored: the first one; later ones grow from the start). */
  inSample: number;
  /** Bars in each out-of-sample window; windows step by this much. */
  outOfSample: number;
  axes: SweepAxis[];
  objective: Objective;
}

export interface WalkForwardWindow {
  inSample: { from: number; to: number };
  outOfSample: { from: number; to: number };
  params: Params;
  inSampleScore: number;
  metrics: BacktestMetrics;
}

export interface WalkForwardResult {
  windows: WalkForwardWindow[];
  /** Out-of-sample equity stitched window after window, each starting from the previous end. */
  time: Float64Array;
  equity: Float64Array;
  drawdown: Float64Array;
  /** Metrics of the stitched out-of-sample equity only. */
  metrics: BacktestMetrics;
}

export interface MonteCarloRequest extends BacktestRequest {
  runs: number;
  method: 'trades' | 'bars';
  seed: number;
}

export interface Percentiles {
  p5: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
}

export interface MonteCarloResult {
  method: 'trades' | 'bars';
  runs: number;
  finalEquity: Percentiles;
  maxDrawdown: Percentiles;
  /** Share of runs ending below the starting capital. */
  lossProbability: number;
  /** The fan chart: for each step, the percentile bands of equity across runs. */
  fan: {
    step: Float64Array;
    p5: Float64Array;
    p25: Float64Array;
    p50: Float64Array;
    p75: Float64Array;
    p95: Float64Array;
  };
  /** Histogram of final equity: bin edges (n + 1) and counts (n). */
  histogram: { edges: number[]; counts: number[] };
}

export interface LookaheadResult {
  /** Truncation points tried (bar indexes). */
  checked: number;
  /** Signals that differ between the full run and a run that ended at that bar. */
  mismatches: { i: number; time: number; full: string; truncated: string }[];
  ok: boolean;
}

/** Backtest plus the pieces the results screen needs. */
export interface BacktestReport {
  result: BacktestResult;
  /** The close and the strategy's overlays, for the price chart. */
  close: Float64Array;
  overlays: Record<string, Float64Array>;
  dataset: DatasetSummary;
}

/**
 * What the UI may ask of research. Long calls take a job id (any unique text) so `cancel(jobId)` can
 * stop them, and a progress listener. A cancelled job rejects with an EngineError of code `cancelled`.
 */
export interface ResearchApi {
  datasets(): Promise<DatasetSummary[]>;
  importCsv(text: string, options: CsvImportOptions): Promise<CsvImportResult>;
  deleteDataset(id: string): Promise<void>;
  /** The bars of a dataset (for charts and CSV export). */
  bars(id: string): Promise<import('./backtest/types.js').Bars>;
  strategies(): Promise<StrategyInfo[]>;
  indicators(): Promise<IndicatorInfo[]>;
  backtest(request: BacktestRequest, jobId: string, onProgress?: ProgressListener): Promise<BacktestReport>;
  estimateSweep(request: SweepRequest): Promise<SweepEstimate>;
  sweep(request: SweepRequest, jobId: string, onProgress?: ProgressListener): Promise<SweepResult>;
  walkForward(
    request: WalkForwardRequest,
    jobId: string,
    onProgress?: ProgressListener,
  ): Promise<WalkForwardResult>;
  monteCarlo(
    request: MonteCarloRequest,
    jobId: string,
    onProgress?: ProgressListener,
  ): Promise<MonteCarloResult>;
  lookahead(request: BacktestRequest, jobId: string, onProgress?: ProgressListener): Promise<LookaheadResult>;
  cancel(jobId: string): Promise<void>;
}
