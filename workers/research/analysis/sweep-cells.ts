import { CancelledError, ResearchInputError } from '../backtest/errors.js';
import { runBacktest } from '../backtest/engine.js';
import type { BacktestConfig, BacktestResult, Bars, Params } from '../backtest/types.js';
import type { SweepCellDraft, TaskHooks } from '../pool/tasks.js';
import { resolveStrategy } from '../strategies/registry.js';
import type { StrategySpec } from '../strategies/spec.js';
import { returnStats } from './return-stats.js';
import { meanReturnPValue } from './significance.js';

/** The spec with `combo` over its params (built-ins only: a rule set has no params to vary). */
export function withParams(spec: StrategySpec, combo: Params): StrategySpec {
  if (spec.kind === 'builtin') return { ...spec, params: { ...spec.params, ...combo } };
  const names = Object.keys(combo);
  if (names.length > 0)
    throw new ResearchInputError(
      'axes',
      `a rule set has no parameters to sweep (asked for ${names.join(', ')}): sweep a built-in strategy, or edit the rule's numbers`,
    );
  return spec;
}

/**
 * The cell a backtest of `params` makes, before the sweep adds its score and p-value adjustments. A run
 * the strategy broke off with an error has no p-value (NaN), so the corrections leave it out of the
 * number of tests: its partial curve is not a test of the combination.
 */
export function sweepCellOf(params: Params, result: BacktestResult): SweepCellDraft {
  const returns = returnStats(result.equity);
  return {
    params,
    metrics: result.metrics,
    pValue: result.error ? NaN : meanReturnPValue(returns.mean, returns.sd, returns.n),
    returns,
    error: result.error ? `bar ${result.error.i}: ${result.error.message}` : null,
  };
}

/**
 * Backtests each combo in turn in this thread and returns the cells in order. Progress after each
 * combo; `shouldStop` is polled between combos and inside long backtests.
 */
export function sweepCells(
  bars: Bars,
  spec: StrategySpec,
  config: BacktestConfig,
  combos: readonly Params[],
  hooks: TaskHooks = {},
): SweepCellDraft[] {
  const cells: SweepCellDraft[] = [];
  const shouldStop = hooks.shouldStop;
  // A cell reads its run's equity before the next run starts: one curve's memory serves every run.
  const equityInto = new Float64Array(bars.time.length);
  for (let c = 0; c < combos.length; c++) {
    if (shouldStop?.()) throw new CancelledError();
    const { strategy, params } = resolveStrategy(withParams(spec, combos[c] as Params));
    const result = runBacktest(bars, strategy, params, config, { shouldStop, equityInto });
    cells.push(sweepCellOf(params, result));
    hooks.onProgress?.(c + 1, combos.length);
  }
  return cells;
}
