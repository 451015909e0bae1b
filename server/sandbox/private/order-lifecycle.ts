/**
 * Orders once accepted: sent to the engine (or held until their stop triggers), bound to the
 * engine's Order on its first callback, settled on fills, and cancelled — with an order list's
 * other legs cancelled once one leg executes or triggers. Fills settle synchronously inside the
 * engine's callbacks.
 */
import type { MarketSimulator } from '../market-simulator.js';
import { BUY, CROWD, type Order } from '../order.js';
import type { DeskBooks } from './desk-books.js';
import type { DeskOutbox } from './desk-events.js';
import { isTriggered } from './order-checks.js';
import type { ExecutionType } from './order-format.js';
import { budgetFromUnits } from './money.js';
import { isStopType } from './order-params.js';
import { releaseExcess, settleFill, type Ledgers } from './settlement.js';
import type { OrderList, UserOrder } from './user-order.js';

export class OrderLifecycle {
  /** The order being submitted to an engine: its engine Order is bound on the first callback. */
  private submitting: UserOrder | null = null;
  /** Client id of the cancel request being processed (Binance reports it as `c`). */
  private cancelClientId: string | null = null;

  constructor(
    private readonly books: DeskBooks,
    private readonly outbox: DeskOutbox,
    private readonly ledgers: Ledgers,
  ) {}

  /** Stop orders wait for their trigger; everything else goes to the engine now. */
  start(order: UserOrder, now: number): void {
    if (isStopType(order.type)) {
      this.books.book(order.sim).pending.add(order);
      this.outbox.report(order, 'NEW', now, null);
      this.outbox.position(order.account, [order.lock.asset], now);
      return;
    }
    this.submit(order, now);
  }

  checkTriggers(sim: MarketSimulator, now: number): void {
    const book = this.books.book(sim);
    if (book.pending.size === 0) return;
    const last = sim.klines.lastPrice;
    for (const order of [...book.pending]) {
      if (!order.isOpen || !book.pending.has(order) || !isTriggered(order, last)) continue;
      book.pending.delete(order);
      if (order.list !== null) this.cancelOtherLegs(order, now);
      this.submit(order, now);
    }
  }

  cancelOne(order: UserOrder, now: number, cancelClientId: string | null): void {
    if (order.engine?.isOpen === true) {
      this.cancelClientId = cancelClientId;
      try {
        order.sim.engine.cancel(order.engine, now);
      } finally {
        this.cancelClientId = null;
      }
      return;
    }
    order.status = 'CANCELED';
    order.updateTime = now;
    this.finish(order);
    this.outbox.report(order, 'CANCELED', now, null, cancelClientId);
    this.outbox.position(order.account, [order.lock.asset], now);
  }

  // ---- engine callbacks -----------------------------------------------------------------------

  onOrder(sim: MarketSimulator, engineOrder: Order): void {
    const order = this.resolve(sim, engineOrder);
    if (order === undefined || !order.isOpen) return;
    const now = engineOrder.updateTime;
    order.updateTime = now;
    if (engineOrder.status === 'NEW') {
      this.outbox.report(order, 'NEW', now, null);
      this.outbox.position(order.account, [order.lock.asset], now);
      return;
    }
    if (engineOrder.status === 'PARTIALLY_FILLED' || engineOrder.status === 'FILLED') return;
    order.status = engineOrder.status;
    this.finish(order);
    const x: ExecutionType =
      order.status === 'EXPIRED_IN_MATCH'
        ? 'TRADE_PREVENTION'
        : order.status === 'REJECTED'
          ? 'REJECTED'
          : order.status === 'EXPIRED'
            ? 'EXPIRED'
            : 'CANCELED';
    this.outbox.report(order, x, now, null, x === 'CANCELED' ? this.cancelClientId : null);
    this.outbox.position(order.account, [order.lock.asset], now);
  }

  onFill(
    sim: MarketSimulator,
    tradeId: number,
    taker: Order,
    maker: Order,
    price: number,
    qty: number,
    time: number,
  ): void {
    const crowdOnOtherSide = taker.owner === CROWD || maker.owner === CROWD;
    if (taker.owner !== CROWD) this.settle(sim, taker, tradeId, price, qty, time, false, crowdOnOtherSide);
    if (maker.owner !== CROWD) this.settle(sim, maker, tradeId, price, qty, time, true, crowdOnOtherSide);
  }

