import type { Objective, SweepAxis } from '../../workers/research/api.js';
import type { BacktestConfig, Execution, Params } from '../../workers/research/backtest/types.js';
import { strategyCatalogue } from '../../workers/research/strategies/registry.js';
import { numberFlag } from '../args.js';
import { UsageError } from '../io.js';

export const OBJECTIVES: readonly Objective[] = ['sharpe', 'total_return', 'cagr', 'calmar', 'sortino'];
const EXECUTIONS: readonly Execution[] = ['close', 'next-open'];

const baseFlags = {
  csv: { type: 'string' },
  column: { type: 'string' },
  'fix-order': { type: 'boolean' },
  strategy: { type: 'string' },
  fee: { type: 'string' },
  'slippage-bps': { type: 'string' },
  execution: { type: 'string' },
  capital: { type: 'string' },
  'periods-per-year': { type: 'string' },
  sweep: { type: 'string' },
  'sweep-axes': { type: 'string' },
  objective: { type: 'string' },
  workers: { type: 'string' },
  'walk-forward': { type: 'boolean' },
  'in-sample': { type: 'string' },
  'out-of-sample': { type: 'string' },
  anchored: { type: 'boolean' },
  'monte-carlo': { type: 'string' },
  method: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Every built-in strategy's param names, each a `--name V` flag (checked against the chosen strategy). */
export function paramFlagNames(): string[] {
  const names = new Set<string>();
  for (const s of strategyCatalogue())
    for (const p of s.params) if (!(p.name in baseFlags)) names.add(p.name);
  return [...names];
}

export function backtestFlags() {
  const params = Object.fromEntries(paramFlagNames().map((n) => [n, { type: 'string' as const }]));
  return { ...baseFlags, ...params };
}

export type BacktestFlagValues = Record<string, string | boolean | undefined>;

function text(v: BacktestFlagValues, name: string): string | undefined {
  const x = v[name];
  return typeof x === 'string' ? x : undefined;
}

/** The chosen strategy's params from its flags; a flag of another strategy is refused by name. */
export function paramsFromFlags(v: BacktestFlagValues, strategyId: string): Params {
  const catalogue = strategyCatalogue();
  const info = catalogue.find((s) => s.id === strategyId);
  if (!info)
    throw new UsageError(
      `unknown strategy "${strategyId}": choose one of ${catalogue.map((s) => s.id).join(', ')}`,
    );
  const own = new Set(info.params.map((p) => p.name));
  const params: Record<string, number> = {};
  for (const name of paramFlagNames()) {
    const raw = text(v, name);
    if (raw === undefined) continue;
    if (!own.has(name))
      throw new UsageError(
        `--${name} is not a parameter of ${strategyId}; its parameters are ${info.params.map((p) => `--${p.name}`).join(', ')}`,
      );
    params[name] = numberFlag(name, raw, NaN);
  }
  return params;
}

export function configFromFlags(v: BacktestFlagValues): BacktestConfig {
  const execution = text(v, 'execution') ?? 'close';
  if (!EXECUTIONS.includes(execution as Execution))
    throw new UsageError(`--execution must be close or next-open, got "${execution}"`);
  const bps = numberFlag('slippage-bps', text(v, 'slippage-bps'), 0, { min: 0, max: 1000 });
  const ppy = text(v, 'periods-per-year');
  return {
    capital: numberFlag('capital', text(v, 'capital'), 10_000, { min: 0, exclusiveMin: true }),
    fee: numberFlag('fee', text(v, 'fee'), 0.001, { min: 0, max: 0.1, exclusiveMax: true }),
    slippage: bps === 0 ? { model: 'none' } : { model: 'bps', bps },
    execution: execution as Execution,
    periodsPerYear:
      ppy === undefined ? null : numberFlag('periods-per-year', ppy, 252, { min: 0, exclusiveMin: true }),
  };
}

/**
 * A sweep spec: comma-separated axes, each `param=from:to:step` or `param=value`, e.g.
 * `fast=5:30:5,slow=20:100:10`.
 */
export function parseSweepSpec(flag: string, spec: string): SweepAxis[] {
  const parts = spec
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0)
    throw new UsageError(`--${flag} is empty: give axes like fast=5:30:5,slow=20:100:10`);
  return parts.map((part) => {
    const m = /^([A-Za-z][\w-]*)=(.+)$/.exec(part);
    if (!m) throw new UsageError(`--${flag}: "${part}" is not param=from:to:step (e.g. fast=5:30:5)`);
    const [, param, range] = m as unknown as [string, string, string];
    const pieces = range.split(':').map((x) => x.trim());
    const numbers = pieces.map(Number);
    if (pieces.some((x) => x === '') || numbers.some((x) => !Number.isFinite(x)))
      throw new UsageError(`--${flag}: "${part}" has a value that is not a number`);
    if (numbers.length === 1) return { param, values: numbers };
    if (numbers.length === 3) {
      const [from, to, step] = numbers as [number, number, number];
      return { param, from, to, step };
    }
    throw new UsageError(
      `--${flag}: "${part}" needs from:to:step (e.g. ${param}=5:30:5) or a single value (${param}=10)`,
    );
  });
}

export function objectiveFlag(raw: string | undefined): Objective {
  const objective = raw ?? 'sharpe';
  if (!OBJECTIVES.includes(objective as Objective))
    throw new UsageError(`--objective must be one of ${OBJECTIVES.join(', ')}, got "${objective}"`);
  return objective as Objective;
}
