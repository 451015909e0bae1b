/**
 * What a market order would take from the book right now, computed by walking the resting orders
 * exactly as the matching engine will (price-time order, self-trade prevention, quote budgets).
 * Used to lock the funds a market order needs before it is sent, so a fill can never be short.
 */
import type { MatchingEngine } from '../matching-engine.js';
import type { Market } from '../markets.js';
import { BUY, SELL, type Side, type StpMode } from '../order.js';
import { notionalUnits } from './money.js';

export interface SweepResult {
  /** Lots that would execute. */
  lots: number;
  /** Quote units paid or received: the sum of each fill's truncated notional. */
  quote: bigint;
}

export function sweep(
  engine: MatchingEngine,
  market: Market,
  takerSide: Side,
  owner: number,
  stp: StpMode,
  size: { qty: number } | { budget: number },
): SweepResult {
  const book = engine.side(takerSide === BUY ? SELL : BUY);
  let remaining = 'qty' in size ? size.qty : 0;
  let budget = 'budget' in size ? size.budget : 0;
  const byQuote = 'budget' in size;
  let lots = 0;
  let quote = 0n;
  for (let rank = 0; rank < book.size; rank++) {
    const level = book.at(rank);
    if (level === undefined) break;
    for (let maker = level.head; maker !== null; maker = maker.next) {
      if (stp !== 'NONE' && maker.owner === owner) {
        if (stp === 'EXPIRE_TAKER' || stp === 'EXPIRE_BOTH') return { lots, quote };
        continue;
      }
      let qty: number;
      if (byQuote) {
        qty = Math.min(Math.floor(budget / level.price), maker.leaves);
        if (qty <= 0) return { lots, quote };
        budget -= qty * level.price;
      } else {
        qty = Math.min(remaining, maker.leaves);
        remaining -= qty;
      }
      lots += qty;
      quote += notionalUnits(market, level.price, qty);
      if (!byQuote && remaining === 0) return { lots, quote };
    }
  }
  return { lots, quote };
}
