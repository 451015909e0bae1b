/**
 * Accepting new orders and OCO lists: refusals first (duplicates, immediate takes or triggers,
 * funds), then the funds lock, then registration in the books before the order starts working.
 */
import type { MarketSimulator } from '../market-simulator.js';
import { randomKey, type Account } from './accounts.js';
import type { DeskBooks } from './desk-books.js';
import { checkDuplicate, checkImmediate, lockNeed } from './order-checks.js';
import type { OrderLifecycle } from './order-lifecycle.js';
import { isStopType, type OrderRequest } from './order-params.js';
import { privateErrors } from './private-errors.js';
import { FundsLock, UserOrder, type OrderList } from './user-order.js';

export class OrderPlacement {
  private nextListId = 1;

  constructor(
    private readonly books: DeskBooks,
    private readonly lifecycle: OrderLifecycle,
  ) {}

  /** Places one order; the caller runs triggers and sends events afterwards. */
  placeOrder(account: Account, sim: MarketSimulator, req: OrderRequest, now: number): UserOrder {
    checkDuplicate(this.books, account, sim, req.clientOrderId, now);
    checkImmediate(sim, req);
    const { asset, units } = lockNeed(account, sim, req);
    if (!account.canLock(asset, units)) throw privateErrors.insufficientBalance();
    account.lock(asset, units);
    const order = this.register(account, sim, req, new FundsLock(account, asset, units), now);
    this.lifecycle.start(order, now);
    return order;
  }

  /** Places both legs of an OCO list; the caller runs triggers and sends events afterwards. */
  placeOco(
    account: Account,
    sim: MarketSimulator,
    legs: readonly [OrderRequest, OrderRequest],
    listClientOrderId: string | null,
    now: number,
  ): OrderList {
    const [above, below] = legs;
    const m = sim.market;
    if ((above.type === 'LIMIT_MAKER') === (below.type === 'LIMIT_MAKER') && above.type === 'LIMIT_MAKER') {
      throw privateErrors.rejected('An OCO needs at most one LIMIT_MAKER leg.');
    }
    const last = sim.klines.lastPrice;
    const level = (r: OrderRequest) => (isStopType(r.type) ? r.stopPrice : r.price);
    if (!(level(above) > last) || !(level(below) < last)) {
      throw privateErrors.rejected('The above leg must be above and the below leg below the last price.');
    }
    if (
      listClientOrderId !== null &&
      this.books.accountBook(account).listsByClientId.has(`${m.id}:${listClientOrderId}`)
    ) {
      throw privateErrors.duplicateOrder();
    }
    for (const leg of legs) {
      checkDuplicate(this.books, account, sim, leg.clientOrderId, now);
      checkImmediate(sim, leg);
    }
    if (above.clientOrderId !== null && above.clientOrderId === below.clientOrderId)
      throw privateErrors.duplicateOrder();
    // Only one leg can execute, so the list locks the larger need once.
    const needs = legs.map((leg) => lockNeed(account, sim, leg));
    const asset = needs[0]?.asset as string;
    const units = needs.reduce((max, n) => (n.units > max ? n.units : max), 0n);
    if (!account.canLock(asset, units)) throw privateErrors.insufficientBalance();
    account.lock(asset, units);
    const lock = new FundsLock(account, asset, units);
    const list: OrderList = {
      orderListId: this.nextListId++,
      listClientOrderId: listClientOrderId ?? randomKey(22),
      symbol: m.id,
      orders: [],
      transactionTime: now,
      done: false,
    };
    this.books.book(sim).lists.set(list.orderListId, list);
    this.books.accountBook(account).listsByClientId.set(`${m.id}:${list.listClientOrderId}`, list);
    for (const leg of legs) {
      const order = this.register(account, sim, leg, lock, now);
      order.list = list;
      list.orders.push(order);
    }
    for (const order of list.orders) if (order.isOpen) this.lifecycle.start(order, now);
    return list;
  }

  private register(
    account: Account,
    sim: MarketSimulator,
    req: OrderRequest,
    lock: FundsLock,
    now: number,
  ): UserOrder {
    const book = this.books.book(sim);
    const order = new UserOrder(
      book.nextOrderId++,
      req.clientOrderId ?? randomKey(22),
      account,
      sim,
      req.side,
      req.type,
      req.tif,
      req.price,
      req.qty,
      req.quoteOrderQty,
      req.stopPrice,
      req.stp,
      now,
      lock,
    );
    lock.holders.add(order);
    book.byId.set(order.orderId, order);
    const mine = this.books.accountBook(account);
    mine.orders.push(order);
    mine.byClientId.set(`${sim.market.id}:${order.clientOrderId}`, order);
    account.updateTime = now;
    return order;
  }
}
