/**
 * Checks made before an order is accepted, and the funds it must lock. None of them change state.
 */
import type { MarketSimulator } from '../market-simulator.js';
import { BUY, SELL } from '../order.js';
import type { Account } from './accounts.js';
import type { DeskBooks } from './desk-books.js';
import { budgetFromUnits, lotUnits, notionalUnitsCeil } from './money.js';
import { isStopType, type OrderRequest } from './order-params.js';
import { privateErrors } from './private-errors.js';
import { sweep } from './sweep.js';

/** A client order id used within this window (or still open) refuses a new order with the same id. */
export const DUPLICATE_WINDOW_MS = 24 * 60 * 60 * 1000;

export function isTriggered(o: { type: string; side: number; stopPrice: number }, last: number): boolean {
  const stopLoss = o.type === 'STOP_LOSS_LIMIT';
  const rising = (o.side === BUY) === stopLoss;
  return rising ? last >= o.stopPrice : last <= o.stopPrice;
}

export function checkDuplicate(
  books: DeskBooks,
  account: Account,
  sim: MarketSimulator,
  clientOrderId: string | null,
  now: number,
): void {
  if (clientOrderId === null) return;
  const previous = books.accountBook(account).byClientId.get(`${sim.market.id}:${clientOrderId}`);
  if (previous !== undefined && (previous.isOpen || now - previous.time < DUPLICATE_WINDOW_MS)) {
    throw privateErrors.duplicateOrder();
  }
}

/** LIMIT_MAKER that would take, or a stop that would fire at once, is refused (Binance -2010). */
export function checkImmediate(sim: MarketSimulator, req: OrderRequest): void {
  if (req.type === 'LIMIT_MAKER') {
    const best = req.side === BUY ? sim.engine.bestAsk() : sim.engine.bestBid();
    if (best !== undefined && (req.side === BUY ? best.price <= req.price : best.price >= req.price)) {
      throw privateErrors.wouldTake();
    }
  }
  if (isStopType(req.type) && isTriggered(req, sim.klines.lastPrice)) throw privateErrors.wouldTrigger();
}

export function lockNeed(
  account: Account,
  sim: MarketSimulator,
  req: OrderRequest,
): { asset: string; units: bigint } {
  const m = sim.market;
  if (req.type !== 'MARKET') {
    return req.side === BUY
      ? { asset: m.quote, units: notionalUnitsCeil(m, req.price, req.qty) }
      : { asset: m.base, units: lotUnits(m, req.qty) };
  }
  if (req.side === BUY && req.quoteOrderQty > 0n) return { asset: m.quote, units: req.quoteOrderQty };
  if (req.side === SELL && req.quoteOrderQty === 0n) return { asset: m.base, units: lotUnits(m, req.qty) };
  const size = req.qty > 0 ? { qty: req.qty } : { budget: budgetFromUnits(m, req.quoteOrderQty) };
  const taken = sweep(sim.engine, m, req.side, account.owner, req.stp, size);
  return req.side === BUY
    ? { asset: m.quote, units: taken.quote }
    : { asset: m.base, units: lotUnits(m, taken.lots) };
}
