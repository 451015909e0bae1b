/**
 * Display formatting for the portfolio, risk, rebalance and executive screens. The engine computes every
 * number; these only turn them into text (and colours for the heatmap), so the screens stay thin.
 */
import { Decimal } from '../../../workers/money/decimal';

const formats = new Map<string, Intl.NumberFormat>();

function nf(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = JSON.stringify(options);
  let f = formats.get(key);
  if (!f) {
    f = new Intl.NumberFormat('en-US', options);
    formats.set(key, f);
  }
  return f;
}

const MINUS = '−';

function ok(v: number | null | undefined): v is number {
  return v !== null && v !== undefined && Number.isFinite(v);
}

/** Decimals that keep a money amount readable: cents, unless it is under a cent (then it is not shown as 0). */
function moneyDecimals(v: number): number {
  const a = Math.abs(v);
  if (a === 0 || a >= 0.01) return 2;
  return 6;
}

/** "12,345.67 USDT"; null or NaN is "—" (never 0). */
export function formatMoney(v: number | null | undefined, quote?: string): string {
  if (!ok(v)) return '—';
  const d = moneyDecimals(v);
  const text = nf({ minimumFractionDigits: d, maximumFractionDigits: d }).format(Math.abs(v));
  return `${v < 0 ? MINUS : ''}${text}${quote ? ` ${quote}` : ''}`;
}

/** A gain or loss with its sign: "+12.30 USDT", "−4.10 USDT". */
export function formatSignedMoney(v: number | null | undefined, quote?: string): string {
  if (!ok(v)) return '—';
  const body = formatMoney(Math.abs(v), quote);
  return v > 0 ? `+${body}` : v < 0 ? `${MINUS}${body}` : body;
}

