/**
 * Exact decimal strings for money.
 *
 * Binance prints every price and quantity with 8 decimals. All sandbox amounts are integer
 * multiples of 1e-8 ("units"), so formatting is integer arithmetic and never shows float noise.
 */

export const UNITS_PER_ONE = 100_000_000;
const DECIMALS = 8;
const DECIMAL_RE = /^(\d{1,16})(?:\.(\d{1,8}))?$/;

/** "0.01" -> 1_000_000. Returns null for anything that is not a non-negative decimal with ≤ 8 places. */
export function parseUnits(text: string): number | null {
  const m = DECIMAL_RE.exec(text);
  if (!m) return null;
  const whole = Number(m[1]);
  const frac = Number((m[2] ?? '').padEnd(DECIMALS, '0'));
  const units = whole * UNITS_PER_ONE + frac;
  return Number.isSafeInteger(units) ? units : null;
}

/** 6_500_001_000_000 -> "65000.01000000". `units` must be a safe integer. */
export function formatUnits(units: number): string {
  const negative = units < 0;
  const abs = negative ? -units : units;
  const whole = Math.floor(abs / UNITS_PER_ONE);
  const frac = abs - whole * UNITS_PER_ONE;
  const text = `${whole}.${String(frac).padStart(DECIMALS, '0')}`;
  return negative && abs !== 0 ? `-${text}` : text;
}

/**
 * Floats that are allowed to be approximate (quote volumes, averages) still print cleanly:
 * rounded to 8 decimals, and never "-0.00000000".
 */
export function formatFloat(value: number): string {
  if (!Number.isFinite(value) || Math.abs(value) < 5e-9) return '0.00000000';
  return value.toFixed(DECIMALS);
}

/** Number of significant decimals of a 1e-8 unit count, e.g. 1_000_000 (0.01) -> 2. */
export function decimalsOf(units: number): number {
  let d = DECIMALS;
  let u = units;
  while (d > 0 && u % 10 === 0) {
    u /= 10;
    d--;
  }
  return d;
}

const UNITS_BIG = BigInt(UNITS_PER_ONE);

/**
 * Product of two unit amounts (e.g. price × qty), truncated to 8 decimals like Binance's
 * quoteQty. BigInt keeps it exact where the double product would round.
 */
export function formatProduct(aUnits: number, bUnits: number): string {
  const product = (BigInt(aUnits) * BigInt(bUnits)) / UNITS_BIG;
  const whole = product / UNITS_BIG;
  const frac = product % UNITS_BIG;
  return `${whole}.${frac.toString().padStart(DECIMALS, '0')}`;
}
