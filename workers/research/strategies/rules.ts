import type { Bars, Strategy } from '../backtest/types.js';
import { computeIndicator, findIndicator } from '../indicators/index.js';
import {
  groupSeries,
  indicatorOperands,
  operandLabel,
  operandSeries,
  usesCrosses,
  type SeriesCache,
} from './rule-series.js';
import type { Operand, RuleSet } from './spec.js';

export { validateRuleSet, type RuleProblem } from './validate-rules.js';

/** Bars sure to be enough for any catalogue indicator to warm up, for params summing to `paramSum`. */
function syntheticBars(paramSum: number): Bars {
  const n = 2 * paramSum + 16;
  const close = new Float64Array(n);
  // A zigzag with a drift: moves both ways (RSI, stochastic need them) and never flat.
  for (let i = 0; i < n; i++) close[i] = 100 + i * 0.1 + (i % 3 === 0 ? 1 : -0.5);
  const high = close.map((c) => c * 1.01);
  const low = close.map((c) => c * 0.99);
  return {
    time: Float64Array.from({ length: n }, (_, i) => i * 86_400_000),
    open: close.slice(),
    high,
    low,
    close,
    volume: new Float64Array(n).fill(1000),
    closeOnly: false,
  };
}

/** Index of the first bar on which the indicator operand has a value. */
function firstDefined(o: Extract<Operand, { kind: 'indicator' }>): number {
  const info = findIndicator(o.name);
  const params = o.params ?? {};
  const sum = (info?.params ?? []).reduce((s, p) => s + Math.abs(params[p.name] ?? p.default), 0);
  const bars = syntheticBars(Math.ceil(sum));
  const outputs = computeIndicator(o.name, bars, params);
  const series = outputs[o.output ?? info?.outputs[0] ?? 'value'] ?? new Float64Array(0);
  for (let i = 0; i < series.length; i++) if (!Number.isNaN(series[i])) return i;
  return series.length;
}

/**
 * Index of the first bar on which the rule set can enter: the latest first value of its indicators, one
 * more when it looks for a cross (which compares with the bar before).
 */
function ruleSetWarmup(rules: RuleSet): number {
  const operands = [...indicatorOperands(rules.entry), ...indicatorOperands(rules.exit)];
  let warmup = 0;
  for (const o of operands) warmup = Math.max(warmup, firstDefined(o));
  return warmup + (usesCrosses(rules.entry) || usesCrosses(rules.exit) ? 1 : 0);
}

/**
 * A rule set from the rule builder as a Strategy. `prepare` computes every operand vectorised (each
 * indicator once) and folds the conditions into one 0/1 series for the entry group and one for the exit
 * group, each value depending only on bars up to its own; `onBar` then buys when flat and the entry
 * holds, and exits when long and the exit holds. Size and exit rules come from the rule set. Validate
 * with `validateRuleSet` first: this assumes a valid rule set.
 */
export function compileRuleSet(rules: RuleSet): Strategy {
  let warmup: number | null = null;
  return {
    id: 'rules',
    name: rules.name.trim() || 'Rule set',
    description:
      'A rule set from the rule builder: enter when the entry conditions hold, exit when the exit ones do.',
    params: [],
    warmup: () => (warmup ??= ruleSetWarmup(rules)),
    defaultSize: rules.size,
    exits: rules.exits,
    prepare(bars) {
      const cache: SeriesCache = new Map();
      const entry = groupSeries(rules.entry, bars, cache, 'entry');
      const exit = rules.exit.items.length === 0 ? null : groupSeries(rules.exit, bars, cache, 'exit');
      const overlays: Record<string, Float64Array> = {};
      for (const o of [...indicatorOperands(rules.entry), ...indicatorOperands(rules.exit)])
        if (findIndicator(o.name)?.placement === 'overlay')
          overlays[operandLabel(o)] = operandSeries(o, bars, cache, 'overlay');
      return {
        onBar(ctx) {
          const i = ctx.i;
          if (ctx.position === 0) {
            if (entry[i] === 1) ctx.buy();
          } else if (exit !== null && exit[i] === 1) ctx.exit();
        },
        overlays,
      };
    },
  };
}
