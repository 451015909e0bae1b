import { SimAccount } from '../../research/backtest/sim-account.js';
import type { PendingOrder } from '../../research/backtest/sim-context.js';
import { Decimal } from '../../money/decimal.js';
import type { MarketRules } from '../../money/market-rules.js';
import type { OrderRequest } from '../api.js';
import { sizeLeg } from '../rebalance/leg-sizing.js';

export interface SizingBar {
  i: number;
  time: number;
  close: number;
  volume: number;
}

/** How the headroom rule changed a buy: priced at `price` (above the close), `unshrunk` at the close. */
export interface Headroom {
  price: Decimal;
  unshrunk: Decimal;
}

export type SizedOrder =
  { ok: true; order: OrderRequest; units: number; headroom?: Headroom } | { ok: false; reason: string };

/**
 * What the trading engine would value a market buy of `amount` at now: the average price of walking
 * the book's asks for it, as the risk gate's balance check does; null when it cannot say (no book).
 */
export type BuyPrice = (amount: Decimal) => Decimal | null;

const noSlippage = { model: 'none' } as const;

/**
 * A strategy's order as a market order the trading engine can take. Units come from the backtest
 * account's own arithmetic (`SimAccount`, fee included, no slippage) applied to the live cash and the
 * run's live position, so a size rule means the same thing in both; then the amount is snapped down to
 * the market's lot and checked against its minimums. Sells never exceed what the run holds.
 *
 * The headroom rule: a buy is priced at the higher of the bar's close and what the market asks for it
 * now (`buyPrice`, the book's average price for the amount sized at the close). The backtest fills at
 * the close; live, the order meets the book some time after the bar closed, and the risk gate checks the
 * cash against the book's price: priced at the close alone, an all-in buy after the price rose would
 * need more cash than the run has, and be refused. Sized at the ask, the amount is smaller (the result's
 * `headroom` says by how much, for the run's notes) and its own average price is at most that ask, so
 * the check passes. When the ask is at or below the close, or there is no book, the buy is sized at the
 * close, exactly as the backtest sizes it.
 */
export function sizeOrder(
  intent: PendingOrder,
  live: { cash: number; position: Decimal },
  bar: SizingBar,
  rules: MarketRules,
  buyPrice?: BuyPrice,
): SizedOrder {
  const fee = rules.taker.toNumber();
  const close = Decimal.from(bar.close);
  if (intent.action === 'buy') {
    const atClose = sizeBuy(intent, live.cash, bar, close, fee, rules);
    if (!atClose.ok || buyPrice === undefined) return atClose;
    const ask = buyPrice(Decimal.from(atClose.order.amount));
    if (ask === null || !ask.gt(close)) return atClose;
    const atAsk = sizeBuy(intent, live.cash, bar, ask, fee, rules);
    if (!atAsk.ok) return atAsk;
    const unshrunk = Decimal.from(atClose.order.amount);
    return Decimal.from(atAsk.order.amount).lt(unshrunk)
      ? { ...atAsk, headroom: { price: ask, unshrunk } }
      : atAsk;
  }
  if (!live.position.isPositive()) return { ok: false, reason: `The run holds no ${rules.base} to sell.` };
  const account = new SimAccount(0, fee, noSlippage);
  const held = live.position.toNumber();
  account.position = held;
  const fill = account.sell(bar.i, bar.time, bar.close, bar.volume, intent.units, intent.reason);
  if (fill === null) return { ok: false, reason: `The run holds no ${rules.base} to sell.` };
  // All of it is the exact decimal held, not its float image.
  const all = Number.isNaN(intent.units) || fill.units >= held;
  return finish(
    'sell',
    all ? live.position : Decimal.min(Decimal.from(fill.units), live.position),
    close,
    rules,
  );
}

/** A buy sized as the backtest sizes one filling at `price`. */
function sizeBuy(
  intent: PendingOrder,
  cash: number,
  bar: SizingBar,
  price: Decimal,
  fee: number,
  rules: MarketRules,
): SizedOrder {
  const account = new SimAccount(Math.max(0, cash), fee, noSlippage);
  const p = price.toNumber();
  const fill = intent.size
    ? account.buy(bar.i, bar.time, p, bar.volume, bar.close, intent.size, intent.equity)
    : null;
  if (fill === null) return { ok: false, reason: `No ${rules.quote} is free to buy ${rules.base} with.` };
  return finish('buy', Decimal.from(fill.units), price, rules);
}

function finish(side: 'buy' | 'sell', wanted: Decimal, price: Decimal, rules: MarketRules): SizedOrder {
  const leg = sizeLeg(rules, side, wanted, price);
  if (!leg.ok) return { ok: false, reason: leg.reason };
  return {
    ok: true,
    units: leg.amount.toNumber(),
    order: { symbol: rules.symbol, side, type: 'market', amount: leg.amount.toString() },
  };
}
