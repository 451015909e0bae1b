/**
 * Orders as the sandbox's matching engine keeps them: sides, types and states in Binance's terms,
 * prices in integer ticks and quantities in integer lots.
 */
import type { Level } from './price-levels.js';

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
