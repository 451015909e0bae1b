import type { MarketInfo } from '../market/types.js';
import { Decimal } from './decimal.js';

/**
 * A market's trading rules as exact decimals: tick (price increment), lot (amount increment), minimums
 * and fees, from ccxt's market precision and limits. Every price and amount Lyra sends is snapped and
 * checked against these first.
 */
export interface MarketRules {
  symbol: string;
  base: string;
  quote: string;
  tick: Decimal;
  step: Decimal;
  minAmount: Decimal | null;
  minNotional: Decimal | null;
  /** Fee rates as fractions (0.001 = 0.1 %). */
  maker: Decimal;
  taker: Decimal;
  priceDecimals: number;
  amountDecimals: number;
}

/** Used when an exchange does not publish fees: a common spot taker rate, stated so it is never hidden. */
export const defaultFeeRate = '0.001';

export function rulesOf(m: MarketInfo): MarketRules {
  return {
    symbol: m.symbol,
    base: m.base,
    quote: m.quote,
    tick: Decimal.from(m.tickSize),
    step: Decimal.from(m.stepSize),
    minAmount: m.minAmount !== null && m.minAmount > 0 ? Decimal.from(m.minAmount) : null,
    minNotional: m.minNotional !== null && m.minNotional > 0 ? Decimal.from(m.minNotional) : null,
    maker: Decimal.from(m.maker ?? defaultFeeRate),
    taker: Decimal.from(m.taker ?? defaultFeeRate),
    priceDecimals: m.priceDecimals,
    amountDecimals: m.amountDecimals,
  };
}

/** Snaps a price to the tick: buys round down and sells round up, so snapping never worsens a limit. */
export function snapPrice(rules: MarketRules, price: Decimal, side: 'buy' | 'sell'): Decimal {
  return price.roundToStep(rules.tick, side === 'buy' ? 'floor' : 'ceil');
}

/** Snaps an amount down to the lot: never more than the user asked for. */
export function snapAmount(rules: MarketRules, amount: Decimal): Decimal {
  return amount.roundToStep(rules.step, 'floor');
}

export type RuleField = 'price' | 'stopPrice' | 'amount';

export interface RuleViolation {
  field: RuleField;
  code: 'not-positive' | 'off-tick' | 'off-lot' | 'below-min-amount' | 'below-min-notional';
  message: string;
}

/**
 * Checks an order's price, trigger and amount against the market. `price` is the limit price, or the
 * estimated fill price for market orders (for the min-notional check).
 */
export function checkMarketRules(
  rules: MarketRules,
  amount: Decimal,
  price: Decimal | null,
  stopPrice: Decimal | null = null,
  priceIsLimit = true,
): RuleViolation[] {
  const out: RuleViolation[] = [];
  const q = rules.quote;
  if (!amount.isPositive()) {
    out.push({ field: 'amount', code: 'not-positive', message: 'Enter an amount above zero.' });
    return out;
  }
  if (!amount.isMultipleOf(rules.step))
    out.push({
      field: 'amount',
      code: 'off-lot',
      message: `Amount must be a multiple of ${rules.step} ${rules.base}; try ${snapAmount(rules, amount)}.`,
    });
  if (rules.minAmount && amount.lt(rules.minAmount))
    out.push({
      field: 'amount',
      code: 'below-min-amount',
      message: `Amount is below the minimum of ${rules.minAmount} ${rules.base}.`,
    });
  for (const [field, value] of [
    ['price', priceIsLimit ? price : null],
    ['stopPrice', stopPrice],
  ] as const) {
    if (value === null) continue;
    if (!value.isPositive()) {
      out.push({ field, code: 'not-positive', message: 'Enter a price above zero.' });
      continue;
    }
    if (!value.isMultipleOf(rules.tick))
      out.push({
        field,
        code: 'off-tick',
        message: `Price must be a multiple of the tick ${rules.tick} ${q}; try ${value.roundToStep(rules.tick, 'half-even')}.`,
      });
  }
  if (rules.minNotional && price !== null && price.isPositive()) {
    const notional = amount.mul(price);
    if (notional.lt(rules.minNotional))
      out.push({
        field: 'amount',
        code: 'below-min-notional',
        message: `Order value ${notional.toFixed(rules.priceDecimals)} ${q} is below the minimum of ${rules.minNotional} ${q}; raise the amount to at least ${rules.minNotional.div(price, rules.amountDecimals, 'ceil').roundToStep(rules.step, 'ceil')} ${rules.base}.`,
      });
  }
  return out;
}
