/**
 * The rule builder's state and its conversion to a RuleSet (workers/research/strategies/spec.ts). The
 * form keeps what the person typed as text; `ruleSetFromDraft` parses it once and returns every problem
 * with the path of the field it belongs to, so each message can sit next to its field. Percent fields
 * (stops, share of equity) become fractions here, the only place that converts them.
 */
import type {
  Comparison,
  ExitRules,
  Condition,
  ConditionGroup,
  IndicatorInfo,
  Operand,
  ParamSpec,
  PriceField,
  RuleSet,
  SizeRule,
} from '$workers/api';
import { numberText, parseNumberText, percentText } from './number-text';

export type OperandDraft =
  | { kind: 'price'; field: PriceField }
  | { kind: 'value'; value: string }
  | { kind: 'indicator'; name: string; params: Record<string, string>; output: string };

export interface ConditionDraft {
  /** Stable identity for the list and for error paths (indexes shift when a row is removed). */
  key: number;
  left: OperandDraft;
  op: Comparison;
  right: OperandDraft;
}

export interface GroupDraft {
  join: 'and' | 'or';
  conditions: ConditionDraft[];
}

/** Exits and size as typed: shared by the rule builder and a built-in strategy's overrides. */
export interface ExitsDraft {
  /** Percent text; empty: none. */
  stopLoss: string;
  takeProfit: string;
  trailing: string;
  /** `equity-fraction` is typed as percent of equity; cash in the quote currency; units of the base. */
  size: { kind: SizeRule['kind']; value: string };
}

export interface RuleDraft extends ExitsDraft {
  name: string;
  entry: GroupDraft;
  exit: GroupDraft;
}

export interface DraftError {
  /** `name`, `entry`, `entry.<key>.left.params.period`, `stopLoss`, `size`, ... */
  path: string;
  message: string;
}

export type DraftResult = { ok: true; rules: RuleSet } | { ok: false; errors: DraftError[] };

export const PRICE_FIELDS: readonly PriceField[] = ['open', 'high', 'low', 'close', 'volume'];

export const COMPARISONS: readonly { op: Comparison; label: string }[] = [
  { op: '>', label: 'is above (>)' },
  { op: '<', label: 'is below (<)' },
  { op: '>=', label: 'is at or above (>=)' },
  { op: '<=', label: 'is at or below (<=)' },
  { op: 'crosses-above', label: 'crosses above' },
  { op: 'crosses-below', label: 'crosses below' },
];

/** An indicator operand with its params at their defaults and its first output. */
export function indicatorOperand(info: IndicatorInfo): OperandDraft {
  return {
    kind: 'indicator',
    name: info.name,
    params: Object.fromEntries(info.params.map((p) => [p.name, numberText(p.default)])),
    output: info.outputs[0] ?? 'value',
  };
}

/** A fresh operand of a kind: the close, zero, or the first indicator offered. */
export function operandOfKind(
  kind: OperandDraft['kind'],
  indicators: readonly IndicatorInfo[],
): OperandDraft {
  if (kind === 'price') return { kind: 'price', field: 'close' };
  if (kind === 'value') return { kind: 'value', value: '0' };
  const first = indicators[0];
  return first ? indicatorOperand(first) : { kind: 'indicator', name: '', params: {}, output: 'value' };
}

/** The simplest useful row: the close crossing a moving average (or the first indicator offered). */
export function newCondition(
  key: number,
  indicators: readonly IndicatorInfo[],
  op: Comparison = 'crosses-above',
): ConditionDraft {
  const ma = indicators.find((i) => i.name === 'sma') ?? indicators[0];
  return {
    key,
    left: { kind: 'price', field: 'close' },
    op,
    right: ma ? indicatorOperand(ma) : { kind: 'value', value: '0' },
  };
}

/** A starting rule set: buy when the close crosses above the average, sell when it crosses below. */
export function defaultRuleDraft(indicators: readonly IndicatorInfo[], nextKey: () => number): RuleDraft {
  return {
    name: 'My rules',
    entry: { join: 'and', conditions: [newCondition(nextKey(), indicators, 'crosses-above')] },
    exit: { join: 'or', conditions: [newCondition(nextKey(), indicators, 'crosses-below')] },
    ...defaultExitsDraft(),
  };
}

