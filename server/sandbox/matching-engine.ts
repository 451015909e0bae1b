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

export const BUY = 0;
export const SELL = 1;
export type Side = typeof BUY | typeof SELL;

/** Owner id of the simulated crowd. Its orders are the only ones the order-flow model cancels. */
export const CROWD = 0;
/** Crowd orders are kept in a few pools (order classes) so the model can cancel within a class. */
export const CROWD_POOLS = 4;

export type OrderType = 'LIMIT' | 'LIMIT_MAKER' | 'MARKET';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK';
export type OrderStatus =
  'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED' | 'EXPIRED_IN_MATCH' | 'REJECTED';
/** Binance's self-trade prevention modes; applied only between orders of the same non-crowd owner. */
export type StpMode = 'NONE' | 'EXPIRE_TAKER' | 'EXPIRE_MAKER' | 'EXPIRE_BOTH';

/** A price level: a FIFO list of resting orders. Recycled by its side once empty. */
export class Level {
  price = 0;
  total = 0;
  count = 0;
  head: Order | null = null;
  tail: Order | null = null;

  constructor(readonly side: Side) {}
}

/**
 * One side's levels. Sort keys (the price for bids, -price for asks) live in a Float64Array so
 * both sides ascend with the best level last; a parallel Int32Array points into a pool of Level
 * objects. Both arrays shift with typed-array copyWithin (a memmove), and lookups are a binary
 * search that stays in cache, so there is no hash map and no per-level garbage.
 */
export class BookSide {
  private keys = new Float64Array(256);
  private slots = new Int32Array(256);
  private len = 0;
  private readonly pool: Level[] = [];
  private readonly freeSlots: number[] = [];
  /** Cached best level (the one at index len - 1). */
  best: Level | undefined = undefined;

  constructor(readonly side: Side) {}

  get size(): number {
    return this.len;
  }

  get(price: number): Level | undefined {
    const key = this.side === BUY ? price : -price;
    const idx = this.lowerBound(key);
    return idx < this.len && this.keys[idx] === key ? this.pool[this.slots[idx] as number] : undefined;
  }

  /** Level `rank` places from the top (0 = best). */
  at(rank: number): Level | undefined {
    const i = this.len - 1 - rank;
    if (i < 0 || rank < 0) return undefined;
    return this.pool[this.slots[i] as number];
  }

  /** Best-first levels, at most `limit`. */
  top(limit: number): Level[] {
    const out: Level[] = [];
    const n = Math.min(limit, this.len);
    for (let r = 0; r < n; r++) out.push(this.at(r) as Level);
    return out;
  }

  /** The level at `price`, created (empty) if missing. */
  obtain(price: number): Level {
    const key = this.side === BUY ? price : -price;
    const idx = this.lowerBound(key);
    const len = this.len;
    if (idx < len && this.keys[idx] === key) return this.pool[this.slots[idx] as number] as Level;
    if (len === this.keys.length) this.grow();
    let slot = this.freeSlots.pop();
    let level: Level;
    if (slot === undefined) {
      slot = this.pool.length;
      level = new Level(this.side);
      this.pool.push(level);
    } else {
      level = this.pool[slot] as Level;
    }
    level.price = price;
    level.total = 0;
    level.count = 0;
    level.head = null;
    level.tail = null;
    if (idx < len) {
      this.keys.copyWithin(idx + 1, idx, len);
      this.slots.copyWithin(idx + 1, idx, len);
    }
    this.keys[idx] = key;
    this.slots[idx] = slot;
    this.len = len + 1;
    if (idx === len) this.best = level;
    return level;
  }

  /** Drops an empty level. */
  remove(level: Level): void {
    const len = this.len;
    if (level === this.best) {
      this.freeSlots.push(this.slots[len - 1] as number);
      this.len = len - 1;
      this.best = len > 1 ? this.pool[this.slots[len - 2] as number] : undefined;
      return;
    }
    const idx = this.lowerBound(this.side === BUY ? level.price : -level.price);
    this.freeSlots.push(this.slots[idx] as number);
    this.keys.copyWithin(idx, idx + 1, len);
    this.slots.copyWithin(idx, idx + 1, len);
    this.len = len - 1;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    this.keys = keys;
    const slots = new Int32Array(this.slots.length * 2);
    slots.set(this.slots);
    this.slots = slots;
  }

  private lowerBound(key: number): number {
    const keys = this.keys;
    let lo = 0;
    let hi = this.len;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((keys[mid] as number) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * An order and its state. Fields are written by the engine only; treat them as read-only.
 * Crowd orders (owner 0) are recycled once they leave the book, so keep no reference to one past
 * the next submit (the backfill creates millions; reuse keeps the garbage collector out of it).
 */
export class Order {
  id = 0;
  owner = 0;
  side: Side = BUY;
  type: OrderType = 'LIMIT';
  tif: TimeInForce = 'GTC';
  /** Limit price in ticks; 0 for market orders. */
  price = 0;
  /** Ordered quantity in lots; 0 for market orders sized by quote. */
  qty = 0;
  /** Spend limit in ticks × lots for market orders sized by quote (quoteOrderQty); else 0. */
  quoteBudget = 0;
  time = 0;
  clientOrderId: string | null = null;
  stp: StpMode = 'NONE';
  /** Crowd pool (order class) the order belongs to; 0 for everyone else. */
  pool = 0;
  executedQty = 0;
  /** Executed notional in ticks × lots (exact); multiply by the market's tickLotValue for quote. */
  cumQuote = 0;
  /** Quantity still open on the book (lots). */
  leaves = 0;
  status: OrderStatus = 'NEW';
  updateTime = 0;
  /** Set when the order rests; cleared when it leaves the book. */
  level: Level | null = null;
  prev: Order | null = null;
  next: Order | null = null;
  /** Position in the crowd array (crowd orders only), for O(1) removal. */
  crowdIndex = -1;

  init(
    id: number,
    owner: number,
    side: Side,
    type: OrderType,
    tif: TimeInForce,
    price: number,
    qty: number,
    quoteBudget: number,
    time: number,
    clientOrderId: string | null,
    stp: StpMode,
    pool: number,
  ): this {
    this.id = id;
    this.owner = owner;
    this.side = side;
    this.type = type;
    this.tif = tif;
    this.price = price;
    this.qty = qty;
    this.quoteBudget = quoteBudget;
    this.time = time;
    this.clientOrderId = clientOrderId;
    this.stp = stp;
    this.pool = pool;
    this.executedQty = 0;
    this.cumQuote = 0;
    this.leaves = qty;
    this.status = 'NEW';
    this.updateTime = time;
    this.level = null;
    this.prev = null;
    this.next = null;
    this.crowdIndex = -1;
    return this;
  }

  get isOpen(): boolean {
    return this.level !== null;
  }
}

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
