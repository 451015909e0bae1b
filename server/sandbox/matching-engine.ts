/**
 * Price-time priority limit order book for one symbol.
 *
 * Prices are integer ticks and quantities integer lots, so matching is exact. The engine knows
 * nothing about Binance or the simulated crowd beyond the `owner` number: every order has one
 * (CROWD = 0 for the order-flow model), and every execution reports both sides' orders, so user
 * orders, balances and the user data stream can be layered on without touching the matcher.
 *
 * Hot path notes: the backfill pushes millions of orders through here. Each side keeps its level
 * prices in a sorted Float64Array with the best price last (binary search stays in cache, inserts
 * near the top move few bytes, consuming the best level is a decrement) next to a price -> level
 * map; orders form an intrusive FIFO list per level (O(1) cancel); callbacks take positional
 * arguments instead of event objects.
 */

import {
  BUY,
  CROWD,
  CROWD_POOLS,
  Order,
  SELL,
  type OrderStatus,
  type OrderType,
  type Side,
  type StpMode,
  type TimeInForce,
} from './order.js';
import { BookSide, Level } from './price-levels.js';

// The engine's vocabulary, re-exported so its users import one module.
export { BUY, CROWD, CROWD_POOLS, Order, SELL, BookSide, Level };
export type { OrderStatus, OrderType, Side, StpMode, TimeInForce };

export interface EngineListener {
  /**
   * One execution. Both orders are already updated (executedQty, cumQuote, leaves, status).
   * Crowd orders may be dropped right after; listeners must copy what they need.
   */
  onFill(tradeId: number, taker: Order, maker: Order, price: number, qty: number, time: number): void;
  /** Visible book change: the level's new total quantity (0 = level removed). `updateId` is the book's. */
  onLevel(side: Side, price: number, qty: number, updateId: number): void;
  /**
   * Order lifecycle outside fills: accepted (NEW, before its fills), and final states that are not
   * FILLED (CANCELED, EXPIRED, EXPIRED_IN_MATCH, REJECTED).
   */
  onOrder(order: Order): void;
}

const NOOP_LISTENER: EngineListener = {
  onFill() {},
  onLevel() {},
  onOrder() {},
};

export interface LimitRequest {
  owner: number;
  side: Side;
  price: number;
  qty: number;
  time: number;
  tif?: TimeInForce;
  postOnly?: boolean;
  clientOrderId?: string | null;
  stp?: StpMode;
}

export interface MarketRequest {
  owner: number;
  side: Side;
  /** Lots; or give quoteBudget (ticks × lots) instead. */
  qty?: number;
  quoteBudget?: number;
  time: number;
  clientOrderId?: string | null;
  stp?: StpMode;
}

