import type { ExitRules, SizeRule } from '../backtest/types.js';
import { findIndicator, indicatorParamProblems } from '../indicators/index.js';
import { isGroup, type Condition, type ConditionGroup, type Operand, type RuleSet } from './spec.js';

export interface RuleProblem {
  /** Where in the rule set, e.g. `entry.items[0].left.params.period`. */
  path: string;
  message: string;
}

const PRICE_FIELDS = ['open', 'high', 'low', 'close', 'volume'];
const COMPARISONS = ['>', '<', '>=', '<=', 'crosses-above', 'crosses-below'];
/** Take-profit above 1,000 % is a typing slip (percent entered as a fraction), not a plan. */
const MAX_TAKE_PROFIT = 10;

function finite(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function operandProblems(o: Operand, path: string): RuleProblem[] {
  if (o === null || typeof o !== 'object')
    return [{ path, message: 'missing value: choose a price, a number or an indicator' }];
  switch (o.kind) {
    case 'price':
      return PRICE_FIELDS.includes(o.field)
        ? []
        : [
            {
              path: `${path}.field`,
              message: `unknown price "${String(o.field)}": use one of ${PRICE_FIELDS.join(', ')}`,
            },
          ];
    case 'value':
      return finite(o.value)
        ? []
        : [{ path: `${path}.value`, message: `the number must be finite, got ${String(o.value)}` }];
    case 'indicator': {
      const info = findIndicator(o.name);
      if (!info)
        return [
          {
            path: `${path}.name`,
            message: `unknown indicator "${String(o.name)}": pick one from the indicator list`,
          },
        ];
      const problems = indicatorParamProblems(o.name, o.params ?? {}).map((message) => ({
        path: `${path}.params`,
        message,
      }));
      const output = o.output ?? (info.outputs.length === 1 ? info.outputs[0] : undefined);
      if (output === undefined)
        problems.push({
          path: `${path}.output`,
          message: `${o.name} has several outputs: choose one of ${info.outputs.join(', ')}`,
        });
      else if (!info.outputs.includes(output))
        problems.push({
          path: `${path}.output`,
          message: `${o.name} has no output "${output}": choose one of ${info.outputs.join(', ')}`,
        });
      return problems;
    }
    default:
      return [
        {
          path: `${path}.kind`,
          message: `unknown operand kind ${JSON.stringify((o as { kind: unknown }).kind)}: use price, value or indicator`,
        },
      ];
  }
}

function conditionProblems(c: Condition, path: string): RuleProblem[] {
  const problems = [...operandProblems(c.left, `${path}.left`), ...operandProblems(c.right, `${path}.right`)];
  if (!COMPARISONS.includes(c.op))
    problems.push({
      path: `${path}.op`,
      message: `unknown comparison "${String(c.op)}": use one of ${COMPARISONS.join(', ')}`,
    });
  return problems;
}

function groupProblems(g: ConditionGroup, path: string, label: string, mayBeEmpty: boolean): RuleProblem[] {
  if (g === null || typeof g !== 'object' || !Array.isArray(g.items))
    return [
      { path, message: `the ${label} is missing: give it a join ('and' or 'or') and a list of conditions` },
    ];
  const problems: RuleProblem[] = [];
  if (g.join !== 'and' && g.join !== 'or')
    problems.push({
      path: `${path}.join`,
      message: `join must be 'and' or 'or', got ${JSON.stringify(g.join)}`,
    });
  if (g.items.length === 0 && !mayBeEmpty)
    problems.push({
      path: `${path}.items`,
      message: `the ${label} has no conditions: add at least one (e.g. close crosses above SMA 50) or remove it`,
    });
  g.items.forEach((item, k) => {
    const at = `${path}.items[${k}]`;
    if (item === null || typeof item !== 'object')
      problems.push({ path: at, message: 'missing condition: add one or remove the line' });
    else if (isGroup(item)) problems.push(...groupProblems(item, at, 'group', false));
    else problems.push(...conditionProblems(item, at));
  });
  return problems;
}

/** Problems of exit rules: each null or a fraction in range. */
export function exitRulesProblems(exits: ExitRules, path: string): RuleProblem[] {
  if (exits === null || typeof exits !== 'object')
    return [
      { path, message: 'exit rules are missing: give stopLoss, takeProfit and trailing (null for none)' },
    ];
  const problems: RuleProblem[] = [];
  const fraction = (key: 'stopLoss' | 'trailing', label: string) => {
    const v = exits[key];
    if (v !== null && !(finite(v) && v > 0 && v < 1))
      problems.push({
        path: `${path}.${key}`,
        message: `${label} must be a fraction above 0 and below 1 (0.05 is 5 %), or none; got ${String(v)}`,
      });
  };
  fraction('stopLoss', 'stop-loss');
  fraction('trailing', 'trailing stop');
  const tp = exits.takeProfit;
  if (tp !== null && !(finite(tp) && tp > 0 && tp <= MAX_TAKE_PROFIT))
    problems.push({
      path: `${path}.takeProfit`,
      message: `take-profit must be a fraction above 0 and at most ${MAX_TAKE_PROFIT} (0.1 is 10 %), or none; got ${String(tp)}`,
    });
  return problems;
}

/** Problems of a size rule: an equity share in (0, 1], or a positive cash or units amount. */
export function sizeRuleProblems(size: SizeRule, path: string): RuleProblem[] {
  if (size === null || typeof size !== 'object')
    return [{ path, message: "the size is missing: e.g. { kind: 'equity-fraction', fraction: 1 }" }];
  if (size.kind === 'equity-fraction')
    return finite(size.fraction) && size.fraction > 0 && size.fraction <= 1
      ? []
      : [
          {
            path: `${path}.fraction`,
            message: `the share of equity must be above 0 and at most 1 (0.5 is half), got ${String(size.fraction)}`,
          },
        ];
  if (size.kind === 'cash' || size.kind === 'units')
    return finite(size.amount) && size.amount > 0
      ? []
      : [
          {
            path: `${path}.amount`,
            message: `the ${size.kind} amount must be a positive number, got ${String(size.amount)}`,
          },
        ];
  return [
    {
      path: `${path}.kind`,
      message: `unknown size kind ${JSON.stringify((size as { kind: unknown }).kind)}: use equity-fraction, cash or units`,
    },
  ];
}

/**
 * Everything wrong with a rule set, each with where it is and how to fix it; empty when it can run.
 * The entry needs at least one condition; an empty exit group is allowed (the position then leaves
 * only by the exit rules).
 */
export function validateRuleSet(rules: RuleSet): RuleProblem[] {
  if (rules === null || typeof rules !== 'object')
    return [
      {
        path: 'rules',
        message: 'the rule set is missing: give it an entry group, an exit group, exits and a size',
      },
    ];
  const problems: RuleProblem[] = [];
  if (typeof rules.name !== 'string')
    problems.push({ path: 'name', message: 'the rule set needs a name (text)' });
  problems.push(...groupProblems(rules.entry, 'entry', 'entry group', false));
  problems.push(...groupProblems(rules.exit, 'exit', 'exit group', true));
  problems.push(...exitRulesProblems(rules.exits, 'exits'));
  problems.push(...sizeRuleProblems(rules.size, 'size'));
  return problems;
}
