import { Decimal } from '../../money/decimal.js';
import type { MarketRules } from '../../money/market-rules.js';
import type { FillRecord, Liquidity, OrderRecord, OrderStatus, Side } from '../types.js';

/**
 * Lyra's orders in an exchange's terms (ccxt's unified createOrder arguments) and the exchange's replies
 * back in Lyra's: validated field by field, with money as exact decimals snapped to the market's rules.
 *
 * ccxt hands prices and amounts over as JavaScript numbers. Every one of them came from a decimal string
 * with at most the market's decimals, and a double round-trips any decimal of up to 15 significant digits,
 * so `String(n)` gives back the exchange's digits; snapping to the tick and lot then removes any doubt.
 */

export interface ExchangeOrderRequest {
  symbol: string;
  type: 'market' | 'limit';
  side: Side;
  amount: string;
  price: string | undefined;
  params: Record<string, unknown>;
}

/**
 * The request for an order Lyra sends as it is: market and limit, and stop-limit / take-profit-limit,
 * which the exchange holds itself. Stop-market, take-profit (market) and trailing stops are watched by
 * Lyra and go out as a market order once triggered; those return null here until they are.
 */
export function toExchangeRequest(order: OrderRecord): ExchangeOrderRequest | null {
  const base = { symbol: order.symbol, side: order.side, amount: remainingOf(order) };
  // The client order id is the idempotency key: the exchange refuses a second order with it.
  const params: Record<string, unknown> = { clientOrderId: order.id };
  // Paired exits (an OCO, a bracket's stop) would each lock the same funds on a spot exchange, so only
  // the limit leg rests there; Lyra watches the stop and sends it when it triggers.
  const paired =
    order.group?.kind === 'oco' || (order.group?.kind === 'bracket' && order.group.role !== 'entry');
  if (paired && !order.triggered && order.type !== 'limit') return null;
  const asMarket = order.type === 'market' || (order.triggered && isMarketOnTrigger(order));
  if (asMarket) return { ...base, type: 'market', price: undefined, params };
  if (order.price === null) return null;
  if (order.type === 'limit' || (order.triggered && order.type !== 'trailing-stop')) {
    if (order.postOnly) params.postOnly = true;
    else params.timeInForce = order.tif;
    return { ...base, type: 'limit', price: order.price, params };
  }
  if (order.stopPrice === null) return null;
  if (order.type === 'stop-limit') {
    params.stopLossPrice = order.stopPrice;
    params.timeInForce = order.tif;
    return { ...base, type: 'limit', price: order.price, params };
  }
  if (order.type === 'take-profit-limit') {
    params.takeProfitPrice = order.stopPrice;
    params.timeInForce = order.tif;
    return { ...base, type: 'limit', price: order.price, params };
  }
  return null;
}

/** Orders the exchange is never sent until Lyra sees their trigger. */
export function isEmulatedOnLive(order: OrderRecord): boolean {
  return !order.triggered && toExchangeRequest(order) === null;
}

function isMarketOnTrigger(order: OrderRecord): boolean {
  return order.type === 'stop-market' || order.type === 'take-profit' || order.type === 'trailing-stop';
}

function remainingOf(order: OrderRecord): string {
  return Decimal.from(order.amount).sub(order.filled).toString();
}

