/**
 * Binance JSON shapes, built from the engine's integer ticks and lots. Every price and quantity is
 * an exact 8-decimal string; only quote volumes and averages (floats by nature) are rounded.
 */
import { formatFloat, formatProduct, formatUnits } from './decimal.js';
import type { Interval } from './intervals.js';
import type { Candle } from './kline-store.js';
import type { MarketSimulator, TickerStats } from './market-simulator.js';
import { BUY, SELL, type Side } from './matching-engine.js';
import { priceString, qtyString, type Market } from './markets.js';
import type { DepthChange } from './depth-diff.js';
import type { TradeTape } from './trade-tape.js';

export type Level = [price: string, qty: string];

export const ORDER_TYPES = [
  'LIMIT',
  'LIMIT_MAKER',
  'MARKET',
  'STOP_LOSS_LIMIT',
  'TAKE_PROFIT_LIMIT',
] as const;
export const STP_MODES = ['NONE', 'EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'] as const;

export const RATE_LIMITS = [
  { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
  { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
  { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000 },
  { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
];

export function exchangeSymbol(m: Market) {
  const tick = formatUnits(m.tickUnits);
  const step = formatUnits(m.stepUnits);
  return {
    symbol: m.id,
    status: 'TRADING',
    baseAsset: m.base,
    baseAssetPrecision: 8,
    quoteAsset: m.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: [...ORDER_TYPES],
    icebergAllowed: false,
    ocoAllowed: false,
    otoAllowed: false,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: false,
    cancelReplaceAllowed: false,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      {
        filterType: 'PRICE_FILTER',
        minPrice: tick,
        maxPrice: formatUnits(m.maxPriceTicks * m.tickUnits),
        tickSize: tick,
      },
      {
        filterType: 'LOT_SIZE',
        minQty: step,
        maxQty: formatUnits(m.maxQtyLots * m.stepUnits),
        stepSize: step,
      },
      {
        filterType: 'NOTIONAL',
        minNotional: formatFloat(m.minNotionalValue),
        applyMinToMarket: true,
        maxNotional: formatFloat(Number(m.maxNotional)),
        applyMaxToMarket: false,
        avgPriceMins: 5,
      },
      {
        filterType: 'MARKET_LOT_SIZE',
        minQty: '0.00000000',
        maxQty: formatFloat(Number(m.marketMaxQty)),
        stepSize: '0.00000000',
      },
      { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 },
    ],
    permissions: [] as string[],
    permissionSets: [['SPOT']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: [...STP_MODES],
  };
}

export function bookLevels(sim: MarketSimulator, side: Side, limit: number): Level[] {
  const m = sim.market;
  return sim.engine
    .side(side)
    .top(limit)
    .map((l) => [priceString(m, l.price), qtyString(m, l.total)]);
}

export function depthSnapshot(sim: MarketSimulator, limit: number) {
  return {
    lastUpdateId: sim.engine.updateId,
    bids: bookLevels(sim, BUY, limit),
    asks: bookLevels(sim, SELL, limit),
  };
}

export function trade(m: Market, tape: TradeTape, id: number) {
  const s = tape.slot(id);
  const price = tape.price[s] as number;
  const qty = tape.qty[s] as number;
  return {
    id,
    price: priceString(m, price),
    qty: qtyString(m, qty),
    quoteQty: formatProduct(price * m.tickUnits, qty * m.stepUnits),
    time: tape.time[s] as number,
    isBuyerMaker: tape.buyerMaker[s] === 1,
    isBestMatch: true,
  };
}

export function aggTrade(m: Market, tape: TradeTape, id: number) {
  const s = tape.slot(id);
  return {
    a: id,
    p: priceString(m, tape.price[s] as number),
    q: qtyString(m, tape.qty[s] as number),
    f: tape.firstTradeId[s] as number,
    l: tape.lastTradeId[s] as number,
    T: tape.time[s] as number,
    m: tape.buyerMaker[s] === 1,
    M: true,
  };
}

export type KlineRow = [
  number,
  string,
  string,
  string,
  string,
  string,
  number,
  string,
  number,
  string,
  string,
  string,
];

export function klineRow(m: Market, c: Candle): KlineRow {
  return [
    c.openTime,
    priceString(m, c.open),
    priceString(m, c.high),
    priceString(m, c.low),
    priceString(m, c.close),
    qtyString(m, c.volume),
    c.closeTime,
    formatFloat(c.quoteVolume),
    c.trades,
    qtyString(m, c.takerBuyVolume),
    formatFloat(c.takerBuyQuote),
    '0',
  ];
}

function changePercent(open: number, last: number): string {
  return open === 0 ? '0.000' : (((last - open) / open) * 100).toFixed(3);
}

function weightedAverage(m: Market, t: TickerStats): string {
  return t.volume === 0 ? priceString(m, t.last) : formatFloat(t.quoteVolume / (t.volume * m.step));
}

export function ticker24h(m: Market, t: TickerStats) {
  return {
    symbol: m.id,
    priceChange: formatUnits((t.last - t.open) * m.tickUnits),
    priceChangePercent: changePercent(t.open, t.last),
    weightedAvgPrice: weightedAverage(m, t),
    prevClosePrice: priceString(m, t.prevClose),
    lastPrice: priceString(m, t.last),
    lastQty: qtyString(m, t.lastQty),
    bidPrice: priceString(m, t.bidPrice),
    bidQty: qtyString(m, t.bidQty),
    askPrice: priceString(m, t.askPrice),
    askQty: qtyString(m, t.askQty),
    openPrice: priceString(m, t.open),
    highPrice: priceString(m, t.high),
    lowPrice: priceString(m, t.low),
    volume: qtyString(m, t.volume),
    quoteVolume: formatFloat(t.quoteVolume),
    openTime: t.openTime,
    closeTime: t.closeTime,
    firstId: t.firstId,
    lastId: t.lastId,
    count: t.count,
  };
}

export function miniTicker24h(m: Market, t: TickerStats) {
  return {
    symbol: m.id,
    openPrice: priceString(m, t.open),
    highPrice: priceString(m, t.high),
    lowPrice: priceString(m, t.low),
    lastPrice: priceString(m, t.last),
    volume: qtyString(m, t.volume),
    quoteVolume: formatFloat(t.quoteVolume),
    openTime: t.openTime,
    closeTime: t.closeTime,
    firstId: t.firstId,
    lastId: t.lastId,
    count: t.count,
  };
}

/** /api/v3/ticker (rolling window of any size): the 24hr shape without the order-book fields. */
export function rollingTicker(m: Market, t: TickerStats, full: boolean) {
  const { symbol, ...mini } = miniTicker24h(m, t);
  if (!full) return { symbol, ...mini };
  return {
    symbol,
    priceChange: formatUnits((t.last - t.open) * m.tickUnits),
    priceChangePercent: changePercent(t.open, t.last),
    weightedAvgPrice: weightedAverage(m, t),
    ...mini,
  };
}

export function bookTicker(sim: MarketSimulator) {
  const m = sim.market;
  const bid = sim.engine.bestBid();
  const ask = sim.engine.bestAsk();
  return {
    symbol: m.id,
    bidPrice: priceString(m, bid?.price ?? 0),
    bidQty: qtyString(m, bid?.total ?? 0),
    askPrice: priceString(m, ask?.price ?? 0),
    askQty: qtyString(m, ask?.total ?? 0),
  };
}

// ---- WebSocket payloads -------------------------------------------------------------------------

export function wsTrade(m: Market, tape: TradeTape, id: number, eventTime: number) {
  const s = tape.slot(id);
  return {
    e: 'trade',
    E: eventTime,
    s: m.id,
    t: id,
    p: priceString(m, tape.price[s] as number),
    q: qtyString(m, tape.qty[s] as number),
    T: tape.time[s] as number,
    m: tape.buyerMaker[s] === 1,
    M: true,
  };
}

export function wsAggTrade(m: Market, tape: TradeTape, id: number, eventTime: number) {
  return { e: 'aggTrade', E: eventTime, s: m.id, ...aggTrade(m, tape, id) };
}

export function wsDepthUpdate(m: Market, change: DepthChange, eventTime: number) {
  const level = ([p, q]: [number, number]): Level => [priceString(m, p), qtyString(m, q)];
  return {
    e: 'depthUpdate',
    E: eventTime,
    s: m.id,
    U: change.firstUpdateId,
    u: change.lastUpdateId,
    b: change.bids.map(level),
    a: change.asks.map(level),
  };
}

export function wsKline(m: Market, interval: Interval, c: Candle, eventTime: number, closed: boolean) {
  return {
    e: 'kline',
    E: eventTime,
    s: m.id,
    k: {
      t: c.openTime,
      T: c.closeTime,
      s: m.id,
      i: interval.name,
      f: c.firstTradeId,
      L: c.lastTradeId,
      o: priceString(m, c.open),
      c: priceString(m, c.close),
      h: priceString(m, c.high),
      l: priceString(m, c.low),
      v: qtyString(m, c.volume),
      n: c.trades,
      x: closed,
      q: formatFloat(c.quoteVolume),
      V: qtyString(m, c.takerBuyVolume),
      Q: formatFloat(c.takerBuyQuote),
      B: '0',
    },
  };
}

export function wsTicker(m: Market, t: TickerStats, eventTime: number) {
  return {
    e: '24hrTicker',
    E: eventTime,
    s: m.id,
    p: formatUnits((t.last - t.open) * m.tickUnits),
    P: changePercent(t.open, t.last),
    w: weightedAverage(m, t),
    x: priceString(m, t.prevClose),
    c: priceString(m, t.last),
    Q: qtyString(m, t.lastQty),
    b: priceString(m, t.bidPrice),
    B: qtyString(m, t.bidQty),
    a: priceString(m, t.askPrice),
    A: qtyString(m, t.askQty),
    o: priceString(m, t.open),
    h: priceString(m, t.high),
    l: priceString(m, t.low),
    v: qtyString(m, t.volume),
    q: formatFloat(t.quoteVolume),
    O: t.openTime,
    C: t.closeTime,
    F: t.firstId,
    L: t.lastId,
    n: t.count,
  };
}

export function wsMiniTicker(m: Market, t: TickerStats, eventTime: number) {
  return {
    e: '24hrMiniTicker',
    E: eventTime,
    s: m.id,
    c: priceString(m, t.last),
    o: priceString(m, t.open),
    h: priceString(m, t.high),
    l: priceString(m, t.low),
    v: qtyString(m, t.volume),
    q: formatFloat(t.quoteVolume),
  };
}

export function wsBookTicker(sim: MarketSimulator) {
  const b = bookTicker(sim);
  return { u: sim.engine.updateId, s: b.symbol, b: b.bidPrice, B: b.bidQty, a: b.askPrice, A: b.askQty };
}
