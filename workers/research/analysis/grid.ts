import type { SweepAxis, SweepEstimate } from '../api.js';
import { ResearchInputError } from '../backtest/errors.js';
import type { Bars, ParamSpec, Params } from '../backtest/types.js';

/** More combinations than this is a search too wide to read, and too slow to wait for. */
export const MAX_COMBINATIONS = 200_000;
/** Worst-case memory a sweep may plan for, across all its workers. */
export const MAX_SWEEP_BYTES = 1.5 * 1024 ** 3;
/** Float64 arrays one backtest keeps alive per bar (bars, equity, drawdown, position, indicators). */
const ARRAYS_PER_BAR = 12;
/** Memory of one finished cell (params, metrics, p-values) in a result. */
const BYTES_PER_CELL = 1024;

export interface GridAxisValues {
  param: string;
  values: number[];
}

export interface GridExpansion {
  /** Every combination that passed the strategy's checks, first axis outermost. */
  combos: Params[];
  /** Combinations dropped because the strategy refuses them (sma-cross: fast not below slow). */
  skipped: number;
  /** Why the first skipped combination was refused, to show next to the count. */
  skippedReason: string | null;
  /** Each axis with its values, in the order given (a heat map's rows and columns). */
  axes: GridAxisValues[];
}

/** Checks between params a ParamSpec cannot express; each problem a sentence, none when fine. */
export type ParamsValidator = (params: Params) => readonly string[];

const fmt = (v: number) => String(Number(v.toPrecision(12)));

/** The values an axis names, checked against its ParamSpec. */
function axisValues(axis: SweepAxis, spec: ParamSpec, at: number): number[] {
  const field = `axes[${at}]`;
  const where = `sweep axis ${axis.param}`;
  let values: number[];
  if ('values' in axis) {
    if (!Array.isArray(axis.values) || axis.values.length === 0)
      throw new ResearchInputError(`${field}.values`, `${where} lists no values: give at least one`);
    values = axis.values.slice();
  } else {
    const { from, to, step } = axis;
    for (const [name, v] of [
      ['from', from],
      ['to', to],
      ['step', step],
    ] as const)
      if (!Number.isFinite(v))
        throw new ResearchInputError(`${field}.${name}`, `${where}: ${name} must be a number, got ${v}`);
    if (!(step > 0))
      throw new ResearchInputError(
        `${field}.step`,
        `${where}: step must be above 0, got ${step}; to go downwards, swap from and to`,
      );
    if (from > to)
      throw new ResearchInputError(`${field}.to`, `${where}: from ${from} is above to ${to}: swap them`);
    // Counted, not accumulated, so 0.1 steps do not drift; the small slack keeps `to` itself when
    // (to - from) / step is a whole number up to rounding.
    const count = Math.floor((to - from) / step + 1e-9) + 1;
    if (count > MAX_COMBINATIONS)
      throw new ResearchInputError(
        `${field}.step`,
        `${where} has ${count.toLocaleString('en')} values: use a larger step (at most ${MAX_COMBINATIONS.toLocaleString('en')} combinations in all)`,
      );
    values = Array.from({ length: count }, (_, k) => Number((from + k * step).toPrecision(12)));
  }
  for (const v of values) {
    if (!Number.isFinite(v))
      throw new ResearchInputError(`${field}.values`, `${where}: ${v} is not a number`);
    if (spec.integer && !Number.isInteger(v))
      throw new ResearchInputError(
        `${field}`,
        `${where}: ${spec.label} takes whole numbers only, got ${fmt(v)}; use a whole step and start`,
      );
    if (v < spec.min || v > spec.max)
      throw new ResearchInputError(
        `${field}`,
        `${where}: ${fmt(v)} is outside ${spec.label}'s range ${spec.min} to ${spec.max}; keep the axis within it`,
      );
  }
  return [...new Set(values)];
}

/** Number of combinations the axes make, before any strategy check. */
export function countGrid(axes: readonly SweepAxis[], specs: readonly ParamSpec[]): number {
  return resolveAxes(axes, specs).reduce((n, a) => n * a.values.length, 1);
}

function resolveAxes(axes: readonly SweepAxis[], specs: readonly ParamSpec[]): GridAxisValues[] {
  if (axes.length === 0)
    throw new ResearchInputError('axes', 'a sweep needs at least one axis: pick a parameter to vary');
  const seen = new Set<string>();
  return axes.map((axis, at) => {
    const spec = specs.find((s) => s.name === axis.param);
    if (!spec) {
      const names = specs.map((s) => s.name).join(', ');
      throw new ResearchInputError(
        `axes[${at}].param`,
        specs.length === 0
          ? `"${axis.param}" cannot be swept: this strategy has no parameters`
          : `"${axis.param}" is not a parameter of this strategy; sweep one of: ${names}`,
      );
    }
    if (seen.has(axis.param))
      throw new ResearchInputError(
        `axes[${at}].param`,
        `${axis.param} has two sweep axes: merge them into one`,
      );
    seen.add(axis.param);
    return { param: axis.param, values: axisValues(axis, spec, at) };
  });
}

