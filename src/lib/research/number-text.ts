/** Numbers typed into the backtest forms: text while editing, parsed once when the form is sent. */

/**
 * The number in a field ("1,5" reads as 1.5; thousands separators are not accepted because "1,500"
 * would be ambiguous), or null when it is empty or not a number.
 */
export function parseNumberText(text: string): number | null {
  const t = text.trim().replace(',', '.');
  if (t === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** A number for a field: the shortest text that reads back the same, without float noise (0.1 + 0.2). */
export function numberText(n: number): string {
  if (!Number.isFinite(n)) return '';
  return String(Number(n.toPrecision(12)));
}

/** A fraction as percent text for a field: 0.001 -> "0.1". */
export function percentText(fraction: number): string {
  return numberText(fraction * 100);
}

const wholeUnits = new Intl.NumberFormat('en-US', { minimumFractionDigits: 4, maximumFractionDigits: 4 });
const smallUnits = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6 });

/**
 * Units of the base held or traded: four decimals from one unit up (aligned in a column), six
 * significant digits below, so 0.000123 BTC does not round to 0.
 */
export function unitsText(v: number): string {
  if (!Number.isFinite(v)) return '—';
  return Math.abs(v) >= 1 ? wholeUnits.format(v) : smallUnits.format(v);
}
