import type { Slippage } from './types.js';

/** The volume model's cap: no fill moves the price by more than this fraction. */
export const MAX_VOLUME_SLIPPAGE = 0.1;

/** Fraction of the price an order of `units` moves against itself on a bar that traded `barVolume`. */
export function slippageFraction(slippage: Slippage, units: number, barVolume: number): number {
  switch (slippage.model) {
    case 'none':
      return 0;
    case 'bps':
      return slippage.bps / 1e4;
    case 'volume':
      if (!(barVolume > 0)) return slippage.fallbackBps / 1e4;
      return Math.min(MAX_VOLUME_SLIPPAGE, slippage.impact * Math.sqrt(units / barVolume));
  }
}

/** Fill price of a buy of known size. */
export function buyPriceForUnits(
  slippage: Slippage,
  price: number,
  units: number,
  barVolume: number,
): number {
  return price * (1 + slippageFraction(slippage, units, barVolume));
}

/** Fill price of a sell of known size. */
export function sellPriceForUnits(
  slippage: Slippage,
  price: number,
  units: number,
  barVolume: number,
): number {
  return price * (1 - slippageFraction(slippage, units, barVolume));
}

/**
 * Fill price of a buy that spends `budget` (fee included): under the volume model the size depends on the
 * price and the price on the size, so iterate to the fixed point. The slippage falls as the price rises, so
 * the iteration settles within a few steps; the caller derives the units from the returned price, which
 * keeps notional + fee equal to the budget exactly.
 */
export function buyPriceForBudget(
  slippage: Slippage,
  price: number,
  budget: number,
  feeRate: number,
  barVolume: number,
): number {
  if (slippage.model !== 'volume' || !(barVolume > 0))
    return price * (1 + slippageFraction(slippage, 0, barVolume));
  let fill = price;
  for (let step = 0; step < 50; step++) {
    const units = budget / (fill * (1 + feeRate));
    const next = price * (1 + slippageFraction(slippage, units, barVolume));
    if (Math.abs(next - fill) <= 1e-14 * fill) return next;
    fill = next;
  }
  return fill;
}
