import { Decimal } from '../../money/decimal.js';
import type { MarketRules } from '../../money/market-rules.js';
import { formatDecimal, formatValue } from '../risk/format.js';
import { sizeLeg } from './leg-sizing.js';

/**
 * Fits the buys into the cash there will be after the sells. Assets inside their band are not sold to
 * fund others, and fees and lot rounding eat into the proceeds, so the buys to target can need more
 * than there is; then every buy is scaled by the same factor, so the shortfall is shared in proportion
 * rather than falling on whichever buy happens to go last. A scaled buy that then falls under a market
 * minimum is skipped and its share stays in cash: handing it to the others could push them past target.
 */

/** One leg before it gets its id: exact amount at the planning price. */
export interface Candidate {
  asset: string;
  side: 'buy' | 'sell';
  symbol: string;
  rules: MarketRules;
  amount: Decimal;
  price: Decimal;
  feeRate: Decimal;
  note: string;
}

export interface FundedBuys {
  buys: Candidate[];
  skipped: { asset: string; reason: string }[];
}

/** What a buy of `amount` costs with its fee and the slippage allowance. */
export function buyCost(amount: Decimal, price: Decimal, feeRate: Decimal, slippage: Decimal): Decimal {
  return amount.mul(price).mul(Decimal.ONE.add(feeRate)).mul(Decimal.ONE.add(slippage));
}

export function fundBuys(buys: Candidate[], cash: Decimal, slippage: Decimal, quote: string): FundedBuys {
  const need = Decimal.sum(buys.map((b) => buyCost(b.amount, b.price, b.feeRate, slippage)));
  if (need.lte(cash)) return { buys, skipped: [] };
  // Rounded down, and each scaled amount is snapped down again, so the scaled total never exceeds the cash.
  const factor = cash.isPositive() ? cash.div(need, 18, 'floor') : Decimal.ZERO;
  const out: FundedBuys = { buys: [], skipped: [] };
  const cashText = `${formatValue(Decimal.max(cash, Decimal.ZERO), 'floor')} ${quote}`;
  const share = `${formatDecimal(factor.mul(100), 2, 'floor')} %`;
  for (const b of buys) {
    if (!factor.isPositive()) {
      out.skipped.push({
        asset: b.asset,
        reason: `No ${quote} is left for the ${b.asset} buy after the sells and their fees.`,
      });
      continue;
    }
    const sized = sizeLeg(b.rules, 'buy', b.amount.mul(factor), b.price);
    if (!sized.ok) {
      out.skipped.push({
        asset: b.asset,
        reason: `Scaled to ${share} to fit the cash after the sells: ${sized.reason}`,
      });
      continue;
    }
    out.buys.push({
      ...b,
      amount: sized.amount,
      note: `${b.note} Scaled down to ${share} of the trade to target so that the buys and their estimated fees fit in the ${cashText} of cash after the sells.`,
    });
  }
  return out;
}
