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

export type SizedOrder = { ok: true; order: OrderRequest; units: number } | { ok: false; reason: string };

const noSlippage = { model: 'none' } as const;

/**
 * A strategy's order as a market order the trading engine can take. Units come from the backtest
 * account's own arithmetic (`SimAccount`, fee included, no slippage, priced at the bar's close) applied
 * to the live cash and the run's live position, so a size rule means the same thing in both; then the
 * amount is snapped down to the market's lot and checked against its minimums. Sells never exceed what
 * the run holds.
 */
export function sizeOrder(
  intent: PendingOrder,
  live: { cash: number; position: Decimal },
  bar: SizingBar,
  rules: MarketRules,
): SizedOrder {
  const fee = rules.taker.toNumber();
  const price = Decimal.from(bar.close);
  if (intent.action === 'buy') {
    const account = new SimAccount(Math.max(0, live.cash), fee, noSlippage);
    const fill = intent.size
      ? account.buy(bar.i, bar.time, bar.close, bar.volume, bar.close, intent.size, intent.equity)
      : null;
    if (fill === null) return { ok: false, reason: `No ${rules.quote} is free to buy ${rules.base} with.` };
    return finish('buy', Decimal.from(fill.units), price, rules);
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
    price,
    rules,
  );
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
