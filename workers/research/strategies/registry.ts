import type { StrategyInfo } from '../api.js';
import { ResearchInputError } from '../backtest/errors.js';
import type { ExitRules, Params, SizeRule, Strategy } from '../backtest/types.js';
import { donchianBreakout } from './donchian-breakout.js';
import { resolveParams } from './params.js';
import { rsiReversion } from './rsi-reversion.js';
import { compileRuleSet, validateRuleSet } from './rules.js';
import { smaCross } from './sma-cross.js';
import type { StrategySpec } from './spec.js';
import { exitRulesProblems, sizeRuleProblems } from './validate-rules.js';

const builtins: readonly Strategy[] = [smaCross, rsiReversion, donchianBreakout];

/** The built-in strategies, as the strategy picker lists them: plain data, safe to send between workers. */
export function strategyCatalogue(): StrategyInfo[] {
  return builtins.map((s) => ({
    id: s.id,
    name: s.name,
    description: s.description,
    params: s.params.map((p) => ({ ...p })),
  }));
}

/** The built-in strategy `id`, or undefined. */
export function findBuiltinStrategy(id: string): Strategy | undefined {
  return builtins.find((s) => s.id === id);
}

function refuse(problems: { path: string; message: string }[]): never {
  const first = problems[0]!;
  const more =
    problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  throw new ResearchInputError(first.path, `${first.message}${more}`);
}

/**
 * Turns a spec into a strategy and the params to run it with. Built-ins: params checked against their
 * ParamSpecs (missing ones take their defaults) and the strategy's own checks; `exits` and `size`
 * replace the built-in's. Rule sets: checked by `validateRuleSet`, then compiled. Throws a
 * ResearchInputError naming the field and how to fix it.
 */
export function resolveStrategy(spec: StrategySpec): { strategy: Strategy; params: Params } {
  if (spec === null || typeof spec !== 'object')
    throw new ResearchInputError(
      'strategy',
      "no strategy given: pass { kind: 'builtin', id, params } or a rule set",
    );
  if (spec.kind === 'rules') {
    const problems = validateRuleSet(spec.rules);
    if (problems.length > 0) refuse(problems);
    return { strategy: compileRuleSet(spec.rules), params: {} };
  }
  if (spec.kind !== 'builtin')
    throw new ResearchInputError(
      'strategy.kind',
      `unknown strategy kind ${JSON.stringify((spec as { kind: unknown }).kind)}: use 'builtin' or 'rules'`,
    );
  const base = findBuiltinStrategy(spec.id);
  if (!base)
    throw new ResearchInputError(
      'strategy.id',
      `unknown strategy "${spec.id}": choose one of ${builtins.map((s) => s.id).join(', ')}`,
    );
  const params = resolveParams(base, spec.params ?? {});
  if (spec.exits === undefined && spec.size === undefined) return { strategy: base, params };

  const exits: ExitRules = { ...base.exits, ...spec.exits };
  const size: SizeRule = spec.size ?? base.defaultSize;
  const problems = [
    ...exitRulesProblems(exits, 'strategy.exits'),
    ...sizeRuleProblems(size, 'strategy.size'),
  ];
  if (problems.length > 0) refuse(problems);
  return { strategy: { ...base, exits, defaultSize: size }, params };
}
