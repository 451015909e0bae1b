import { EngineFailure, engineError } from '../shared/errors.js';
import type { BookDiff, BookSnapshot } from '../market/book-sync.js';
import { columnsFromRows, type CandleColumns, type OhlcvRow } from '../market/candle-series.js';
import type { TapeTrade } from '../market/trade-tape.js';
import type { MarketInfo, TickerInfo } from '../market/types.js';

/**
 * Every value that comes from an exchange is checked here before the engine uses it. A bad message is
 * a feed error for the user, never a corrupted book or chart.
 */
function invalid(what: string, detail: string): never {
  throw new EngineFailure(
    engineError('feed-invalid-message', `The exchange sent an invalid ${what}: ${detail}.`, false, { what }),
  );
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

function num(x: unknown): number {
  if (typeof x === 'number') return x;
  if (typeof x === 'string' && x.trim() !== '') return Number(x);
  return NaN;
}

function optionalNumber(x: unknown): number | null {
  if (x === undefined || x === null) return null;
  const n = num(x);
  return Number.isFinite(n) ? n : null;
}

/** [[price, size], ...] with price > 0 and size >= 0, as interleaved Float64Array. */
export function parseLevels(x: unknown, what: string): Float64Array {
  if (!Array.isArray(x)) invalid(what, 'levels are not a list');
  const out = new Float64Array(x.length * 2);
  for (let i = 0; i < x.length; i++) {
    const level: unknown = x[i];
    if (!Array.isArray(level) || level.length < 2) invalid(what, `level ${i} is not a [price, size] pair`);
    const price = num(level[0]);
    const size = num(level[1]);
    if (!(price > 0) || !Number.isFinite(price)) invalid(what, `level ${i} has price ${String(level[0])}`);
    if (!(size >= 0) || !Number.isFinite(size)) invalid(what, `level ${i} has size ${String(level[1])}`);
    out[2 * i] = price;
    out[2 * i + 1] = size;
  }
  return out;
}

/** A Binance-style depth diff: {e:'depthUpdate', E, s, U, u, b, a}. */
export function parseDepthDiff(x: unknown): BookDiff {
  if (!isObject(x)) invalid('depth update', 'not an object');
  const first = x.U;
  const last = x.u;
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last))
    invalid('depth update', 'update ids U/u are not integers');
  if ((first as number) > (last as number))
    invalid('depth update', `first id ${String(first)} is after last id ${String(last)}`);
  const time = num(x.E);
  return {
    first: first as number,
    last: last as number,
    time: Number.isFinite(time) ? time : Date.now(),
    bids: parseLevels(x.b, 'depth update'),
    asks: parseLevels(x.a, 'depth update'),
  };
}

export function parseBookSnapshot(x: unknown, needsNonce: boolean): BookSnapshot {
  if (!isObject(x)) invalid('order book', 'not an object');
  const nonce = x.nonce;
  if (needsNonce && !Number.isSafeInteger(nonce)) invalid('order book', 'it has no update id (nonce)');
  const time = num(x.timestamp);
  const bids = parseLevels(x.bids, 'order book');
  const asks = parseLevels(x.asks, 'order book');
  for (let i = 2; i < bids.length; i += 2)
    if ((bids[i] as number) >= (bids[i - 2] as number))
      invalid('order book', 'bids are not sorted high to low');
  for (let i = 2; i < asks.length; i += 2)
    if ((asks[i] as number) <= (asks[i - 2] as number))
      invalid('order book', 'asks are not sorted low to high');
  return {
    nonce: Number.isSafeInteger(nonce) ? (nonce as number) : 0,
    time: Number.isFinite(time) ? time : Date.now(),
    bids,
    asks,
  };
}

export function parseTrade(x: unknown): TapeTrade {
  if (!isObject(x)) invalid('trade', 'not an object');
  const price = num(x.price);
  const amount = num(x.amount);
  const time = num(x.timestamp);
  if (!(price > 0) || !Number.isFinite(price)) invalid('trade', `price ${String(x.price)}`);
  if (!(amount > 0) || !Number.isFinite(amount)) invalid('trade', `amount ${String(x.amount)}`);
  if (!Number.isFinite(time)) invalid('trade', 'no timestamp');
  if (x.side !== 'buy' && x.side !== 'sell') invalid('trade', `side ${String(x.side)}`);
  const id = x.id === undefined || x.id === null ? `${time}:${price}:${amount}` : String(x.id);
  return { id, time, price, amount, side: x.side };
}