/** A fraction as a percentage: 0.1234 -> "12.34%". */
export function formatFraction(v: number | null | undefined, decimals = 2): string {
  if (!ok(v)) return '—';
  const text = nf({ minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(
    Math.abs(v * 100),
  );
  const zero = Number(text.replace(/,/g, '')) === 0;
  return `${v < 0 && !zero ? MINUS : ''}${text}%`;
}

/** A signed fraction as a percentage: 0.05 -> "+5.00%". */
export function formatSignedFraction(v: number | null | undefined, decimals = 2): string {
  if (!ok(v)) return '—';
  const body = formatFraction(Math.abs(v), decimals);
  if (Number(body.replace(/[%,]/g, '')) === 0) return body;
  return v > 0 ? `+${body}` : v < 0 ? `${MINUS}${body}` : body;
}

/** A plain ratio (Sharpe, profit factor): 1.2345 -> "1.23". */
export function formatRatio(v: number | null | undefined, decimals = 2): string {
  if (v === Infinity) return '∞';
  if (!ok(v)) return '—';
  const text = nf({ minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(Math.abs(v));
  return `${v < 0 && Number(text) !== 0 ? MINUS : ''}${text}`;
}

/** A unit price: more decimals for small prices, grouping for large ones. */
export function formatUnitPrice(v: number | null | undefined): string {
  if (!ok(v)) return '—';
  const a = Math.abs(v);
  const d = a >= 1000 ? 2 : a >= 1 ? 4 : 8;
  return nf({ minimumFractionDigits: 2, maximumFractionDigits: d }).format(v);
}

/** "up", "down" or "" for colouring a signed number. */
export function signClass(v: number | null | undefined): string {
  if (!ok(v) || v === 0) return '';
  return v > 0 ? 'up' : 'down';
}

/** How old a price is, in words: "12 s", "5 min", "3 h", "2 days". */
export function formatAge(ms: number | null | undefined, now: number): string {
  if (!ok(ms)) return '—';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} days`;
}

/** A correlation coefficient: "0.82", "−0.15". */
export function formatCorrelation(v: number | null | undefined): string {
  return formatRatio(v, 2);
}

export interface CellColors {
  background: string;
  color: string;
}

// Pure black or white: one of them always reaches at least 4.58:1 on any cell colour.
const DARK_TEXT = '#000000';
const LIGHT_TEXT = '#ffffff';

function mix(a: readonly number[], b: readonly number[], t: number): number[] {
  return a.map((x, i) => Math.round(x + ((b[i] as number) - x) * t));
}

function lum(rgb: readonly number[]): number {
  const ch = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * ch(rgb[0] as number) + 0.7152 * ch(rgb[1] as number) + 0.0722 * ch(rgb[2] as number);
}

function contrast(a: number, b: number): number {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

const NEUTRAL = [23, 28, 38];
const POSITIVE = [46, 140, 230];
const NEGATIVE = [230, 80, 100];

/**
 * Heatmap cell colours for a correlation in −1..1: blue for positive, red for negative, the panel colour
 * at 0. The text is black or white, whichever contrasts more with the cell.
 */
export function correlationColors(v: number | null | undefined): CellColors {
  if (!ok(v)) return { background: `rgb(${NEUTRAL.join(', ')})`, color: LIGHT_TEXT };
  const t = Math.min(1, Math.abs(v));
  const rgb = mix(NEUTRAL, v >= 0 ? POSITIVE : NEGATIVE, t);
  const l = lum(rgb);
  const dark = contrast(l, 0);
  const light = contrast(l, 1);
  return { background: `rgb(${rgb.join(', ')})`, color: dark >= light ? DARK_TEXT : LIGHT_TEXT };
}

/** WCAG contrast of the text on a cell (for tests and checks). */
export function cellContrast(c: CellColors): number {
  const parse = (s: string) =>
    s.startsWith('#')
      ? [1, 3, 5].map((i) => parseInt(s.slice(i, i + 2), 16))
      : (s.match(/\d+/g) ?? []).slice(0, 3).map(Number);
  return contrast(lum(parse(c.background)), lum(parse(c.color)));
}

/** The live sum of target weights typed as percent text, exactly, and how far it is from 100. */
export function targetSum(weights: readonly string[]): {
  sum: string;
  diff: string;
  exact: boolean;
  valid: boolean;
} {
  let sum = Decimal.ZERO;
  let valid = true;
  for (const w of weights) {
    const text = w.trim().replace(',', '.');
    if (text === '') continue;
    const d = Decimal.tryFrom(text);
    if (!d) {
      valid = false;
      continue;
    }
    sum = sum.add(d);
  }
  const diff = sum.sub(100);
  return { sum: sum.toString(), diff: diff.toString(), exact: diff.isZero(), valid };
}

/** Decimals that tell ticks `incr` apart when shown as a percentage of a fraction (0.0005 -> 2). */
export function percentTickDecimals(incr: number): number {
  if (!(incr > 0) || !Number.isFinite(incr)) return 2;
  return Math.min(6, Math.max(0, Math.ceil(-Math.log10(incr * 100) - 1e-9)));
}

/**
 * Weights (fractions) as percent text with two decimals that sums to exactly 100: the rounding left over
 * goes to the largest weight, so the editor starts from a valid set of targets.
 */
export function percentTargets(weights: readonly { key: string; weight: number }[]): {
  asset: string;
  weight: string;
}[] {
  if (weights.length === 0) return [];
  const rows = weights.map((w) => ({
    asset: w.key,
    d: Decimal.from(Math.round(Math.max(0, w.weight) * 10_000)).div(100, 2, 'half-even'),
  }));
  let sum = Decimal.ZERO;
  for (const r of rows) sum = sum.add(r.d);
  let largest = 0;
  rows.forEach((r, i) => {
    if (r.d.gt((rows[largest] as (typeof rows)[number]).d)) largest = i;
  });
  const top = rows[largest] as (typeof rows)[number];
  top.d = top.d.add(Decimal.from(100).sub(sum));
  return rows.map((r) => ({ asset: r.asset, weight: r.d.toString() }));
}