function rangeText(spec: ParamSpec): string {
  return `${spec.integer ? 'a whole number' : 'a number'} from ${numberText(spec.min)} to ${numberText(spec.max)}`;
}

/** A param typed for a ParamSpec: the number, or why it cannot be used and what would. */
export function checkParam(spec: ParamSpec, text: string): { value: number } | { error: string } {
  const v = parseNumberText(text);
  if (v === null) return { error: `${spec.label}: type ${rangeText(spec)}.` };
  if (spec.integer && !Number.isInteger(v)) return { error: `${spec.label} must be ${rangeText(spec)}.` };
  if (v < spec.min || v > spec.max) return { error: `${spec.label} must be ${rangeText(spec)}.` };
  return { value: v };
}

interface Ctx {
  indicators: readonly IndicatorInfo[];
  closeOnly: boolean;
  errors: DraftError[];
}

function operandFrom(d: OperandDraft, path: string, ctx: Ctx): Operand | null {
  if (d.kind === 'price') {
    if (d.field === 'volume' && ctx.closeOnly)
      ctx.errors.push({
        path: `${path}.field`,
        message: 'This dataset has closes only, so its volume is 0 on every bar: compare the close instead.',
      });
    return { kind: 'price', field: d.field };
  }
  if (d.kind === 'value') {
    const v = parseNumberText(d.value);
    if (v === null) {
      ctx.errors.push({ path: `${path}.value`, message: 'Type a number, e.g. 30 or 0.5.' });
      return null;
    }
    return { kind: 'value', value: v };
  }
  const info = ctx.indicators.find((i) => i.name === d.name);
  if (!info) {
    ctx.errors.push({
      path: `${path}.name`,
      message: d.name ? `There is no indicator "${d.name}": pick one from the list.` : 'Pick an indicator.',
    });
    return null;
  }
  if (info.needsOhlcv && ctx.closeOnly)
    ctx.errors.push({
      path: `${path}.name`,
      message: `${info.label} needs highs, lows or volume, which this close-only dataset does not have: pick another indicator or a dataset with full bars.`,
    });
  const params: Record<string, number> = {};
  let ok = true;
  for (const spec of info.params) {
    const r = checkParam(spec, d.params[spec.name] ?? '');
    if ('error' in r) {
      ctx.errors.push({ path: `${path}.params.${spec.name}`, message: r.error });
      ok = false;
    } else params[spec.name] = r.value;
  }
  if (!info.outputs.includes(d.output)) {
    ctx.errors.push({
      path: `${path}.output`,
      message: `${info.label} has the outputs ${info.outputs.join(', ')}: pick one of them.`,
    });
    ok = false;
  }
  if (!ok) return null;
  // Single-output indicators need no output named; several need the one chosen.
  return info.outputs.length > 1
    ? { kind: 'indicator', name: info.name, params, output: d.output }
    : { kind: 'indicator', name: info.name, params };
}

function groupFrom(g: GroupDraft, path: 'entry' | 'exit', ctx: Ctx): ConditionGroup {
  const items: Condition[] = [];
  for (const c of g.conditions) {
    const at = `${path}.${c.key}`;
    const left = operandFrom(c.left, `${at}.left`, ctx);
    const right = operandFrom(c.right, `${at}.right`, ctx);
    if (c.left.kind === 'value' && c.right.kind === 'value')
      ctx.errors.push({
        path: `${at}.op`,
        message: 'Both sides are fixed numbers, so this never changes: compare a price or an indicator.',
      });
    if (left && right) items.push({ left, op: c.op, right });
  }
  return { join: g.join, items };
}

/** Percent text as a fraction; empty is none. `max` is in percent. */
function percentFrom(
  text: string,
  path: string,
  label: string,
  max: number,
  ctx: Ctx,
): number | null | undefined {
  if (text.trim() === '') return null;
  const v = parseNumberText(text);
  if (v === null || v <= 0 || v >= max) {
    ctx.errors.push({
      path,
      message: `${label}: type a percentage above 0 and below ${max}, or leave it empty for none.`,
    });
    return undefined;
  }
  return v / 100;
}

