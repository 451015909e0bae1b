import type { ExitRules, Params, SizeRule } from '../backtest/types.js';

/**
 * Strategies as data, so they can cross a worker boundary, be stored with a live run and be exported:
 * a built-in TypeScript strategy by id, or a rule set from the rule builder. `resolveStrategy` (in
 * `./registry.ts`) turns either into a `Strategy`.
 */
export type StrategySpec =
  | { kind: 'builtin'; id: string; params: Params; exits?: Partial<ExitRules>; size?: SizeRule }
  | { kind: 'rules'; rules: RuleSet };

/** A price column of the bars. */
export type PriceField = 'open' | 'high' | 'low' | 'close' | 'volume';

/**
 * A value on each bar: a price, a constant, or one output of an indicator (by the name the indicator
 * catalogue lists, e.g. `sma` with { period: 20 }, `macd` output `signal`).
 */
export type Operand =
  | { kind: 'price'; field: PriceField }
  | { kind: 'value'; value: number }
  | {
      kind: 'indicator';
      name: string;
      params: Readonly<Record<string, number>>;
      /** Which output for indicators with several (macd: macd | signal | hist; bbands: lower | middle | upper | pctB; stoch: k | d; donchian: lower | middle | upper). */
      output?: string;
    };

export type Comparison = '>' | '<' | '>=' | '<=' | 'crosses-above' | 'crosses-below';

export interface Condition {
  left: Operand;
  op: Comparison;
  right: Operand;
}

/** Conditions joined by one connective; a group may nest groups. */
export interface ConditionGroup {
  join: 'and' | 'or';
  items: Array<Condition | ConditionGroup>;
}

export interface RuleSet {
  name: string;
  /** Enter (buy, when flat) when this holds at a bar's close. */
  entry: ConditionGroup;
  /** Exit (sell all, when long) when this holds. An empty group never exits by rule. */
  exit: ConditionGroup;
  exits: ExitRules;
  size: SizeRule;
}

export function isGroup(x: Condition | ConditionGroup): x is ConditionGroup {
  return 'join' in x;
}