/**
 * Every combination of the axes' values over `base` (the strategy's other params), first axis outermost,
 * so cells fill a heat map row by row. Bad axes (unknown param, step <= 0, values outside a ParamSpec's
 * range, fractions for whole-number params) throw a ResearchInputError saying how to fix them; so does a
 * grid of more than MAX_COMBINATIONS. Combinations `validate` refuses are skipped and counted.
 */
export function expandGrid(
  axes: readonly SweepAxis[],
  base: Params,
  specs: readonly ParamSpec[],
  validate?: ParamsValidator,
): GridExpansion {
  const resolved = resolveAxes(axes, specs);
  const total = resolved.reduce((n, a) => n * a.values.length, 1);
  if (total > MAX_COMBINATIONS)
    throw new ResearchInputError(
      'axes',
      `the grid has ${total.toLocaleString('en')} combinations, more than the ${MAX_COMBINATIONS.toLocaleString('en')} a sweep runs: ${shrinkAdvice(resolved)}`,
    );
  const combos: Params[] = [];
  let skipped = 0;
  let skippedReason: string | null = null;
  const index = resolved.map(() => 0);
  for (let c = 0; c < total; c++) {
    const params: Record<string, number> = { ...base };
    resolved.forEach((axis, a) => (params[axis.param] = axis.values[index[a] as number] as number));
    const problems = validate ? validate(params) : [];
    if (problems.length === 0) combos.push(params);
    else {
      skipped++;
      skippedReason ??= problems[0] as string;
    }
    // Odometer: the last axis turns fastest.
    for (let a = resolved.length - 1; a >= 0; a--) {
      index[a] = (index[a] as number) + 1;
      if ((index[a] as number) < (resolved[a] as GridAxisValues).values.length) break;
      index[a] = 0;
    }
  }
  return { combos, skipped, skippedReason, axes: resolved };
}

function shrinkAdvice(axes: readonly GridAxisValues[]): string {
  const widest = axes.reduce((w, a) => (a.values.length > w.values.length ? a : w));
  return `use larger steps or fewer axes (${widest.param} alone has ${widest.values.length} values)`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
  return `${Math.ceil(bytes / 1024 ** 2)} MB`;
}

/**
 * Worst-case memory of a sweep before it starts: each worker holds the bars and a backtest's working set
 * (about 12 float64 arrays the length of the bars), and the result holds about 1 KB per combination.
 * Not ok above MAX_SWEEP_BYTES or MAX_COMBINATIONS, or with nothing to run; the message says how to fit.
 */
export function estimateSweep(
  combos: number | readonly Params[],
  bars: number | Bars,
  workers: number,
): SweepEstimate {
  const combinations = typeof combos === 'number' ? combos : combos.length;
  const barCount = typeof bars === 'number' ? bars : bars.time.length;
  const threads = Math.max(1, Math.floor(workers));
  const perWorker = barCount * 8 * ARRAYS_PER_BAR;
  const bytes = perWorker * threads + combinations * BYTES_PER_CELL;
  const result = (message: string | null): SweepEstimate => ({
    combinations,
    bytes,
    ok: message === null,
    message,
  });
  if (combinations === 0)
    return result(
      'the grid has no combinations to run: widen the axes or fix the combinations the strategy refuses',
    );
  if (combinations > MAX_COMBINATIONS)
    return result(
      `${combinations.toLocaleString('en')} combinations is more than the ${MAX_COMBINATIONS.toLocaleString('en')} a sweep runs: use larger steps or fewer axes`,
    );
  if (bytes > MAX_SWEEP_BYTES) {
    const fitWorkers = Math.floor((MAX_SWEEP_BYTES - combinations * BYTES_PER_CELL) / perWorker);
    const hint =
      fitWorkers >= 1 && fitWorkers < threads
        ? `use ${fitWorkers} worker${fitWorkers === 1 ? '' : 's'} instead of ${threads}, or a shorter date range`
        : 'use a shorter date range or fewer combinations';
    return result(
      `the sweep needs about ${formatBytes(bytes)} (${barCount.toLocaleString('en')} bars on ${threads} worker${threads === 1 ? '' : 's'}, ${combinations.toLocaleString('en')} combinations), more than the ${formatBytes(MAX_SWEEP_BYTES)} allowed: ${hint}`,
    );
  }
  return result(null);
}