function sizeFrom(d: RuleDraft['size'], ctx: Ctx): SizeRule | null {
  const v = parseNumberText(d.value);
  if (d.kind === 'equity-fraction') {
    if (v === null || v <= 0 || v > 100) {
      ctx.errors.push({ path: 'size', message: 'Share of equity: type a percentage above 0, at most 100.' });
      return null;
    }
    return { kind: 'equity-fraction', fraction: v / 100 };
  }
  if (v === null || v <= 0) {
    ctx.errors.push({
      path: 'size',
      message:
        d.kind === 'cash'
          ? 'Cash per trade: type an amount above 0 in the quote currency.'
          : 'Units per trade: type an amount above 0.',
    });
    return null;
  }
  return { kind: d.kind, amount: v };
}

/** Starting exits: none, and all of the equity on each entry. */
export function defaultExitsDraft(): ExitsDraft {
  return { stopLoss: '', takeProfit: '', trailing: '', size: { kind: 'equity-fraction', value: '100' } };
}

/** A strategy's own exits and size as the form shows them (fractions as percent). */
export function exitsDraftFrom(exits: ExitRules, size: SizeRule): ExitsDraft {
  const pct = (v: number | null) => (v === null ? '' : percentText(v));
  return {
    stopLoss: pct(exits.stopLoss),
    takeProfit: pct(exits.takeProfit),
    trailing: pct(exits.trailing),
    size:
      size.kind === 'equity-fraction'
        ? { kind: size.kind, value: percentText(size.fraction) }
        : { kind: size.kind, value: numberText(size.amount) },
  };
}

/** The draft's exit rules and size, as set on the strategy (errors pushed to `ctx`). */
function exitsFrom(draft: ExitsDraft, ctx: Ctx): { exits: ExitRules; size: SizeRule } | null {
  const stopLoss = percentFrom(draft.stopLoss, 'stopLoss', 'Stop-loss', 100, ctx);
  const takeProfit = percentFrom(draft.takeProfit, 'takeProfit', 'Take-profit', 10_000, ctx);
  const trailing = percentFrom(draft.trailing, 'trailing', 'Trailing stop', 100, ctx);
  const size = sizeFrom(draft.size, ctx);
  if (stopLoss === undefined || takeProfit === undefined || trailing === undefined || !size) return null;
  return { exits: { stopLoss, takeProfit, trailing }, size };
}

/** Exits and size alone (a built-in strategy's overrides), or the problems with their fields. */
export function exitsFromDraft(
  draft: ExitsDraft,
): { ok: true; exits: ExitRules; size: SizeRule } | { ok: false; errors: DraftError[] } {
  const ctx: Ctx = { indicators: [], closeOnly: false, errors: [] };
  const r = exitsFrom(draft, ctx);
  return r ? { ok: true, ...r } : { ok: false, errors: ctx.errors };
}

/**
 * The draft as a RuleSet the engine can compile, or every problem found, each with its field's path.
 * `closeOnly`: the dataset has no highs, lows or volume, so what needs them is refused here already.
 */
export function ruleSetFromDraft(
  draft: RuleDraft,
  indicators: readonly IndicatorInfo[],
  closeOnly = false,
): DraftResult {
  const ctx: Ctx = { indicators, closeOnly, errors: [] };
  const name = draft.name.trim();
  if (name === '' || name.length > 80)
    ctx.errors.push({ path: 'name', message: 'Name the rule set (1 to 80 characters).' });
  if (draft.entry.conditions.length === 0)
    ctx.errors.push({
      path: 'entry',
      message: 'Add at least one entry condition: without one the strategy never buys.',
    });
  const entry = groupFrom(draft.entry, 'entry', ctx);
  const exit = groupFrom(draft.exit, 'exit', ctx);
  const exits = exitsFrom(draft, ctx);
  if (ctx.errors.length > 0 || !exits) return { ok: false, errors: ctx.errors };
  return { ok: true, rules: { name, entry, exit, ...exits } };
}

/** The problems of one field (exact path), for the message under it. */
export function errorsAt(errors: readonly DraftError[], path: string): string[] {
  return errors.filter((e) => e.path === path).map((e) => e.message);
}