  // ---- internals ------------------------------------------------------------------------------

  private submit(order: UserOrder, now: number): void {
    const engine = order.sim.engine;
    const m = order.sim.market;
    order.workingTime = now;
    this.submitting = order;
    try {
      if (order.type === 'MARKET') {
        engine.submitMarket({
          owner: order.account.owner,
          side: order.side,
          ...(order.qty > 0 ? { qty: order.qty } : { quoteBudget: budgetFromUnits(m, order.quoteOrderQty) }),
          time: now,
          clientOrderId: order.clientOrderId,
          stp: order.stp,
        });
      } else {
        engine.submitLimit({
          owner: order.account.owner,
          side: order.side,
          price: order.price,
          qty: order.qty,
          time: now,
          tif: order.tif,
          postOnly: order.type === 'LIMIT_MAKER',
          clientOrderId: order.clientOrderId,
          stp: order.stp,
        });
      }
    } finally {
      this.submitting = null;
    }
    // A quote-sized market order is declared FILLED by the engine after its last fill.
    const e = order.engine;
    if (e !== null && order.isOpen && e.status === 'FILLED') {
      order.status = 'FILLED';
      this.outbox.patchLastReport(order);
      this.finish(order);
      this.outbox.position(order.account, [m.base, m.quote], now);
    }
  }

  private resolve(sim: MarketSimulator, engineOrder: Order): UserOrder | undefined {
    const book = this.books.book(sim);
    const known = book.byEngine.get(engineOrder);
    if (known !== undefined) return known;
    const current = this.submitting;
    if (
      current !== null &&
      current.sim === sim &&
      current.engine === null &&
      engineOrder.owner === current.account.owner
    ) {
      current.engine = engineOrder;
      book.byEngine.set(engineOrder, current);
      return current;
    }
    return undefined;
  }

  private settle(
    sim: MarketSimulator,
    engineOrder: Order,
    tradeId: number,
    price: number,
    qty: number,
    time: number,
    isMaker: boolean,
    againstCrowd: boolean,
  ): void {
    const order = this.resolve(sim, engineOrder);
    if (order === undefined) return;
    const m = sim.market;
    const filled = engineOrder.status === 'FILLED';
    const facts = { tradeId, price, qty, time, isMaker, againstCrowd, filled };
    const fill = settleFill(this.ledgers, sim, this.books.book(sim), order, facts);
    const account = order.account;
    const isBuyer = order.side === BUY;
    this.books.accountBook(account).trades.push({ symbol: m.id, id: tradeId, order, fill, isBuyer });
    if (order.list !== null) this.cancelOtherLegs(order, time);
    if (order.status === 'FILLED') this.finish(order);
    else releaseExcess(order.lock);
    this.outbox.report(order, 'TRADE', time, fill);
    this.outbox.position(account, [m.base, m.quote], time);
  }

  /** One leg of a list executed or triggered: the others are cancelled. */
  private cancelOtherLegs(order: UserOrder, now: number): void {
    for (const leg of (order.list as OrderList).orders) {
      if (leg === order || !leg.isOpen) continue;
      if (leg.engine?.isOpen === true) {
        // Resting legs are only possible outside matching (a LIMIT_MAKER leg never executes
        // while the other leg rests), so touching the engine here is safe.
        leg.sim.engine.cancel(leg.engine, now);
      } else {
        this.cancelOne(leg, now, null);
      }
    }
  }

  /** The order left the open state: stop tracking it and hand back what its lock no longer needs. */
  private finish(order: UserOrder): void {
    const book = this.books.book(order.sim);
    if (order.engine !== null) book.byEngine.delete(order.engine);
    book.pending.delete(order);
    order.lock.holders.delete(order);
    releaseExcess(order.lock);
    const list = order.list;
    if (list !== null && list.orders.every((o) => !o.isOpen)) list.done = true;
  }
}
