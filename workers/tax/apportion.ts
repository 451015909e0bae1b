import type { Decimal } from '../money/decimal.js';

/**
 * Decimals kept when an amount is split pro rata by units (a part of a lot's cost base, a part of a
 * sale's proceeds) and when unit values are shown. Far below a cent, so the rounding never shows in a
 * tax return, while the last part of each amount takes the exact remainder (see `share`).
 */
export const SPLIT_SCALE = 12;

/**
 * The part of `remaining` that belongs to `units` of `remainingUnits`, pro rata by units. Taking the
 * last units takes exactly what is left, so the parts of an amount always add up to it exactly even
 * when a share has to be rounded (a cost base of 100 over 3 units: 33.333333333333 twice, then
 * 33.333333333334).
 */
export function share(remaining: Decimal, units: Decimal, remainingUnits: Decimal): Decimal {
  if (units.eq(remainingUnits)) return remaining;
  return remaining.mul(units).div(remainingUnits, SPLIT_SCALE, 'half-even');
}

/** A unit value for display and ordering (unit cost base, unit net proceeds), half-even at SPLIT_SCALE. */
export function perUnit(amount: Decimal, units: Decimal): Decimal {
  return amount.div(units, SPLIT_SCALE, 'half-even');
}
