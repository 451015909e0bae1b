import type { OrderRecord, OrderType, Side, TimeInForce } from '../types.js';

/**
 * What paper would have done with a live order: the live order's terms, copied the moment it went out,
 * and the paper matcher's fills since, summed. Money is decimal text; times are epoch milliseconds.
 */
export interface TwinRecord {
  /** The live order's client id: one twin per live order. */
  orderId: string;
  accountId: string;
  symbol: string;
  side: Side;
  /** When the live order went out (or triggered): both sides' timing is measured from here. */
  startedAt: number;
  /** Mid of the book the twin arrived at; null until it has seen one. */
  arrivalMid: string | null;
  paperFilled: string;
  /** Sum of price × amount over the paper fills, in the quote currency. */
  paperCost: string;
  /** In the quote currency, at the market's maker and taker rates. */
  paperFee: string;
  paperFirstFillAt: number | null;
  paperLastFillAt: number | null;
  status: 'running' | 'done';

  // How it runs: enough to resume after a reload exactly where it was.
  amount: string;
  /** Null for a market order. */
  limit: string | null;
  tif: TimeInForce;
  postOnly: boolean;
  /** An order the exchange holds until its trigger (stop-limit, take-profit-limit): paper waits for it on the tape. */
  trigger: { type: OrderType; stopPrice: string } | null;
  /** False until the twin has walked a book (none was at hand when it started). */
  arrived: boolean;
  /** Volume ahead of the resting remainder at its price; null when nothing rests. */
  queueAhead: string | null;
  /** When the live order filled completely; a twin still resting then gets a little longer, not forever. */
  liveFilledAt: number | null;
  /** Why the twin stopped, in words; null while it runs. */
  endReason: string | null;
  updatedAt: number;
}

const limitTypes: ReadonlySet<OrderType> = new Set(['limit', 'stop-limit', 'take-profit-limit']);

/** A new twin with the live order's side, amount, limit, time in force and post-only, not yet matched. */
export function newTwin(order: OrderRecord, now: number): TwinRecord {
  const heldByExchange =
    !order.triggered && (order.type === 'stop-limit' || order.type === 'take-profit-limit');
  return {
    orderId: order.id,
    accountId: order.accountId,
    symbol: order.symbol,
    side: order.side,
    startedAt: now,
    arrivalMid: null,
    paperFilled: '0',
    paperCost: '0',
    paperFee: '0',
    paperFirstFillAt: null,
    paperLastFillAt: null,
    status: 'running',
    amount: order.amount,
    limit: limitTypes.has(order.type) ? order.price : null,
    tif: order.tif,
    postOnly: order.postOnly,
    trigger: heldByExchange && order.stopPrice ? { type: order.type, stopPrice: order.stopPrice } : null,
    arrived: false,
    queueAhead: null,
    liveFilledAt: null,
    endReason: null,
    updatedAt: now,
  };
}