/** An order as the exchange reports it. */
export interface ExchangeOrderState {
  exchangeOrderId: string;
  clientOrderId: string | null;
  symbol: string;
  status: OrderStatus;
  filled: Decimal;
  cost: Decimal;
  timestamp: number;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const statusOf: Record<string, (filled: Decimal) => OrderStatus> = {
  open: (f) => (f.isPositive() ? 'partially-filled' : 'open'),
  closed: () => 'filled',
  canceled: () => 'cancelled',
  cancelled: () => 'cancelled',
  expired: () => 'expired',
  rejected: () => 'rejected',
};

/** Reads a ccxt order; anything missing or malformed is a problem in words, never a guess. */
export function readExchangeOrder(raw: unknown, rules: MarketRules | undefined): Parsed<ExchangeOrderState> {
  if (!raw || typeof raw !== 'object') return { ok: false, problem: 'the reply is not an order' };
  const o = raw as Record<string, unknown>;
  const id = o.id;
  if (typeof id !== 'string' && typeof id !== 'number') return { ok: false, problem: 'the order has no id' };
  const symbol = o.symbol;
  if (typeof symbol !== 'string' || (rules && rules.symbol !== symbol))
    return { ok: false, problem: `the order's market (${String(symbol)}) is not the one asked for` };
  const filled = amountOf(o.filled, rules);
  if (!filled) return { ok: false, problem: "the order's filled amount is not a number" };
  const cost = o.cost === undefined || o.cost === null ? Decimal.ZERO : Decimal.tryFrom(numberText(o.cost));
  if (!cost || cost.isNegative()) return { ok: false, problem: "the order's cost is not a number" };
  const status = typeof o.status === 'string' ? statusOf[o.status] : undefined;
  if (!status) return { ok: false, problem: `unknown order status ${String(o.status)}` };
  const timestamp = typeof o.lastUpdateTimestamp === 'number' ? o.lastUpdateTimestamp : o.timestamp;
  return {
    ok: true,
    value: {
      exchangeOrderId: String(id),
      clientOrderId: typeof o.clientOrderId === 'string' ? o.clientOrderId : null,
      symbol,
      status: status(filled),
      filled,
      cost,
      timestamp: typeof timestamp === 'number' && Number.isFinite(timestamp) ? timestamp : 0,
    },
  };
}

/** A fill as the exchange reports it, before it is matched to Lyra's order. */
export interface ExchangeTrade {
  tradeId: string;
  exchangeOrderId: string;
  symbol: string;
  side: Side;
  price: Decimal;
  amount: Decimal;
  fee: Decimal;
  feeAsset: string;
  liquidity: Liquidity;
  time: number;
}

export function readExchangeTrade(raw: unknown, rules: MarketRules): Parsed<ExchangeTrade> {
  if (!raw || typeof raw !== 'object') return { ok: false, problem: 'the reply is not a trade' };
  const t = raw as Record<string, unknown>;
  if (
    (typeof t.id !== 'string' && typeof t.id !== 'number') ||
    (typeof t.order !== 'string' && typeof t.order !== 'number')
  )
    return { ok: false, problem: 'the trade has no id or order id' };
  if (t.symbol !== rules.symbol) return { ok: false, problem: `the trade is for ${String(t.symbol)}` };
  if (t.side !== 'buy' && t.side !== 'sell') return { ok: false, problem: 'the trade has no side' };
  const price = Decimal.tryFrom(numberText(t.price));
  const amount = amountOf(t.amount, rules);
  if (!price || !price.isPositive() || !amount || !amount.isPositive())
    return { ok: false, problem: 'the trade has no positive price and amount' };
  const fee = (t.fee ?? {}) as Record<string, unknown>;
  const feeCost =
    fee.cost === undefined || fee.cost === null ? Decimal.ZERO : Decimal.tryFrom(numberText(fee.cost));
  if (!feeCost || feeCost.isNegative()) return { ok: false, problem: "the trade's fee is not a number" };
  const time = t.timestamp;
  if (typeof time !== 'number' || !Number.isFinite(time))
    return { ok: false, problem: 'the trade has no time' };
  return {
    ok: true,
    value: {
      tradeId: String(t.id),
      exchangeOrderId: String(t.order),
      symbol: rules.symbol,
      side: t.side,
      price: price.roundToStep(rules.tick, 'half-even'),
      amount,
      fee: feeCost,
      feeAsset: typeof fee.currency === 'string' ? fee.currency : t.side === 'buy' ? rules.base : rules.quote,
      liquidity: t.takerOrMaker === 'maker' ? 'maker' : 'taker',
      time,
    },
  };
}

/** The stored fill for an exchange trade; its id is the exchange's, so stream and polling never double it. */
export function toFillRecord(trade: ExchangeTrade, order: OrderRecord): FillRecord {
  return {
    id: `${order.accountId}:${trade.tradeId}`,
    orderId: order.id,
    accountId: order.accountId,
    symbol: trade.symbol,
    side: trade.side,
    price: trade.price.toString(),
    amount: trade.amount.toString(),
    quote: trade.price.mul(trade.amount).toString(),
    fee: trade.fee.toString(),
    feeAsset: trade.feeAsset,
    liquidity: trade.liquidity,
    time: trade.time,
  };
}

function amountOf(value: unknown, rules: MarketRules | undefined): Decimal | null {
  const d = Decimal.tryFrom(numberText(value));
  if (!d || d.isNegative()) return null;
  return rules ? d.roundToStep(rules.step, 'half-even') : d;
}

/** A ccxt number (or numeric string) as decimal text; non-finite values are not numbers. */
function numberText(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  return value;
}
