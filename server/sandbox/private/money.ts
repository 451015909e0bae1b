/**
 * Exact amounts for the private API: balances, locks, fills and fees are bigint counts of 1e-8
 * ("units"), the precision Binance prints. Engine notionals (ticks × lots) can carry more
 * decimals (ETH/BTC: 0.00001 × 0.0001), so they are truncated to units once, in one place, and
 * the same truncated number is debited from one side and credited to the other.
 */
import type { Market } from '../markets.js';

export const UNIT = 100_000_000n;
const AMOUNT_RE = /^(\d{1,20})(?:\.(\d{1,8}))?$/;

/** "10.5" -> 1_050_000_000n; null for anything that is not a non-negative decimal with ≤ 8 places. */
export function parseAmount(text: string): bigint | null {
  const m = AMOUNT_RE.exec(text);
  if (m === null) return null;
  return BigInt(m[1] as string) * UNIT + BigInt((m[2] ?? '').padEnd(8, '0'));
}

export function formatAmount(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const text = `${abs / UNIT}.${(abs % UNIT).toString().padStart(8, '0')}`;
  return negative ? `-${text}` : text;
}

/** Quote units of `ticks` × `lots`, truncated to 1e-8 (Binance's quoteQty). */
export function notionalUnits(market: Market, ticks: number, lots: number): bigint {
  return (BigInt(ticks) * BigInt(market.tickUnits) * BigInt(lots) * BigInt(market.stepUnits)) / UNIT;
}

/** Like notionalUnits but rounded up: what must be locked to pay for it whatever the rounding. */
export function notionalUnitsCeil(market: Market, ticks: number, lots: number): bigint {
  const exact = BigInt(ticks) * BigInt(market.tickUnits) * BigInt(lots) * BigInt(market.stepUnits);
  return (exact + UNIT - 1n) / UNIT;
}

/** Base units of `lots`. */
export function lotUnits(market: Market, lots: number): bigint {
  return BigInt(lots) * BigInt(market.stepUnits);
}

/** Largest engine quote budget (ticks × lots) that quote `units` can pay for. */
export function budgetFromUnits(market: Market, units: bigint): number {
  const perTickLot = BigInt(market.tickUnits) * BigInt(market.stepUnits);
  return Number((units * UNIT) / perTickLot);
}

/** `amount` × `rate` (rate in units, e.g. 0.001 = 100_000n), truncated. */
export function feeOf(amount: bigint, rate: bigint): bigint {
  return (amount * rate) / UNIT;
}
