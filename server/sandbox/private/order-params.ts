/**
 * New-order parameters (POST /api/v3/order and the OCO legs) checked the way Binance checks them:
 * mandatory and forbidden parameters per order type, then the symbol's filters (PRICE_FILTER,
 * LOT_SIZE, MARKET_LOT_SIZE, NOTIONAL) with Binance's "Filter failure: X" messages.
 */
import { BinanceError, errors } from '../binance-errors.js';
import { STP_MODES } from '../binance-format.js';
import { parseUnits } from '../decimal.js';
import type { Params } from '../binance-params.js';
import type { Market } from '../markets.js';
import { BUY, SELL, type Side, type StpMode, type TimeInForce } from '../order.js';
import { parseAmount } from './money.js';
import { DECIMAL_RANGE, privateErrors } from './private-errors.js';

export type UserOrderType = 'LIMIT' | 'LIMIT_MAKER' | 'MARKET' | 'STOP_LOSS_LIMIT' | 'TAKE_PROFIT_LIMIT';
export type RespType = 'ACK' | 'RESULT' | 'FULL';

export const USER_ORDER_TYPES: readonly UserOrderType[] = [
  'LIMIT',
  'LIMIT_MAKER',
  'MARKET',
  'STOP_LOSS_LIMIT',
  'TAKE_PROFIT_LIMIT',
];
/** Binance's other spot types: known, but not simulated here. */
const UNSUPPORTED_TYPES = new Set(['STOP_LOSS', 'TAKE_PROFIT']);
const CLIENT_ID_RE = /^[a-zA-Z0-9-_]{1,36}$/;

export interface OrderRequest {
  side: Side;
  type: UserOrderType;
  tif: TimeInForce;
  /** Ticks; 0 for market orders. */
  price: number;
  /** Lots; 0 for market orders sized by quoteOrderQty. */
  qty: number;
  /** Units of quote; 0n unless a market order is sized by quote. */
  quoteOrderQty: bigint;
  /** Ticks; 0 unless a stop type. */
  stopPrice: number;
  clientOrderId: string | null;
  stp: StpMode;
}

/** Parameters a new order may carry (plus the signed-request ones). */
export const NEW_ORDER_PARAMS = [
  'symbol',
  'side',
  'type',
  'timeInForce',
  'quantity',
  'quoteOrderQty',
  'price',
  'newClientOrderId',
  'stopPrice',
  'newOrderRespType',
  'selfTradePreventionMode',
  'strategyId',
  'strategyType',
  'recvWindow',
  'timestamp',
];

export function isStopType(type: UserOrderType): boolean {
  return type === 'STOP_LOSS_LIMIT' || type === 'TAKE_PROFIT_LIMIT';
}

/** Decimal text -> units; Binance's -1100 for bad characters, -1111 for too many decimals. */
function decimalUnits(text: string, name: string): number {
  if (!/^([0-9]{1,20})(\.[0-9]{1,20})?$/.test(text)) throw errors.illegalChars(name, DECIMAL_RANGE);
  const units = parseUnits(text.replace(/(\.\d{8})0+$/, '$1'));
  if (units === null) throw new BinanceError(-1111, `Parameter '${name}' has too much precision.`);
  return units;
}

export function priceTicks(market: Market, text: string, name: string): number {
  const units = decimalUnits(text, name);
  if (units === 0) throw privateErrors.invalidPrice();
  if (units % market.tickUnits !== 0) throw privateErrors.filter('PRICE_FILTER');
  const ticks = units / market.tickUnits;
  if (ticks > market.maxPriceTicks) throw privateErrors.filter('PRICE_FILTER');
  return ticks;
}

export function quantityLots(market: Market, text: string, isMarket: boolean): number {
  const units = decimalUnits(text, 'quantity');
  if (units === 0) throw privateErrors.invalidQuantity();
  if (units % market.stepUnits !== 0) throw privateErrors.filter('LOT_SIZE');
  const lots = units / market.stepUnits;
  if (lots > market.maxQtyLots) throw privateErrors.filter('LOT_SIZE');
  if (isMarket && lots * market.step > Number(market.marketMaxQty))
    throw privateErrors.filter('MARKET_LOT_SIZE');
  return lots;
}

/** Notional in quote currency (float is fine: it is only compared with the filter's bounds). */
export function checkNotional(market: Market, ticks: number, lots: number): void {
  const notional = ticks * market.tick * lots * market.step;
  // A hair of tolerance so float noise never refuses an order exactly at the minimum.
  if (notional < market.minNotionalValue * (1 - 1e-12) || notional > Number(market.maxNotional)) {
    throw privateErrors.filter('NOTIONAL');
  }
}

export function parseSide(p: Params): Side {
  const side = p.text('side');
  if (side === undefined) throw errors.mandatory('side');
  if (side !== 'BUY' && side !== 'SELL') throw privateErrors.invalidSide();
  return side === 'BUY' ? BUY : SELL;
}

