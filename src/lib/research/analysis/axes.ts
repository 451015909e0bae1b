/**
 * The sweep axes editor's logic: what the form holds (text, as typed), the values an axis expands to,
 * how many backtests a grid means, and the `SweepAxis[]` the research worker is sent. The worker checks
 * the grid again; this gives the answer while the user types.
 */
import type { ParamSpec, SweepAxis } from '$workers/api';
import { parseNumberText } from '../number-text';

/** A sweep may vary at most this many params (a heat map shows two; a third is sliced). */
export const MAX_AXES = 3;

/** Values one axis may expand to; beyond this the grid is surely a typo (a step of 0.0001). */
export const MAX_AXIS_VALUES = 10_000;

/** Prefilled axes aim for about this many values, so the first sweep takes seconds, not hours. */
const PREFILL_VALUES = 10;

/** One axis as the form holds it: the field texts, so a half-typed number is not lost. */
export interface AxisDraft {
  param: string;
  from: string;
  to: string;
  step: string;
}

export type AxisField = 'param' | 'from' | 'to' | 'step';

export type AxisCheck =
  { ok: true; axis: SweepAxis; values: number[] } | { ok: false; field: AxisField; message: string };

function decimalsOf(x: number): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return 0;
  const text = String(x);
  const e = text.indexOf('e-');
  if (e >= 0) return Number(text.slice(e + 2)) + (text.slice(0, e).split('.')[1]?.length ?? 0);
  return text.split('.')[1]?.length ?? 0;
}

/** Number of values from `from` to `to` by `step`, tolerating float error at the end (0.1 steps). */
export function axisCount(from: number, to: number, step: number): number {
  if (!(step > 0) || !Number.isFinite(from) || !Number.isFinite(to) || to < from) return 0;
  return Math.floor((to - from) / step + 1e-9) + 1;
}

/** Every value of the axis, rounded to the decimals the user typed (so 0.1 + 0.2 shows as 0.3). */
export function axisValues(from: number, to: number, step: number): number[] {
  const n = axisCount(from, to, step);
  const d = Math.min(12, Math.max(decimalsOf(from), decimalsOf(step)));
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Number((from + i * step).toFixed(d)));
  return out;
}

/**
 * An axis prefilled from the param's spec: from half its default to twice it (within min..max), through
 * the default itself, at the spec's step widened by 1, 2, 5, 10... until at most ten values remain. The
 * whole min..max range is usually far too wide for a first look (a period from 2 to 2,000), and a
 * default of zero or below has no "half", so those fall back to the whole range.
 */
export function defaultAxis(spec: ParamSpec): AxisDraft {
  const base = spec.step > 0 ? spec.step : 1;
  const d = Math.min(spec.max, Math.max(spec.min, spec.default));
  let lo = d > 0 ? Math.max(spec.min, d / 2) : spec.min;
  let hi = d > 0 ? Math.min(spec.max, d * 2) : spec.max;
  if (!(hi > lo)) {
    lo = spec.min;
    hi = spec.max;
  }
  let step = base;
  widen: for (let mag = 1; mag <= 1e9; mag *= 10) {
    for (const m of [1, 2, 5]) {
      step = base * m * mag;
      if (axisCount(lo, hi, step) <= PREFILL_VALUES) break widen;
    }
  }
  const decimals = Math.min(12, Math.max(decimalsOf(base), decimalsOf(d)));
  const clean = (x: number) => Number(x.toFixed(decimals));
  // Whole steps either side of the default, so the default is one of the values.
  const from = clean(d - Math.floor((d - lo) / step + 1e-9) * step);
  const to = clean(d + Math.floor((hi - d) / step + 1e-9) * step);
  return { param: spec.name, from: String(from), to: String(to), step: String(clean(step)) };
}

/** The first params not already used by an axis, in the strategy's order; null when all are taken. */
export function nextFreeParam(specs: readonly ParamSpec[], axes: readonly AxisDraft[]): ParamSpec | null {
  const used = new Set(axes.map((a) => a.param));
  return specs.find((s) => !used.has(s.name)) ?? null;
}

