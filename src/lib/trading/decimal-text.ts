/**
 * Decimal text as the ticket handles it: what a person types is cleaned into plain decimal text, and
 * money the engine sends back as strings is shown with digit grouping without going through a float.
 * Arithmetic (stepping by the tick, % of balance) uses the engine's exact Decimal.
 */
import { Decimal } from '../../../workers/money/decimal';

/**
 * Cleans typed text into plain decimal text: spaces, underscores and apostrophes go. With both a
 * comma and a point, the last one is the decimal separator ("1,000.5", "1.000,5"); a lone comma is
 * one ("0,5") unless it could as well group thousands ("1,000" stays as typed, for the engine to
 * refuse: guessing a price wrong by a factor of 1,000 is worse than asking). Anything else is
 * returned trimmed, for the engine to reject with a message.
 */
export function normalizeDecimal(input: string): string {
  let s = input.trim().replace(/[\s_'\u00a0\u202f]/g, '');
  const comma = s.lastIndexOf(',');
  const point = s.lastIndexOf('.');
  if (comma >= 0 && point >= 0) {
    s = point > comma ? s.replace(/,/g, '') : s.replace(/\./g, '').replace(',', '.');
  } else if (comma >= 0) {
    if (/^[+-]?\d{1,3}(,\d{3}){2,}$/.test(s)) s = s.replace(/,/g, '');
    else if (/^[+-]?\d*,\d*$/.test(s) && !/^[+-]?[1-9]\d{0,2},\d{3}$/.test(s)) s = s.replace(',', '.');
  }
  return s;
}

/** True for plain decimal text ("12", "0.5", ".5"), which is what the engine accepts. */
export function isDecimalText(s: string): boolean {
  return /^\+?(\d+\.?\d*|\.\d+)$/.test(s);
}

function group(int: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Decimal text with thousands grouping ("12345.6" -> "12,345.6"). With `decimals`, rounds half-even
 * to exactly that many decimals (display only). Not-a-number text comes back unchanged; empty is "–".
 */
export function formatDecimalText(value: string | null | undefined, decimals?: number): string {
  if (value === null || value === undefined || value.trim() === '') return '–';
  let text = value.trim();
  if (decimals !== undefined) {
    const d = Decimal.tryFrom(text);
    if (!d) return text;
    text = d.toFixed(Math.max(0, Math.min(18, Math.round(decimals))));
  } else {
    const d = Decimal.tryFrom(text);
    if (!d) return text;
    text = d.toString();
  }
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  const [int = '0', frac] = body.split('.');
  return `${negative ? '−' : ''}${group(int)}${frac !== undefined ? `.${frac}` : ''}`;
}

/** Like formatDecimalText but always with a sign ("+12.5", "−3", "0"), for profit and loss. */
export function formatSignedDecimalText(value: string | null | undefined, decimals?: number): string {
  const f = formatDecimalText(value, decimals);
  if (f === '–') return f;
  const d = Decimal.tryFrom(value);
  return d && d.isPositive() ? `+${f}` : f;
}

/** Sign of decimal text: -1, 0 or 1 (0 for anything unreadable). */
export function signOf(value: string | null | undefined): -1 | 0 | 1 {
  return Decimal.tryFrom(value)?.sign() ?? 0;
}

/** Plain text of a market's tick or lot size (a number from ccxt), e.g. 0.00001 -> "0.00001". */
export function stepText(step: number | null | undefined): string | null {
  if (step === null || step === undefined || !(step > 0) || !Number.isFinite(step)) return null;
  return Decimal.from(step).toString();
}

/**
 * The value one step up or down, on the step grid: "100.03" + 0.05 -> "100.05"; empty or unreadable
 * text starts from `start` (e.g. the last price) when given. Never below one step.
 */
export function stepValue(
  value: string,
  step: number,
  direction: 1 | -1,
  start?: number | null,
): string | null {
  const s = stepText(step);
  if (!s) return null;
  let current = Decimal.tryFrom(normalizeDecimal(value));
  if (!current && start !== undefined && start !== null && Number.isFinite(start) && start > 0) {
    return Decimal.from(start).roundToStep(s, 'half-even').toString();
  }
  if (!current) current = Decimal.ZERO;
  const snapped = current.roundToStep(s, direction > 0 ? 'ceil' : 'floor');
  const next = snapped.eq(current) ? current.add(direction > 0 ? s : Decimal.from(s).neg()) : snapped;
  return (next.lt(s) ? Decimal.from(s) : next).toString();
}
