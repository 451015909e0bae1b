/**
 * The private side of the sandbox: user orders placed into the simulated markets' matching
 * engines (owner = the account's number), funds locked on placement, fills settled with
 * commission, stop orders held until the last price crosses their stop, OCO lists, and the
 * user-data events each change produces.
 *
 * Money is exact and conserved: every amount that leaves one balance arrives in another balance,
 * the commission pool, or the `crowd` ledger (the simulated counterparties' net flows), so for
 * each asset "accounts + fees + crowd" is constant. Fills settle synchronously inside the engine's
 * callbacks; nothing here awaits, so a lock computed before a submit is still right during it.
 *
 * This class is the desk's public surface; placement, the engine-facing order lifecycle,
 * settlement, the books and the event outbox each live in their own module.
 */
import type { MarketSimulator, OwnerListener } from '../market-simulator.js';
import type { Venue } from '../venue.js';
import type { Account, AccountStore } from './accounts.js';
import { DeskBooks } from './desk-books.js';
import { DeskOutbox, type UserEventSink } from './desk-events.js';
import { OrderLifecycle } from './order-lifecycle.js';
import type { OrderRequest } from './order-params.js';
import { OrderPlacement } from './order-placement.js';
import { privateErrors } from './private-errors.js';
import type { OrderList, UserFill, UserOrder, UserTrade } from './user-order.js';

export { DUPLICATE_WINDOW_MS, isTriggered } from './order-checks.js';
export type { UserEventSink } from './desk-events.js';

export interface Placed {
  order: UserOrder;
  /** Fills that happened while placing it (the FULL response's fills). */
  fills: UserFill[];
}

export class TradingDesk {
  /** Commission collected, per asset (units). */
  readonly fees = new Map<string, bigint>();
  /** Net amounts the simulated crowd received (positive) or paid (negative), per asset. */
  readonly crowd = new Map<string, bigint>();

  private readonly books = new DeskBooks();
  private readonly outbox: DeskOutbox;
  private readonly lifecycle: OrderLifecycle;
  private readonly placement: OrderPlacement;

  constructor(
    private readonly venue: Venue,
    readonly accounts: AccountStore,
  ) {
    this.outbox = new DeskOutbox(accounts);
    this.lifecycle = new OrderLifecycle(this.books, this.outbox, { fees: this.fees, crowd: this.crowd });
    this.placement = new OrderPlacement(this.books, this.lifecycle);
    for (const sim of venue.byId.values()) {
      this.books.add(sim);
      const listener: OwnerListener = {
        onFill: (tradeId, taker, maker, price, qty, time) =>
          this.lifecycle.onFill(sim, tradeId, taker, maker, price, qty, time),
        onOrder: (order) => this.lifecycle.onOrder(sim, order),
      };
      sim.ownerListener = listener;
    }
  }

  /** Where user-data events go once an operation is over. */
  get sink(): UserEventSink {
    return this.outbox.sink;
  }

  set sink(sink: UserEventSink) {
    this.outbox.sink = sink;
  }

  commissionRates(sim: MarketSimulator): { maker: bigint; taker: bigint } {
    const book = this.books.book(sim);
    return { maker: book.makerRate, taker: book.takerRate };
  }

  // ---- placing and cancelling -----------------------------------------------------------------

  placeOrder(account: Account, sim: MarketSimulator, req: OrderRequest): Placed {
    const now = this.venue.now();
    const order = this.placement.placeOrder(account, sim, req, now);
    this.afterOperation(sim, now);
    return { order, fills: [...order.fills] };
  }

  placeOco(
    account: Account,
    sim: MarketSimulator,
    legs: readonly [OrderRequest, OrderRequest],
    listClientOrderId: string | null,
  ): OrderList {
    const now = this.venue.now();
    const list = this.placement.placeOco(account, sim, legs, listClientOrderId, now);
    this.afterOperation(sim, now);
    return list;
  }

  /** Cancels an open order (and the rest of its order list). -2011 when it is not open. */
  cancelOrder(order: UserOrder, cancelClientId: string): UserOrder {
    if (!order.isOpen) throw privateErrors.cancelRejected();
    const now = this.venue.now();
    const legs = order.list === null ? [order] : order.list.orders.filter((o) => o.isOpen);
    for (const leg of legs) this.lifecycle.cancelOne(leg, now, cancelClientId);
    this.afterOperation(order.sim, now);
    return order;
  }

  cancelList(list: OrderList, sim: MarketSimulator, cancelClientId: string): OrderList {
    const open = list.orders.filter((o) => o.isOpen);
    if (open.length === 0) throw privateErrors.cancelRejected();
    const now = this.venue.now();
    for (const leg of open) this.lifecycle.cancelOne(leg, now, cancelClientId);
    this.afterOperation(sim, now);
    return list;
  }

  /** After the simulation advanced: trigger stops whose price was crossed, then send events. */
  afterAdvance(now: number): void {
    for (const sim of this.books.sims()) this.lifecycle.checkTriggers(sim, now);
    this.outbox.flush();
  }

  // ---- queries --------------------------------------------------------------------------------

  findOrder(
    account: Account,
    sim: MarketSimulator,
    orderId?: number,
    clientOrderId?: string,
  ): UserOrder | undefined {
    return this.books.findOrder(account, sim, orderId, clientOrderId);
  }

  findList(
    account: Account,
    sim: MarketSimulator,
    orderListId?: number,
    listClientOrderId?: string,
  ): OrderList | undefined {
    return this.books.findList(account, sim, orderListId, listClientOrderId);
  }

  ordersOf(account: Account): readonly UserOrder[] {
    return this.books.ordersOf(account);
  }

  tradesOf(account: Account): readonly UserTrade[] {
    return this.books.tradesOf(account);
  }

  private afterOperation(sim: MarketSimulator, now: number): void {
    this.lifecycle.checkTriggers(sim, now);
    this.outbox.flush();
  }
}