function assertPositiveInt(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${what} must be a positive integer`);
}

export class MatchingEngine {
  /** Id of the last change to the visible book (Binance's lastUpdateId / depth u). */
  updateId = 0;
  listener: EngineListener = NOOP_LISTENER;

  private readonly bids = new BookSide(BUY);
  private readonly asks = new BookSide(SELL);
  private readonly crowd: Order[][] = Array.from({ length: CROWD_POOLS }, () => []);
  private readonly owned = new Map<number, Order>();
  /** Recycled crowd orders (see Order). */
  private readonly spare: Order[] = [];
  private nextOrderId = 1;
  private nextTradeId = 1;
  // Set once per public operation so all its level changes share one update id.
  private touched = false;

  /** Resting crowd orders in one pool. */
  crowdCount(pool = 0): number {
    return (this.crowd[pool] as Order[]).length;
  }

  crowdOrderAt(pool: number, index: number): Order | undefined {
    return (this.crowd[pool] as Order[])[index];
  }

  /** Open (resting) order of a non-crowd owner. */
  getOpenOrder(id: number): Order | undefined {
    return this.owned.get(id);
  }

  /** One side of the book (read it, never change it from outside). */
  side(side: Side): BookSide {
    return side === BUY ? this.bids : this.asks;
  }

  bestBid(): Level | undefined {
    return this.bids.best;
  }

  bestAsk(): Level | undefined {
    return this.asks.best;
  }

  submitLimit(req: LimitRequest): Order {
    assertPositiveInt(req.price, 'price');
    assertPositiveInt(req.qty, 'qty');
    return this.limit(
      req.owner,
      req.side,
      req.price,
      req.qty,
      req.tif ?? 'GTC',
      req.postOnly ?? false,
      req.time,
      req.clientOrderId ?? null,
      req.stp ?? 'EXPIRE_MAKER',
    );
  }

  submitMarket(req: MarketRequest): Order {
    const qty = req.qty ?? 0;
    const budget = req.quoteBudget ?? 0;
    if (qty > 0 === budget > 0) throw new RangeError('market order needs exactly one of qty or quoteBudget');
    assertPositiveInt(qty > 0 ? qty : budget, qty > 0 ? 'qty' : 'quoteBudget');
    return this.market(
      req.owner,
      req.side,
      qty,
      budget,
      req.time,
      req.clientOrderId ?? null,
      req.stp ?? 'EXPIRE_MAKER',
    );
  }

  /** Positional fast path used by the order-flow model (no request object per order). */
  limit(
    owner: number,
    side: Side,
    price: number,
    qty: number,
    tif: TimeInForce,
    postOnly: boolean,
    time: number,
    clientOrderId: string | null,
    stp: StpMode,
    pool = 0,
  ): Order {
    if (pool !== 0 && (owner !== CROWD || pool < 0 || pool >= CROWD_POOLS))
      throw new RangeError('bad crowd pool');
    this.touched = false;
    const order = this.newOrder(owner).init(
      this.nextOrderId++,
      owner,
      side,
      postOnly ? 'LIMIT_MAKER' : 'LIMIT',
      postOnly ? 'GTC' : tif,
      price,
      qty,
      0,
      time,
      clientOrderId,
      stp,
      pool,
    );
    const opposite = side === BUY ? this.asks : this.bids;
    const best = opposite.best;
    const crosses = best !== undefined && (side === BUY ? best.price <= price : best.price >= price);
    if (postOnly && crosses) {
      order.status = 'REJECTED';
      order.leaves = 0;
      this.listener.onOrder(order);
      return this.done(order);
    }
    if (tif === 'FOK' && !this.canFill(side, price, qty)) {
      // Binance accepts the FOK order and then expires it without trading.
      this.listener.onOrder(order);
      order.status = 'EXPIRED';
      order.leaves = 0;
      this.listener.onOrder(order);
      return this.done(order);
    }
    this.listener.onOrder(order);
    if (crosses) this.match(order, opposite, time);
    if (order.status === 'EXPIRED_IN_MATCH') {
      this.listener.onOrder(order);
    } else if (order.leaves > 0) {
      if (tif === 'GTC') {
        this.rest(order);
      } else {
        order.status = 'EXPIRED';
        order.leaves = 0;
        this.listener.onOrder(order);
      }
    }
    return this.done(order);
  }

  market(
    owner: number,
    side: Side,
    qty: number,
    quoteBudget: number,
    time: number,
    clientOrderId: string | null,
    stp: StpMode,
  ): Order {
    this.touched = false;
    const order = this.newOrder(owner).init(
      this.nextOrderId++,
      owner,
      side,
      'MARKET',
      'GTC',
      0,
      qty,
      quoteBudget,
      time,
      clientOrderId,
      stp,
      0,
    );
    this.listener.onOrder(order);
    this.match(order, side === BUY ? this.asks : this.bids, time);
    if (order.status !== 'FILLED') {
      if (order.status !== 'EXPIRED_IN_MATCH') order.status = 'EXPIRED';
      order.leaves = 0;
      this.listener.onOrder(order);
    }
    return this.done(order);
  }

  /** Cancels a resting order. Returns false if it is not on the book (filled, expired, unknown). */
  cancel(order: Order, time: number): boolean {
    if (order.level === null) return false;
    this.touched = false;
    this.removeResting(order, time);
    order.status = 'CANCELED';
    this.listener.onOrder(order);
    return true;
  }

  cancelById(id: number, time: number): Order | undefined {
    const order = this.owned.get(id);
    if (order === undefined) return undefined;
    this.cancel(order, time);
    return order;
  }

  private newOrder(owner: number): Order {
    return (owner === CROWD ? this.spare.pop() : undefined) ?? new Order();
  }

  /** End of a submit: a crowd order that is not resting can be reused from the next submit on. */
  private done(order: Order): Order {
    if (order.owner === CROWD && order.level === null) this.spare.push(order);
    return order;
  }

  private touch(): number {
    if (!this.touched) {
      this.touched = true;
      this.updateId++;
    }
    return this.updateId;
  }

  /** FOK pre-check: is there at least `qty` at prices no worse than `price`? */
  private canFill(side: Side, price: number, qty: number): boolean {
    const opposite = side === BUY ? this.asks : this.bids;
    let available = 0;
    for (let rank = 0; rank < opposite.size; rank++) {
      const level = opposite.at(rank) as Level;
      if (side === BUY ? level.price > price : level.price < price) break;
      available += level.total;
      if (available >= qty) return true;
    }
    return false;
  }

  private match(taker: Order, opposite: BookSide, time: number): void {
    const buy = taker.side === BUY;
    const isMarket = taker.type === 'MARKET';
    const byQuote = taker.quoteBudget > 0;
    let budget = taker.quoteBudget - taker.cumQuote;
    const checkStp = taker.owner !== CROWD && taker.stp !== 'NONE';
    const makerSide: Side = buy ? SELL : BUY;
    const listener = this.listener;

    let level: Level | undefined;
    while ((level = opposite.best) !== undefined) {
      const price = level.price;
      if (!isMarket && (buy ? price > taker.price : price < taker.price)) break;
      let maker = level.head;
      let stop = false;
      let changed = false;
      while (maker !== null) {
        const nextMaker: Order | null = maker.next;
        if (checkStp && maker.owner === taker.owner) {
          const mode = taker.stp;
          if (mode === 'EXPIRE_MAKER' || mode === 'EXPIRE_BOTH') {
            this.detach(maker, time);
            changed = true;
            maker.status = 'EXPIRED_IN_MATCH';
            listener.onOrder(maker);
          }
          if (mode === 'EXPIRE_TAKER' || mode === 'EXPIRE_BOTH') {
            taker.status = 'EXPIRED_IN_MATCH';
            taker.leaves = 0;
            stop = true;
            break;
          }
          maker = nextMaker;
          continue;
        }
        let qty: number;
        if (byQuote) {
          qty = Math.min(Math.floor(budget / price), maker.leaves);
          if (qty <= 0) {
            stop = true;
            break;
          }
          budget -= qty * price;
        } else {
          qty = taker.leaves < maker.leaves ? taker.leaves : maker.leaves;
        }
        const notional = qty * price;
        changed = true;
        maker.leaves -= qty;
        maker.executedQty += qty;
        maker.cumQuote += notional;
        maker.updateTime = time;
        level.total -= qty;
        taker.executedQty += qty;
        taker.cumQuote += notional;
        taker.updateTime = time;
        if (!byQuote) taker.leaves -= qty;
        taker.status = byQuote || taker.leaves > 0 ? 'PARTIALLY_FILLED' : 'FILLED';
        if (maker.leaves === 0) {
          maker.status = 'FILLED';
          this.unlinkFilled(maker);
        } else {
          maker.status = 'PARTIALLY_FILLED';
        }
        listener.onFill(this.nextTradeId++, taker, maker, price, qty, time);
        if (!byQuote && taker.leaves === 0) {
          stop = true;
          break;
        }
        maker = nextMaker;
      }
      if (level.count === 0) {
        opposite.remove(level);
        listener.onLevel(makerSide, price, 0, this.touch());
      } else if (changed) {
        listener.onLevel(makerSide, price, level.total, this.touch());
      }
      if (stop) break;
    }
    if (byQuote && taker.status === 'PARTIALLY_FILLED') {
      // Binance treats a quote-sized order as filled once the rest of the budget cannot buy one lot.
      const next = opposite.best;
      if (next === undefined ? budget === 0 : budget < next.price) taker.status = 'FILLED';
    }
  }

  /** Removes a fully filled maker from its level list (the level total is already reduced). */
  private unlinkFilled(order: Order): void {
    const level = order.level as Level;
    if (order.prev !== null) order.prev.next = order.next;
    else level.head = order.next;
    if (order.next !== null) order.next.prev = order.prev;
    else level.tail = order.prev;
    order.prev = null;
    order.next = null;
    order.level = null;
    level.count--;
    this.forget(order);
  }

  /** Takes a resting order off the book outside matching (cancel, STP expiry), updating its level. */
  private removeResting(order: Order, time: number): void {
    const level = order.level as Level;
    const book = level.side === BUY ? this.bids : this.asks;
    level.total -= order.leaves;
    order.leaves = 0;
    order.updateTime = time;
    this.unlinkFilled(order);
    if (level.count === 0) {
      book.remove(level);
      this.listener.onLevel(level.side, level.price, 0, this.touch());
    } else {
      this.listener.onLevel(level.side, level.price, level.total, this.touch());
    }
  }

  /**
   * STP expiry of a maker during matching: like removeResting, but the level is the one being
   * matched, so its removal from the side array is left to the matching loop.
   */
  private detach(order: Order, time: number): void {
    const level = order.level as Level;
    level.total -= order.leaves;
    order.leaves = 0;
    order.updateTime = time;
    this.unlinkFilled(order);
  }

  private forget(order: Order): void {
    if (order.owner === CROWD) {
      const idx = order.crowdIndex;
      const pool = this.crowd[order.pool] as Order[];
      const last = pool.pop() as Order;
      if (last !== order) {
        pool[idx] = last;
        last.crowdIndex = idx;
      }
      order.crowdIndex = -1;
      this.spare.push(order);
    } else {
      this.owned.delete(order.id);
    }
  }

  private rest(order: Order): void {
    const book = order.side === BUY ? this.bids : this.asks;
    const level = book.obtain(order.price);
    order.level = level;
    order.prev = level.tail;
    if (level.tail !== null) level.tail.next = order;
    else level.head = order;
    level.tail = order;
    level.count++;
    level.total += order.leaves;
    if (order.owner === CROWD) {
      const pool = this.crowd[order.pool] as Order[];
      order.crowdIndex = pool.length;
      pool.push(order);
    } else {
      this.owned.set(order.id, order);
    }
    this.listener.onLevel(order.side, order.price, level.total, this.touch());
  }
}
