import { Decimal, type Rounding } from '../../money/decimal.js';

// Number formatting for the risk messages: cheap, no Intl, grouped with commas ("12,000.5").

const pow10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];

const MINUS_ONE = Decimal.from(-1);

/** Groups the integer digits of plain decimal text: "-12345.5" becomes "-12,345.5". */
export function groupDigits(text: string): string {
  const start = text.charCodeAt(0) === 45 ? 1 : 0;
  let dot = text.indexOf('.');
  if (dot < 0) dot = text.length;
  if (dot - start <= 3) return text;
  const head = (dot - start) % 3 || 3;
  let out = text.slice(0, start + head);
  for (let i = start + head; i < dot; i += 3) out += ',' + text.slice(i, i + 3);
  return out + text.slice(dot);
}

function trimZeros(text: string): string {
  if (text.indexOf('.') < 0) return text;
  let end = text.length;
  while (text.charCodeAt(end - 1) === 48) end--;
  if (text.charCodeAt(end - 1) === 46) end--;
  return end === text.length ? text : text.slice(0, end);
}

/**
 * A float with at most `decimals` decimals, trailing zeros dropped, grouped. `ceil` and `floor` round
 * away from or toward a limit so that a shown value never seems to contradict the verdict beside it.
 */
export function formatNumber(
  x: number,
  decimals = 2,
  rounding: 'ceil' | 'floor' | 'nearest' = 'nearest',
): string {
  if (!Number.isFinite(x) || Math.abs(x) >= 1e21) return String(x);
  const dp = decimals < 0 ? 0 : decimals > 12 ? 12 : decimals | 0;
  let v = x;
  if (rounding !== 'nearest') {
    const f = pow10[dp] as number;
    const y = x * f;
    const r = Math.round(y);
    // A product like 0.1 × 100 lands a hair above 10: treat it as the whole number it is.
    v =
      (Math.abs(y - r) <= 1e-9 * Math.max(1, Math.abs(y))
        ? r
        : rounding === 'ceil'
          ? Math.ceil(y)
          : Math.floor(y)) / f;
  }
  const t = trimZeros(v.toFixed(dp));
  return groupDigits(t === '-0' ? '0' : t);
}

/** An exact decimal rounded to at most `decimals` decimals, trailing zeros dropped, grouped. */
export function formatDecimal(d: Decimal, decimals: number, rounding: Rounding = 'half-even'): string {
  return groupDigits(d.round(decimals, rounding).toString());
}

/** A value in the quote currency: cents from 1 up, finer below (0.00042 BTC, 12,000.5 USDT). */
export function formatValue(x: Decimal | number, rounding: 'ceil' | 'floor' | 'nearest' = 'nearest'): string {
  if (typeof x === 'number') return formatNumber(x, Math.abs(x) >= 1 ? 2 : 8, rounding);
  const big = x.units >= 0n ? x.cmp(Decimal.ONE) >= 0 : x.cmp(MINUS_ONE) <= 0;
  return formatDecimal(x, big ? 2 : 8, rounding === 'nearest' ? 'half-even' : rounding);
}

/** Elapsed time in words: "350 ms", "12.5 s", "3 min". */
export function formatDuration(ms: number, rounding: 'ceil' | 'floor' | 'nearest' = 'nearest'): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1000) return `${formatNumber(ms, 0, rounding)} ms`;
  if (ms < 120_000) return `${formatNumber(ms / 1000, 1, rounding)} s`;
  return `${formatNumber(ms / 60_000, 1, rounding)} min`;
}
