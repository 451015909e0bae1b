/**
 * Money movements of a fill, and releasing locked funds an order no longer needs. Every amount
 * that leaves one balance arrives in another balance, the commission pool, or the crowd ledger.
 */
import type { MarketSimulator } from '../market-simulator.js';
import { BUY } from '../order.js';
import type { SymbolBook } from './desk-books.js';
import { feeOf, lotUnits, notionalUnits, notionalUnitsCeil } from './money.js';
import type { FundsLock, UserFill, UserOrder } from './user-order.js';

export interface Ledgers {
  /** Commission collected, per asset (units). */
  readonly fees: Map<string, bigint>;
  /** Net amounts the simulated crowd received (positive) or paid (negative), per asset. */
  readonly crowd: Map<string, bigint>;
}

export interface FillFacts {
  tradeId: number;
  price: number;
  qty: number;
  time: number;
  isMaker: boolean;
  againstCrowd: boolean;
  /** The engine declared the order FILLED with this fill. */
  filled: boolean;
}

function addTo(map: Map<string, bigint>, asset: string, units: bigint): void {
  map.set(asset, (map.get(asset) ?? 0n) + units);
}

/** Pays for one fill out of the order's lock, credits what it bought less commission, and records it. */
export function settleFill(
  ledgers: Ledgers,
  sim: MarketSimulator,
  book: SymbolBook,
  order: UserOrder,
  f: FillFacts,
): UserFill {
  const { tradeId, price, qty, time, isMaker, againstCrowd } = f;
  const m = sim.market;
  const quote = notionalUnits(m, price, qty);
  const base = lotUnits(m, qty);
  const buyer = order.side === BUY;
  const paidAsset = buyer ? m.quote : m.base;
  const paid = buyer ? quote : base;
  const gotAsset = buyer ? m.base : m.quote;
  const got = buyer ? base : quote;
  const account = order.account;
  if (order.lock.units < paid) throw new Error(`order ${order.orderId} lock is short of a fill`);
  order.lock.units -= paid;
  account.spendLocked(paidAsset, paid);
  const commission = feeOf(got, isMaker ? book.makerRate : book.takerRate);
  account.credit(gotAsset, got - commission);
  addTo(ledgers.fees, gotAsset, commission);
  if (againstCrowd) {
    addTo(ledgers.crowd, paidAsset, paid);
    addTo(ledgers.crowd, gotAsset, -got);
  }
  account.updateTime = time;
  order.executedQty += qty;
  order.cumQuote += quote;
  order.updateTime = time;
  order.status = f.filled ? 'FILLED' : 'PARTIALLY_FILLED';
  const fill: UserFill = {
    tradeId,
    price,
    qty,
    quote,
    commission,
    commissionAsset: gotAsset,
    time,
    isMaker,
  };
  order.fills.push(fill);
  return fill;
}

/** Releases locked funds beyond what the lock's open orders can still spend. */
export function releaseExcess(lock: FundsLock): void {
  let required = 0n;
  for (const o of lock.holders) {
    if (!o.isOpen) continue;
    // A market order is settling right now; what it does not use is released when it ends.
    if (o.type === 'MARKET') return;
    const m = o.sim.market;
    const need = o.side === BUY ? notionalUnitsCeil(m, o.price, o.leaves) : lotUnits(m, o.leaves);
    if (need > required) required = need;
  }
  if (lock.units > required) {
    lock.account.unlock(lock.asset, lock.units - required);
    lock.units = required;
  }
}
