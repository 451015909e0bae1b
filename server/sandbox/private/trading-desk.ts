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
 */
import type { MarketSimulator, OwnerListener } from '../market-simulator.js';
import { BUY, CROWD, SELL, type Order } from '../order.js';
import type { Venue } from '../venue.js';
import { randomKey, type Account, type AccountStore } from './accounts.js';
import { budgetFromUnits, feeOf, lotUnits, notionalUnits, notionalUnitsCeil, parseAmount } from './money.js';
import { accountPosition, executionReport, type ExecutionType } from './order-format.js';
import { isStopType, type OrderRequest } from './order-params.js';
import { privateErrors } from './private-errors.js';
import { sweep } from './sweep.js';
import { FundsLock, UserOrder, type OrderList, type UserFill, type UserTrade } from './user-order.js';

/** A client order id used within this window (or still open) refuses a new order with the same id. */
export const DUPLICATE_WINDOW_MS = 24 * 60 * 60 * 1000;
const DEFAULT_FEE = '0.001';

export type UserEventSink = (account: Account, event: object) => void;

interface SymbolBook {
  nextOrderId: number;
  readonly byId: Map<number, UserOrder>;
  readonly byEngine: Map<Order, UserOrder>;
  /** Stop orders waiting for their trigger. */
  readonly pending: Set<UserOrder>;
  readonly lists: Map<number, OrderList>;
  readonly makerRate: bigint;
  readonly takerRate: bigint;
}

interface AccountBook {
  readonly orders: UserOrder[];
  /** "SYMBOL:clientOrderId" -> latest order with that id. */
  readonly byClientId: Map<string, UserOrder>;
  readonly listsByClientId: Map<string, OrderList>;
  readonly trades: UserTrade[];
}

export interface Placed {
  order: UserOrder;
  /** Fills that happened while placing it (the FULL response's fills). */
  fills: UserFill[];
}

function addTo(map: Map<string, bigint>, asset: string, units: bigint): void {
  map.set(asset, (map.get(asset) ?? 0n) + units);
}

function rate(text: string | undefined): bigint {
  const units = parseAmount(text ?? DEFAULT_FEE);
  if (units === null || units >= 100_000_000n) throw new Error(`invalid fee rate ${text}`);
  return units;
}

export function isTriggered(o: { type: string; side: number; stopPrice: number }, last: number): boolean {
  const stopLoss = o.type === 'STOP_LOSS_LIMIT';
  const rising = (o.side === BUY) === stopLoss;
  return rising ? last >= o.stopPrice : last <= o.stopPrice;
}

export class TradingDesk {
  /** Commission collected, per asset (units). */
  readonly fees = new Map<string, bigint>();
  /** Net amounts the simulated crowd received (positive) or paid (negative), per asset. */
  readonly crowd = new Map<string, bigint>();
  sink: UserEventSink = () => {};

  private readonly books = new Map<MarketSimulator, SymbolBook>();
  private readonly accountBooks = new Map<Account, AccountBook>();
  private readonly outbox: Array<{ account: Account; event: object }> = [];
  /** The order being submitted to an engine: its engine Order is bound on the first callback. */
  private submitting: UserOrder | null = null;
  private nextListId = 1;

  constructor(
    private readonly venue: Venue,
    readonly accounts: AccountStore,
  ) {
    for (const sim of venue.byId.values()) {
      this.books.set(sim, {
        nextOrderId: 1,
        byId: new Map(),
        byEngine: new Map(),
        pending: new Set(),
        lists: new Map(),
        makerRate: rate(sim.market.makerFee),
        takerRate: rate(sim.market.takerFee),
      });
      const listener: OwnerListener = {
        onFill: (tradeId, taker, maker, price, qty, time) =>
          this.onFill(sim, tradeId, taker, maker, price, qty, time),
        onOrder: (order) => this.onOrder(sim, order),
      };
      sim.ownerListener = listener;
    }
  }

  commissionRates(sim: MarketSimulator): { maker: bigint; taker: bigint } {
    const book = this.book(sim);
    return { maker: book.makerRate, taker: book.takerRate };
  }

  // ---- placing and cancelling -----------------------------------------------------------------