/** Axes for the first two params (a heat map's worth), or one when the strategy has one param. */
export function defaultAxes(specs: readonly ParamSpec[]): AxisDraft[] {
  return specs.slice(0, 2).map(defaultAxis);
}

/** One axis checked against its param's spec: the values, or the field that is wrong and how to fix it. */
export function checkAxis(draft: AxisDraft, specs: readonly ParamSpec[]): AxisCheck {
  const spec = specs.find((s) => s.name === draft.param);
  if (!spec)
    return {
      ok: false,
      field: 'param',
      message: `"${draft.param}" is not a parameter of this strategy; pick one from the list.`,
    };
  const from = parseNumberText(draft.from);
  const to = parseNumberText(draft.to);
  const step = parseNumberText(draft.step);
  if (from === null) return { ok: false, field: 'from', message: 'Enter a number to start from.' };
  if (to === null) return { ok: false, field: 'to', message: 'Enter a number to end at.' };
  if (step === null) return { ok: false, field: 'step', message: 'Enter a step, e.g. 1.' };
  if (step <= 0) return { ok: false, field: 'step', message: 'The step must be above 0.' };
  if (from < spec.min || from > spec.max)
    return { ok: false, field: 'from', message: `${spec.label} must be from ${spec.min} to ${spec.max}.` };
  if (to < spec.min || to > spec.max)
    return { ok: false, field: 'to', message: `${spec.label} must be from ${spec.min} to ${spec.max}.` };
  if (to < from)
    return { ok: false, field: 'to', message: `End at ${from} or more (the start), or swap the two.` };
  if (spec.integer) {
    if (!Number.isInteger(from))
      return { ok: false, field: 'from', message: `${spec.label} takes whole numbers only.` };
    if (!Number.isInteger(to))
      return { ok: false, field: 'to', message: `${spec.label} takes whole numbers only.` };
    if (!Number.isInteger(step))
      return { ok: false, field: 'step', message: `${spec.label} takes whole numbers: use a whole step.` };
  }
  const n = axisCount(from, to, step);
  if (n > MAX_AXIS_VALUES)
    return {
      ok: false,
      field: 'step',
      message: `That is ${n.toLocaleString('en-US')} values; use a larger step (at most ${MAX_AXIS_VALUES.toLocaleString('en-US')}).`,
    };
  return { ok: true, axis: { param: spec.name, from, to, step }, values: axisValues(from, to, step) };
}

export interface GridCheck {
  /** Per draft, in order. */
  checks: AxisCheck[];
  /** Set when every axis is valid and no param repeats. */
  axes: SweepAxis[] | null;
  /** Backtests the grid asks for (before the strategy drops invalid combinations); null while invalid. */
  combinations: number | null;
  /** A problem with the grid as a whole (none, too many, a repeated param). */
  message: string | null;
}

/** All axes: each checked, the combination count, and the request's axes once everything is valid. */
export function checkGrid(drafts: readonly AxisDraft[], specs: readonly ParamSpec[]): GridCheck {
  const checks = drafts.map((d) => checkAxis(d, specs));
  if (drafts.length === 0)
    return { checks, axes: null, combinations: null, message: 'Add at least one parameter to vary.' };
  if (drafts.length > MAX_AXES)
    return { checks, axes: null, combinations: null, message: `Vary at most ${MAX_AXES} parameters.` };
  const seen = new Set<string>();
  for (const d of drafts) {
    if (seen.has(d.param))
      return {
        checks,
        axes: null,
        combinations: null,
        message: `${d.param} is on two axes; pick a different parameter for one of them.`,
      };
    seen.add(d.param);
  }
  let combinations = 1;
  const axes: SweepAxis[] = [];
  for (const c of checks) {
    if (!c.ok) return { checks, axes: null, combinations: null, message: null };
    combinations *= c.values.length;
    axes.push(c.axis);
  }
  return { checks, axes, combinations, message: null };
}