export function parseTrades(x: unknown): TapeTrade[] {
  if (!Array.isArray(x)) invalid('trade list', 'not a list');
  return x.map(parseTrade);
}

export function parseCandles(x: unknown): CandleColumns {
  if (!Array.isArray(x)) invalid('candle list', 'not a list');
  const rows: OhlcvRow[] = x.map((r: unknown, i) => {
    if (!Array.isArray(r) || r.length < 6)
      invalid('candle', `row ${i} is not [time, open, high, low, close, volume]`);
    const [t, o, h, l, c, v] = r.slice(0, 6).map(num) as [number, number, number, number, number, number];
    if (!Number.isSafeInteger(t)) invalid('candle', `row ${i} has time ${String(r[0])}`);
    if (![o, h, l, c].every((p) => p > 0 && Number.isFinite(p)))
      invalid('candle', `row ${i} has a non-positive price`);
    if (!(v >= 0)) invalid('candle', `row ${i} has volume ${String(r[5])}`);
    if (h < Math.max(o, c, l) || l > Math.min(o, c))
      invalid('candle', `row ${i} has high/low outside open/close`);
    return [t, o, h, l, c, v];
  });
  rows.sort((a, b) => a[0] - b[0]);
  return columnsFromRows(rows);
}

export function parseTicker(x: unknown, expectedSymbol?: string): TickerInfo {
  if (!isObject(x)) invalid('ticker', 'not an object');
  const symbol = x.symbol;
  if (typeof symbol !== 'string' || (expectedSymbol !== undefined && symbol !== expectedSymbol))
    invalid('ticker', `symbol ${String(symbol)}`);
  const last = num(x.last ?? x.close);
  if (!(last > 0) || !Number.isFinite(last)) invalid('ticker', `last price ${String(x.last)}`);
  const time = num(x.timestamp);
  return {
    symbol,
    time: Number.isFinite(time) ? time : Date.now(),
    last,
    open: optionalNumber(x.open),
    high: optionalNumber(x.high),
    low: optionalNumber(x.low),
    change: optionalNumber(x.change),
    percentage: optionalNumber(x.percentage),
    baseVolume: optionalNumber(x.baseVolume),
    quoteVolume: optionalNumber(x.quoteVolume),
    vwap: optionalNumber(x.vwap),
    bid: optionalNumber(x.bid),
    ask: optionalNumber(x.ask),
  };
}

/** Decimal places needed to show multiples of `step` exactly (0.01 -> 2, 1e-8 -> 8, 5 -> 0). */
export function decimalsOf(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 8;
  for (let d = 0; d <= 12; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return d;
  }
  return 12;
}

// ccxt's precision modes: DECIMAL_PLACES = 2, SIGNIFICANT_DIGITS = 3, TICK_SIZE = 4.
const decimalPlacesMode = 2;

export function parseMarket(x: unknown, precisionMode: number): MarketInfo | undefined {
  if (!isObject(x) || typeof x.symbol !== 'string' || typeof x.id !== 'string') return undefined;
  if (x.spot !== true) return undefined;
  const precision = isObject(x.precision) ? x.precision : {};
  const limits = isObject(x.limits) ? x.limits : {};
  const amountLimits = isObject(limits.amount) ? limits.amount : {};
  const costLimits = isObject(limits.cost) ? limits.cost : {};
  const toStep = (p: unknown) => {
    const n = num(p);
    if (!(n > 0)) return NaN;
    return precisionMode === decimalPlacesMode ? 10 ** -n : n;
  };
  const tickSize = toStep(precision.price);
  const stepSize = toStep(precision.amount);
  if (!(tickSize > 0) || !(stepSize > 0)) return undefined;
  return {
    symbol: x.symbol,
    id: x.id,
    base: String(x.base ?? ''),
    quote: String(x.quote ?? ''),
    active: x.active !== false,
    tickSize,
    stepSize,
    minAmount: optionalNumber(amountLimits.min),
    minNotional: optionalNumber(costLimits.min),
    priceDecimals: decimalsOf(tickSize),
    amountDecimals: decimalsOf(stepSize),
    maker: optionalNumber(x.maker),
    taker: optionalNumber(x.taker),
  };
}