  placeOrder(account: Account, sim: MarketSimulator, req: OrderRequest): Placed {
    const now = this.venue.now();
    this.checkDuplicate(account, sim, req.clientOrderId, now);
    this.checkImmediate(sim, req);
    const { asset, units } = this.lockNeed(account, sim, req);
    if (!account.canLock(asset, units)) throw privateErrors.insufficientBalance();
    account.lock(asset, units);
    const order = this.register(account, sim, req, new FundsLock(account, asset, units), now);
    this.start(order, now);
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
      this.accountBook(account).listsByClientId.has(`${m.id}:${listClientOrderId}`)
    ) {
      throw privateErrors.duplicateOrder();
    }
    for (const leg of legs) {
      this.checkDuplicate(account, sim, leg.clientOrderId, now);
      this.checkImmediate(sim, leg);
    }
    if (above.clientOrderId !== null && above.clientOrderId === below.clientOrderId)
      throw privateErrors.duplicateOrder();
    // Only one leg can execute, so the list locks the larger need once.
    const needs = legs.map((leg) => this.lockNeed(account, sim, leg));
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
    this.book(sim).lists.set(list.orderListId, list);
    this.accountBook(account).listsByClientId.set(`${m.id}:${list.listClientOrderId}`, list);
    for (const leg of legs) {
      const order = this.register(account, sim, leg, lock, now);
      order.list = list;
      list.orders.push(order);
    }
    for (const order of list.orders) if (order.isOpen) this.start(order, now);
    this.afterOperation(sim, now);
    return list;
  }

  /** Cancels an open order (and the rest of its order list). -2011 when it is not open. */
  cancelOrder(order: UserOrder, cancelClientId: string): UserOrder {
    if (!order.isOpen) throw privateErrors.cancelRejected();
    const now = this.venue.now();
    const legs = order.list === null ? [order] : order.list.orders.filter((o) => o.isOpen);
    for (const leg of legs) this.cancelOne(leg, now, cancelClientId);
    this.afterOperation(order.sim, now);
    return order;
  }

  cancelList(list: OrderList, sim: MarketSimulator, cancelClientId: string): OrderList {
    const open = list.orders.filter((o) => o.isOpen);
    if (open.length === 0) throw privateErrors.cancelRejected();
    const now = this.venue.now();
    for (const leg of open) this.cancelOne(leg, now, cancelClientId);
    this.afterOperation(sim, now);
    return list;
  }

  /** After the simulation advanced: trigger stops whose price was crossed, then send events. */
  afterAdvance(now: number): void {
    for (const sim of this.books.keys()) this.checkTriggers(sim, now);
    this.flush();
  }

  // ---- queries --------------------------------------------------------------------------------

  findOrder(
    account: Account,
    sim: MarketSimulator,
    orderId?: number,
    clientOrderId?: string,
  ): UserOrder | undefined {
    const found =
      orderId !== undefined
        ? this.book(sim).byId.get(orderId)
        : this.accountBook(account).byClientId.get(`${sim.market.id}:${clientOrderId}`);
    if (found === undefined || found.account !== account) return undefined;
    if (orderId !== undefined && clientOrderId !== undefined && found.clientOrderId !== clientOrderId)
      return undefined;
    return found;
  }

  findList(
    account: Account,
    sim: MarketSimulator,
    orderListId?: number,
    listClientOrderId?: string,
  ): OrderList | undefined {
    const list =
      orderListId !== undefined
        ? this.book(sim).lists.get(orderListId)
        : this.accountBook(account).listsByClientId.get(`${sim.market.id}:${listClientOrderId}`);
    if (list === undefined || list.orders[0]?.account !== account) return undefined;
    return list;
  }

  ordersOf(account: Account): readonly UserOrder[] {
    return this.accountBook(account).orders;
  }

  tradesOf(account: Account): readonly UserTrade[] {
    return this.accountBook(account).trades;
  }

  // ---- internals ------------------------------------------------------------------------------

  private book(sim: MarketSimulator): SymbolBook {
    const book = this.books.get(sim);
    if (book === undefined) throw new Error(`unknown market ${sim.market.id}`);
    return book;
  }

  private accountBook(account: Account): AccountBook {
    let book = this.accountBooks.get(account);
    if (book === undefined) {
      book = { orders: [], byClientId: new Map(), listsByClientId: new Map(), trades: [] };
      this.accountBooks.set(account, book);
    }
    return book;
  }

  private checkDuplicate(
    account: Account,
    sim: MarketSimulator,
    clientOrderId: string | null,
    now: number,
  ): void {
    if (clientOrderId === null) return;
    const previous = this.accountBook(account).byClientId.get(`${sim.market.id}:${clientOrderId}`);
    if (previous !== undefined && (previous.isOpen || now - previous.time < DUPLICATE_WINDOW_MS)) {
      throw privateErrors.duplicateOrder();
    }
  }

  /** LIMIT_MAKER that would take, or a stop that would fire at once, is refused (Binance -2010). */
  private checkImmediate(sim: MarketSimulator, req: OrderRequest): void {
    if (req.type === 'LIMIT_MAKER') {
      const best = req.side === BUY ? sim.engine.bestAsk() : sim.engine.bestBid();
      if (best !== undefined && (req.side === BUY ? best.price <= req.price : best.price >= req.price)) {
        throw privateErrors.wouldTake();
      }
    }
    if (isStopType(req.type) && isTriggered(req, sim.klines.lastPrice)) throw privateErrors.wouldTrigger();
  }

  private lockNeed(
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

  private register(
    account: Account,
    sim: MarketSimulator,
    req: OrderRequest,
    lock: FundsLock,
    now: number,
  ): UserOrder {
    const book = this.book(sim);
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
    const mine = this.accountBook(account);
    mine.orders.push(order);
    mine.byClientId.set(`${sim.market.id}:${order.clientOrderId}`, order);
    account.updateTime = now;
    return order;
  }

  /** Stop orders wait for their trigger; everything else goes to the engine now. */
  private start(order: UserOrder, now: number): void {
    if (isStopType(order.type)) {
      this.book(order.sim).pending.add(order);
      this.report(order, 'NEW', now, null);
      this.position(order.account, [order.lock.asset], now);
      return;
    }
    this.submit(order, now);
  }

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
      this.patchLastReport(order);
      this.finish(order);
      this.position(order.account, [m.base, m.quote], now);
    }
  }

  private resolve(sim: MarketSimulator, engineOrder: Order): UserOrder | undefined {
    const book = this.book(sim);
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

  private onOrder(sim: MarketSimulator, engineOrder: Order): void {
    const order = this.resolve(sim, engineOrder);
    if (order === undefined || !order.isOpen) return;
    const now = engineOrder.updateTime;
    order.updateTime = now;
    if (engineOrder.status === 'NEW') {
      this.report(order, 'NEW', now, null);
      this.position(order.account, [order.lock.asset], now);
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
    this.report(order, x, now, null, x === 'CANCELED' ? this.cancelClientId : null);
    this.position(order.account, [order.lock.asset], now);
  }

  /** Client id of the cancel request being processed (Binance reports it as `c`). */
  private cancelClientId: string | null = null;

  private onFill(
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
    const book = this.book(sim);
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
    addTo(this.fees, gotAsset, commission);
    if (againstCrowd) {
      addTo(this.crowd, paidAsset, paid);
      addTo(this.crowd, gotAsset, -got);
    }
    account.updateTime = time;
    order.executedQty += qty;
    order.cumQuote += quote;
    order.updateTime = time;
    order.status = engineOrder.status === 'FILLED' ? 'FILLED' : 'PARTIALLY_FILLED';
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
    this.accountBook(account).trades.push({ symbol: m.id, id: tradeId, order, fill, isBuyer: buyer });
    if (order.list !== null) this.cancelOtherLegs(order, time);
    if (order.status === 'FILLED') this.finish(order);
    else this.releaseExcess(order.lock);
    this.report(order, 'TRADE', time, fill);
    this.position(account, [m.base, m.quote], time);
  }

  private checkTriggers(sim: MarketSimulator, now: number): void {
    const book = this.book(sim);
    if (book.pending.size === 0) return;
    const last = sim.klines.lastPrice;
    for (const order of [...book.pending]) {
      if (!order.isOpen || !book.pending.has(order) || !isTriggered(order, last)) continue;
      book.pending.delete(order);
      if (order.list !== null) this.cancelOtherLegs(order, now);
      this.submit(order, now);
    }
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

  private cancelOne(order: UserOrder, now: number, cancelClientId: string | null): void {
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
    this.report(order, 'CANCELED', now, null, cancelClientId);
    this.position(order.account, [order.lock.asset], now);
  }

  /** The order left the open state: stop tracking it and hand back what its lock no longer needs. */
  private finish(order: UserOrder): void {
    const book = this.book(order.sim);
    if (order.engine !== null) book.byEngine.delete(order.engine);
    book.pending.delete(order);
    order.lock.holders.delete(order);
    this.releaseExcess(order.lock);
    const list = order.list;
    if (list !== null && list.orders.every((o) => !o.isOpen)) list.done = true;
  }

  /** Releases locked funds beyond what the lock's open orders can still spend. */
  private releaseExcess(lock: FundsLock): void {
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

  private afterOperation(sim: MarketSimulator, now: number): void {
    this.checkTriggers(sim, now);
    this.flush();
  }

  private lastReports = new Map<UserOrder, Record<string, unknown>>();

  private report(
    order: UserOrder,
    x: ExecutionType,
    now: number,
    fill: UserFill | null,
    cancelClientId: string | null = null,
  ): void {
    const event = executionReport(order, x, now, fill, cancelClientId);
    this.lastReports.set(order, event);
    this.outbox.push({ account: order.account, event });
  }

  /** Rewrites the still-unsent last report of an order that the engine closed after it. */
  private patchLastReport(order: UserOrder): void {
    const event = this.lastReports.get(order);
    if (event !== undefined) {
      event['X'] = order.status;
      event['w'] = false;
    }
  }

  private position(account: Account, assets: string[], now: number): void {
    this.outbox.push({ account, event: accountPosition(account, assets, now) });
  }

  private flush(): void {
    this.lastReports.clear();
    const events = this.outbox.splice(0);
    if (events.length > 0) this.accounts.onChange();
    for (const { account, event } of events) this.sink(account, event);
  }
}
