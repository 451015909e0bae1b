import type { WindowEvaluator } from '../analysis/walk-forward.js';
import type { BacktestConfig, Bars } from '../backtest/types.js';
import type { StrategySpec } from '../strategies/spec.js';
import type { AbortLike, WorkerPool } from './pool.js';

/**
 * Evaluates walk-forward windows on a worker pool: the whole series is loaded into each worker once
 * (under `datasetKey`) and every window's sweep names its bar range, instead of sending each window's
 * bars again.
 */
export function poolWindowEvaluator(
  pool: WorkerPool,
  bars: Bars,
  datasetKey: string,
  strategy: StrategySpec,
  config: BacktestConfig,
  signal?: AbortLike | null,
): WindowEvaluator {
  return (_windowBars, combos, range, onProgress) =>
    pool.sweep(bars, datasetKey, strategy, config, combos, { range, onProgress, signal });
}
