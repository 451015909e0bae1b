import { lookaheadCheck } from '../analysis/lookahead.js';
import { monteCarlo } from '../analysis/monte-carlo.js';
import { sweepCells } from '../analysis/sweep-cells.js';
import type { LookaheadResult, MonteCarloResult } from '../api.js';
import { runBacktest } from '../backtest/engine.js';
import { ResearchInputError } from '../backtest/errors.js';
import type { BacktestConfig, BacktestMetrics, BacktestResult, Bars, Params } from '../backtest/types.js';
import { sliceBars } from '../data/bars.js';
import { resolveStrategy } from '../strategies/registry.js';
import type { StrategySpec } from '../strategies/spec.js';

/**
 * The work a pool worker can do, as plain data: tasks cross a worker boundary by structured clone, so
 * they carry a strategy spec (not a Strategy) and name the bars by the key they were loaded under.
 */

/** Bars [from, to) of the loaded dataset; omitted: all of it. */
export interface BarRange {
  from: number;
  to: number;
}

/** Moments of a run's bar returns: what a sweep's p-values and deflated Sharpe are computed from. */
export interface ReturnStats {
  /** Number of bar returns. */
  n: number;
  mean: number;
  /** Sample sd (divisor n - 1). */
  sd: number;
  skewness: number;
  /** Plain (not excess) kurtosis: 3 for normal returns. */
  kurtosis: number;
}

/** A sweep cell as a worker computes it; `finishSweep` adds the score and the p-value adjustments. */
export interface SweepCellDraft {
  params: Params;
  metrics: BacktestMetrics;
  /** One-sided p-value that the mean bar return is above zero. */
  pValue: number;
  returns: ReturnStats;
  /** The strategy threw on some bar: its message (the metrics cover the bars before). */
  error: string | null;
}

interface TaskBase {
  /** Key the bars were loaded under with `PoolWorker.load`. */
  datasetKey: string;
  range?: BarRange | null;
  strategy: StrategySpec;
  config: BacktestConfig;
}

export type PoolTask =
  | (TaskBase & {
      kind: 'sweep';
      /** Param overrides, one backtest each, applied over `strategy`'s params. */
      combos: Params[];
    })
  | (TaskBase & { kind: 'backtest' })
  | (TaskBase & {
      kind: 'monte-carlo';
      runs: number;
      method: 'trades' | 'bars';
      seed: number;
    })
  | (TaskBase & { kind: 'lookahead'; checkpoints?: number });

export type PoolTaskResult =
  | { kind: 'sweep'; cells: SweepCellDraft[] }
  | { kind: 'backtest'; result: BacktestResult }
  | { kind: 'monte-carlo'; result: MonteCarloResult }
  | { kind: 'lookahead'; result: LookaheadResult };

export interface TaskHooks {
  onProgress?(done: number, total: number): void;
  /** Polled between steps; true stops the task with a CancelledError. */
  shouldStop?(): boolean;
}

/** How many units of progress a task reports in all (for aggregating several tasks' progress). */
export function taskSize(task: PoolTask): number {
  return task.kind === 'sweep' ? task.combos.length : 1;
}

function barsOf(task: PoolTask, bars: Bars): Bars {
  const range = task.range;
  if (!range) return bars;
  const n = bars.time.length;
  if (
    !Number.isInteger(range.from) ||
    !Number.isInteger(range.to) ||
    range.from < 0 ||
    range.to > n ||
    range.from >= range.to
  )
    throw new ResearchInputError(
      'range',
      `bar range [${range.from}, ${range.to}) does not fit the ${n} bars loaded as ${task.datasetKey}: give 0 <= from < to <= ${n}`,
    );
  return range.from === 0 && range.to === n ? bars : sliceBars(bars, range.from, range.to);
}

/**
 * Runs one task on the bars it names (already loaded by the caller), in this thread: what a pool worker
 * does with each message, and what the service does when there is no pool. Pure: the same task on the
 * same bars gives the same result. Progress goes to `hooks.onProgress`; `hooks.shouldStop` stops the
 * task with a CancelledError at the next check.
 */
export function runTask(task: PoolTask, bars: Bars, hooks: TaskHooks = {}): PoolTaskResult {
  const data = barsOf(task, bars);
  switch (task.kind) {
    case 'sweep':
      return { kind: 'sweep', cells: sweepCells(data, task.strategy, task.config, task.combos, hooks) };
    case 'backtest': {
      const { strategy, params } = resolveStrategy(task.strategy);
      const result = runBacktest(data, strategy, params, task.config, { ...hooks, overlays: true });
      // The engine's time column is the bars' own; the result is transferred, which would empty it.
      result.time = result.time.slice();
      return { kind: 'backtest', result };
    }
    case 'monte-carlo': {
      const { strategy, params } = resolveStrategy(task.strategy);
      const backtest = runBacktest(data, strategy, params, task.config, { shouldStop: hooks.shouldStop });
      const result = monteCarlo(backtest, {
        runs: task.runs,
        method: task.method,
        seed: task.seed,
        onProgress: hooks.onProgress,
        shouldStop: hooks.shouldStop,
      });
      return { kind: 'monte-carlo', result };
    }
    case 'lookahead': {
      const { strategy, params } = resolveStrategy(task.strategy);
      const result = lookaheadCheck(data, strategy, params, task.config, {
        checkpoints: task.checkpoints,
        onProgress: hooks.onProgress,
        shouldStop: hooks.shouldStop,
      });
      return { kind: 'lookahead', result };
    }
    default:
      throw new ResearchInputError(
        'task.kind',
        `unknown pool task kind '${String((task as { kind: unknown }).kind)}': use sweep, backtest, monte-carlo or lookahead`,
      );
  }
}
