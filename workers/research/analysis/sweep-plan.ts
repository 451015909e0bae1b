import type { SweepAxis } from '../api.js';
import type { Params, Strategy } from '../backtest/types.js';
import { resolveStrategy } from '../strategies/registry.js';
import type { StrategySpec } from '../strategies/spec.js';
import { expandGrid, type GridExpansion } from './grid.js';

export interface SweepPlan extends GridExpansion {
  strategy: Strategy;
}

/**
 * The combinations a sweep of `spec` over `axes` runs: the spec is resolved first (so its fixed params
 * are checked and defaulted), each combination is the resolved params with the axes' values over them,
 * and combinations the strategy's own `validate` refuses are skipped and counted. Throws a
 * ResearchInputError for a bad spec or bad axes.
 */
export function planSweep(spec: StrategySpec, axes: readonly SweepAxis[]): SweepPlan {
  const { strategy, params } = resolveStrategy(spec);
  const validate = (p: Params) => strategy.validate?.(p) ?? [];
  return { ...expandGrid(axes, params, strategy.params, validate), strategy };
}
