import { ResearchInputError } from '../backtest/errors.js';
import type { Bars } from '../backtest/types.js';
import { computeIndicator, findIndicator } from '../indicators/index.js';
import { isGroup, type Condition, type ConditionGroup, type Operand } from './spec.js';

/** Indicator series computed so far in one `prepare`, so a rule set naming SMA 50 twice computes it once. */
export type SeriesCache = Map<string, Float64Array>;

function indicatorKey(o: Extract<Operand, { kind: 'indicator' }>): string {
  const params = Object.keys(o.params ?? {})
    .sort()
    .map((k) => `${k}=${o.params[k]}`)
    .join(',');
  return `${o.name}(${params}).${o.output ?? ''}`;
}

/** A readable name for an indicator operand: `sma(period=20)`, `macd(...).signal`. */
export function operandLabel(o: Operand): string {
  if (o.kind === 'price') return o.field;
  if (o.kind === 'value') return String(o.value);
  const key = indicatorKey(o);
  return key.endsWith('.') ? key.slice(0, -1) : key;
}

/** The operand's value on every bar. Reading index i of it depends on bars 0..i only. */
export function operandSeries(o: Operand, bars: Bars, cache: SeriesCache, path: string): Float64Array {
  if (o.kind === 'price') return bars[o.field];
  if (o.kind === 'value') return new Float64Array(bars.close.length).fill(o.value);
  const key = indicatorKey(o);
  const cached = cache.get(key);
  if (cached) return cached;
  let outputs: Record<string, Float64Array>;
  try {
    outputs = computeIndicator(o.name, bars, o.params ?? {});
  } catch (e) {
    throw new ResearchInputError(`${path}`, e instanceof Error ? e.message : String(e));
  }
  const output = o.output ?? findIndicator(o.name)?.outputs[0] ?? 'value';
  const series = outputs[output];
  if (!series) throw new ResearchInputError(`${path}.output`, `${o.name} has no output "${output}"`);
  cache.set(key, series);
  return series;
}

/** 1 on each bar where the condition holds at its close. NaN on either side compares false. */
export function conditionSeries(c: Condition, bars: Bars, cache: SeriesCache, path: string): Uint8Array {
  const left = operandSeries(c.left, bars, cache, `${path}.left`);
  const right = operandSeries(c.right, bars, cache, `${path}.right`);
  const n = bars.close.length;
  const out = new Uint8Array(n);
  switch (c.op) {
    case '>':
      for (let i = 0; i < n; i++) out[i] = (left[i] as number) > (right[i] as number) ? 1 : 0;
      break;
    case '<':
      for (let i = 0; i < n; i++) out[i] = (left[i] as number) < (right[i] as number) ? 1 : 0;
      break;
    case '>=':
      for (let i = 0; i < n; i++) out[i] = (left[i] as number) >= (right[i] as number) ? 1 : 0;
      break;
    case '<=':
      for (let i = 0; i < n; i++) out[i] = (left[i] as number) <= (right[i] as number) ? 1 : 0;
      break;
    // A cross needs the previous bar on the other side (or touching): a first bar never crosses.
    case 'crosses-above':
      for (let i = 1; i < n; i++)
        out[i] =
          (left[i] as number) > (right[i] as number) && (left[i - 1] as number) <= (right[i - 1] as number)
            ? 1
            : 0;
      break;
    case 'crosses-below':
      for (let i = 1; i < n; i++)
        out[i] =
          (left[i] as number) < (right[i] as number) && (left[i - 1] as number) >= (right[i - 1] as number)
            ? 1
            : 0;
      break;
  }
  return out;
}

/** 1 on each bar where the group holds: all items ('and') or any ('or'). An empty group never holds. */
export function groupSeries(g: ConditionGroup, bars: Bars, cache: SeriesCache, path: string): Uint8Array {
  const n = bars.close.length;
  const out = new Uint8Array(n);
  if (g.items.length === 0) return out;
  if (g.join === 'and') out.fill(1);
  g.items.forEach((item, k) => {
    const at = `${path}.items[${k}]`;
    const s = isGroup(item) ? groupSeries(item, bars, cache, at) : conditionSeries(item, bars, cache, at);
    if (g.join === 'and') for (let i = 0; i < n; i++) out[i] = (out[i] as number) & (s[i] as number);
    else for (let i = 0; i < n; i++) out[i] = (out[i] as number) | (s[i] as number);
  });
  return out;
}

/** Every indicator operand of the group, depth first. */
export function indicatorOperands(g: ConditionGroup): Extract<Operand, { kind: 'indicator' }>[] {
  const found: Extract<Operand, { kind: 'indicator' }>[] = [];
  for (const item of g.items) {
    if (isGroup(item)) found.push(...indicatorOperands(item));
    else for (const o of [item.left, item.right]) if (o.kind === 'indicator') found.push(o);
  }
  return found;
}

/** Whether any condition of the group compares with the bar before (a cross). */
export function usesCrosses(g: ConditionGroup): boolean {
  return g.items.some((item) =>
    isGroup(item) ? usesCrosses(item) : item.op === 'crosses-above' || item.op === 'crosses-below',
  );
}