export function parseClientId(p: Params, name: string): string | null {
  const id = p.text(name);
  if (id === undefined) return null;
  if (!CLIENT_ID_RE.test(id)) throw errors.illegalChars(name, CLIENT_ID_RE.source);
  return id;
}

export function parseStp(p: Params): StpMode {
  const stp = p.text('selfTradePreventionMode') ?? 'EXPIRE_MAKER';
  if (!(STP_MODES as readonly string[]).includes(stp)) {
    throw errors.invalidValue('selfTradePreventionMode', `Expected one of ${STP_MODES.join(', ')}.`);
  }
  return stp as StpMode;
}

export function parseRespType(p: Params, type: UserOrderType): RespType {
  const value = p.text('newOrderRespType');
  if (value === undefined) return type === 'LIMIT' || type === 'MARKET' ? 'FULL' : 'ACK';
  if (value !== 'ACK' && value !== 'RESULT' && value !== 'FULL') {
    throw errors.invalidValue('newOrderRespType', 'Expected ACK, RESULT or FULL.');
  }
  return value;
}

function parseTif(text: string | undefined): TimeInForce {
  if (text === 'GTC' || text === 'IOC' || text === 'FOK') return text;
  throw privateErrors.invalidTimeInForce();
}

/**
 * One order's fields, read under `prefix`-less names from `p` through `read` (so OCO legs can map
 * "abovePrice" to "price"). `lastPrice` (ticks) sizes the notional check of market orders.
 */
export function parseOrderFields(
  market: Market,
  read: (name: string) => string | undefined,
  fixed: { side: Side; type?: string; clientOrderId: string | null; stp: StpMode },
  lastPrice: number,
): OrderRequest {
  const typeText = fixed.type ?? read('type');
  if (typeText === undefined) throw errors.mandatory('type');
  if (UNSUPPORTED_TYPES.has(typeText)) {
    throw privateErrors.unsupported(
      `Order type ${typeText} is not supported by the sandbox; use ${typeText}_LIMIT.`,
    );
  }
  if (!(USER_ORDER_TYPES as readonly string[]).includes(typeText)) throw privateErrors.invalidOrderType();
  const type = typeText as UserOrderType;
  const isMarket = type === 'MARKET';
  const tifText = read('timeInForce');
  const priceText = read('price');
  const stopText = read('stopPrice');
  const qtyText = read('quantity');
  const quoteText = read('quoteOrderQty');

  let tif: TimeInForce = 'GTC';
  if (type === 'LIMIT' || isStopType(type)) {
    if (tifText === undefined) throw errors.mandatory('timeInForce');
    tif = parseTif(tifText);
  } else if (tifText !== undefined) {
    throw privateErrors.notRequired('timeInForce');
  }

  let price = 0;
  if (isMarket) {
    if (priceText !== undefined) throw privateErrors.notRequired('price');
  } else {
    if (priceText === undefined) throw errors.mandatory('price');
    price = priceTicks(market, priceText, 'price');
  }

  let stopPrice = 0;
  if (isStopType(type)) {
    if (stopText === undefined) throw errors.mandatory('stopPrice');
    stopPrice = priceTicks(market, stopText, 'stopPrice');
  } else if (stopText !== undefined) {
    throw privateErrors.notRequired('stopPrice');
  }

  let qty = 0;
  let quoteOrderQty = 0n;
  if (isMarket && quoteText !== undefined) {
    if (qtyText !== undefined) {
      throw errors.combination("'quantity' and 'quoteOrderQty' cannot be sent together.");
    }
    const units = parseAmount(quoteText);
    if (units === null) throw errors.illegalChars('quoteOrderQty', DECIMAL_RANGE);
    if (units <= 0n) throw privateErrors.invalidQuantity();
    if (Number(units) / 1e8 < market.minNotionalValue) throw privateErrors.filter('NOTIONAL');
    quoteOrderQty = units;
  } else {
    if (quoteText !== undefined) throw privateErrors.notRequired('quoteOrderQty');
    if (qtyText === undefined) {
      throw isMarket ? privateErrors.oneOf('quantity', 'quoteOrderQty') : errors.mandatory('quantity');
    }
    qty = quantityLots(market, qtyText, isMarket);
    checkNotional(market, isMarket ? lastPrice : price, qty);
  }
  return {
    side: fixed.side,
    type,
    tif,
    price,
    qty,
    quoteOrderQty,
    stopPrice,
    clientOrderId: fixed.clientOrderId,
    stp: fixed.stp,
  };
}

export function parseNewOrder(
  market: Market,
  p: Params,
  lastPrice: number,
): { request: OrderRequest; respType: RespType } {
  const side = parseSide(p);
  const clientOrderId = parseClientId(p, 'newClientOrderId');
  const stp = parseStp(p);
  const request = parseOrderFields(market, (n) => p.text(n), { side, clientOrderId, stp }, lastPrice);
  return { request, respType: parseRespType(p, request.type) };
}
