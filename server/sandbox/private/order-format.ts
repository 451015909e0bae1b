/**
 * Binance JSON for the private API: orders, fills, account trades, order lists, and the user data
 * stream events (executionReport, outboundAccountPosition), built from the exact records.
 */
import { priceString, qtyString } from '../markets.js';
import { BUY } from '../order.js';
import type { Account } from './accounts.js';
import { formatAmount } from './money.js';
import type { RespType } from './order-params.js';
import type { OrderList, UserFill, UserOrder, UserTrade } from './user-order.js';

const side = (o: UserOrder) => (o.side === BUY ? 'BUY' : 'SELL');
const price = (o: UserOrder, ticks: number) => priceString(o.sim.market, ticks);
const qty = (o: UserOrder, lots: number) => qtyString(o.sim.market, lots);

/** GET /api/v3/order, openOrders, allOrders. */
export function orderJson(o: UserOrder) {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: o.orderListId,
    clientOrderId: o.clientOrderId,
    price: price(o, o.price),
    origQty: qty(o, o.qty),
    executedQty: qty(o, o.executedQty),
    cummulativeQuoteQty: formatAmount(o.cumQuote),
    status: o.status,
    timeInForce: o.tif,
    type: o.type,
    side: side(o),
    stopPrice: price(o, o.stopPrice),
    icebergQty: '0.00000000',
    time: o.time,
    updateTime: o.updateTime,
    isWorking: o.isWorking,
    workingTime: o.workingTime,
    origQuoteOrderQty: formatAmount(o.quoteOrderQty),
    selfTradePreventionMode: o.stp,
  };
}

export function fillJson(o: UserOrder, f: UserFill) {
  return {
    price: price(o, f.price),
    qty: qty(o, f.qty),
    commission: formatAmount(f.commission),
    commissionAsset: f.commissionAsset,
    tradeId: f.tradeId,
  };
}

/** POST /api/v3/order response in the requested shape. */
export function newOrderJson(
  o: UserOrder,
  fills: readonly UserFill[],
  respType: RespType,
  transactTime: number,
) {
  const ack = {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: o.orderListId,
    clientOrderId: o.clientOrderId,
    transactTime,
  };
  if (respType === 'ACK') return ack;
  const result = {
    ...ack,
    price: price(o, o.price),
    origQty: qty(o, o.qty),
    executedQty: qty(o, o.executedQty),
    origQuoteOrderQty: formatAmount(o.quoteOrderQty),
    cummulativeQuoteQty: formatAmount(o.cumQuote),
    status: o.status,
    timeInForce: o.tif,
    type: o.type,
    side: side(o),
    ...(o.stopPrice > 0 ? { stopPrice: price(o, o.stopPrice) } : {}),
    workingTime: o.workingTime,
    selfTradePreventionMode: o.stp,
  };
  if (respType === 'RESULT') return result;
  return { ...result, fills: fills.map((f) => fillJson(o, f)) };
}

/** DELETE /api/v3/order response (and the orderReports of a cancelled list). */
export function cancelJson(o: UserOrder, cancelClientId: string, transactTime: number) {
  return {
    symbol: o.symbol,
    origClientOrderId: o.clientOrderId,
    orderId: o.orderId,
    orderListId: o.orderListId,
    clientOrderId: cancelClientId,
    transactTime,
    price: price(o, o.price),
    origQty: qty(o, o.qty),
    executedQty: qty(o, o.executedQty),
    origQuoteOrderQty: formatAmount(o.quoteOrderQty),
    cummulativeQuoteQty: formatAmount(o.cumQuote),
    status: o.status,
    timeInForce: o.tif,
    type: o.type,
    side: side(o),
    ...(o.stopPrice > 0 ? { stopPrice: price(o, o.stopPrice) } : {}),
    selfTradePreventionMode: o.stp,
  };
}

export function myTradeJson(t: UserTrade) {
  const o = t.order;
  return {
    symbol: t.symbol,
    id: t.id,
    orderId: o.orderId,
    orderListId: o.orderListId,
    price: price(o, t.fill.price),
    qty: qty(o, t.fill.qty),
    quoteQty: formatAmount(t.fill.quote),
    commission: formatAmount(t.fill.commission),
    commissionAsset: t.fill.commissionAsset,
    time: t.fill.time,
    isBuyer: t.isBuyer,
    isMaker: t.fill.isMaker,
    isBestMatch: true,
  };
}

export function orderListJson(list: OrderList, reports: object[] | null) {
  return {
    orderListId: list.orderListId,
    contingencyType: 'OCO',
    listStatusType: list.done ? 'ALL_DONE' : 'EXEC_STARTED',
    listOrderStatus: list.done ? 'ALL_DONE' : 'EXECUTING',
    listClientOrderId: list.listClientOrderId,
    transactionTime: list.transactionTime,
    symbol: list.symbol,
    orders: list.orders.map((o) => ({
      symbol: o.symbol,
      orderId: o.orderId,
      clientOrderId: o.clientOrderId,
    })),
    ...(reports === null ? {} : { orderReports: reports }),
  };
}

export function balancesJson(account: Account, omitZero: boolean) {
  return [...account.balances]
    .filter(([, b]) => !omitZero || b.free !== 0n || b.locked !== 0n)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([asset, b]) => ({ asset, free: formatAmount(b.free), locked: formatAmount(b.locked) }));
}

export type ExecutionType = 'NEW' | 'CANCELED' | 'REJECTED' | 'TRADE' | 'EXPIRED' | 'TRADE_PREVENTION';

export function executionReport(
  o: UserOrder,
  x: ExecutionType,
  eventTime: number,
  fill: UserFill | null,
  cancelClientId: string | null = null,
) {
  return {
    e: 'executionReport',
    E: eventTime,
    s: o.symbol,
    c: cancelClientId ?? o.clientOrderId,
    S: side(o),
    o: o.type,
    f: o.tif,
    q: qty(o, o.qty),
    p: price(o, o.price),
    P: price(o, o.stopPrice),
    F: '0.00000000',
    g: o.orderListId,
    C: cancelClientId === null ? '' : o.clientOrderId,
    x,
    X: o.status,
    r: 'NONE',
    i: o.orderId,
    l: qty(o, fill?.qty ?? 0),
    z: qty(o, o.executedQty),
    L: price(o, fill?.price ?? 0),
    n: formatAmount(fill?.commission ?? 0n),
    N: fill?.commissionAsset ?? null,
    T: fill?.time ?? o.updateTime,
    t: fill?.tradeId ?? -1,
    I: 0,
    w: o.isOpen && o.isWorking,
    m: fill?.isMaker ?? false,
    M: false,
    O: o.time,
    Z: formatAmount(o.cumQuote),
    Y: formatAmount(fill?.quote ?? 0n),
    Q: formatAmount(o.quoteOrderQty),
    W: o.workingTime,
    V: o.stp,
  };
}

export function accountPosition(account: Account, assets: Iterable<string>, eventTime: number) {
  return {
    e: 'outboundAccountPosition',
    E: eventTime,
    u: account.updateTime,
    B: [...new Set(assets)].map((a) => {
      const b = account.balance(a);
      return { a, f: formatAmount(b.free), l: formatAmount(b.locked) };
    }),
  };
}
