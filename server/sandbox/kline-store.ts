/**
 * 1-minute candles for a symbol's whole history, in typed arrays indexed by minute since `origin`.
 * Higher intervals are aggregated on request: a week is only ~10k rows, cheaper than keeping
 * every interval up to date on each trade during the backfill.
 */
import { MINUTE, type Interval } from './intervals.js';

export interface Candle {
  openTime: number;
  closeTime: number;
  /** Prices in ticks. */
  open: number;
  high: number;
  low: number;
  close: number;
  /** Base volume in lots. */
  volume: number;
  /** Quote volume in quote currency (float). */
  quoteVolume: number;
  trades: number;
  takerBuyVolume: number;
  takerBuyQuote: number;
  /** -1 when the candle has no trades. */
  firstTradeId: number;
  lastTradeId: number;
}

export interface KlineQuery {
  startTime?: number;
  endTime?: number;
  limit: number;
}

const COLUMNS = [
  'open',
  'high',
  'low',
  'close',
  'volume',
  'quoteVolume',
  'trades',
  'takerBuyVolume',
  'takerBuyQuote',
  'firstTradeId',
  'lastTradeId',
] as const;
type Column = (typeof COLUMNS)[number];

export class KlineStore {
  /** Minutes materialized so far; the last one is the open (current) candle. */
  length = 0;
  /** Bumped on every trade: lets streams skip pushing unchanged candles. */
  version = 0;
  private cols: Record<Column, Float64Array>;
  private lastClose: number;

  constructor(
    /** Minute-aligned open time of index 0. */
    readonly origin: number,
    startPrice: number,
    capacityMinutes: number,
  ) {
    if (origin % MINUTE !== 0) throw new RangeError('origin must be minute-aligned');
    this.lastClose = startPrice;
    this.cols = KlineStore.allocate(Math.max(capacityMinutes, 1440));
  }

  private static allocate(capacity: number): Record<Column, Float64Array> {
    const cols = {} as Record<Column, Float64Array>;
    for (const c of COLUMNS) cols[c] = new Float64Array(capacity);
    return cols;
  }

  get capacity(): number {
    return this.cols.open.length;
  }

  /** Last trade price in ticks (the start price before any trade). */
  get lastPrice(): number {
    return this.lastClose;
  }

  /** Open time of the newest materialized minute. */
  get currentOpenTime(): number {
    return this.origin + (this.length - 1) * MINUTE;
  }

  indexOf(t: number): number {
    return Math.floor((t - this.origin) / MINUTE);
  }

  /** Materializes flat candles (o=h=l=c=last close) up to the minute containing `t`. */
  rollTo(t: number): void {
    const target = this.indexOf(t) + 1;
    if (target <= this.length) return;
    if (target > this.capacity) this.grow(target);
    const c = this.cols;
    const price = this.lastClose;
    for (let i = this.length; i < target; i++) {
      c.open[i] = price;
      c.high[i] = price;
      c.low[i] = price;
      c.close[i] = price;
      c.volume[i] = 0;
      c.quoteVolume[i] = 0;
      c.trades[i] = 0;
      c.takerBuyVolume[i] = 0;
      c.takerBuyQuote[i] = 0;
      c.firstTradeId[i] = -1;
      c.lastTradeId[i] = -1;
    }
    this.length = target;
  }

  addTrade(
    time: number,
    price: number,
    qty: number,
    quote: number,
    takerBuy: boolean,
    tradeId: number,
  ): void {
    const i = this.indexOf(time);
    if (i < 0) return;
    if (i >= this.length) this.rollTo(time);
    const c = this.cols;
    if (c.trades[i] === 0) {
      c.open[i] = price;
      c.high[i] = price;
      c.low[i] = price;
      c.firstTradeId[i] = tradeId;
    } else {
      if (price > (c.high[i] as number)) c.high[i] = price;
      if (price < (c.low[i] as number)) c.low[i] = price;
    }
    c.close[i] = price;
    c.volume[i] = (c.volume[i] as number) + qty;
    c.quoteVolume[i] = (c.quoteVolume[i] as number) + quote;
    c.trades[i] = (c.trades[i] as number) + 1;
    if (takerBuy) {
      c.takerBuyVolume[i] = (c.takerBuyVolume[i] as number) + qty;
      c.takerBuyQuote[i] = (c.takerBuyQuote[i] as number) + quote;
    }
    c.lastTradeId[i] = tradeId;
    this.lastClose = price;
    this.version++;
  }

  private grow(minLength: number): void {
    let capacity = this.capacity;
    while (capacity < minLength) capacity *= 2;
    const next = KlineStore.allocate(capacity);
    for (const c of COLUMNS) next[c].set(this.cols[c].subarray(0, this.length));
    this.cols = next;
  }

  /** Aggregates minutes [from, to) (clamped to what exists). Returns null if none exist. */
  aggregate(fromTime: number, toTime: number): Candle | null {
    const from = Math.max(0, this.indexOf(fromTime));
    const to = Math.min(this.length, Math.ceil((toTime - this.origin) / MINUTE));
    if (from >= to) return null;
    const c = this.cols;
    let high = -Infinity;
    let low = Infinity;
    let volume = 0;
    let quoteVolume = 0;
    let trades = 0;
    let takerBuyVolume = 0;
    let takerBuyQuote = 0;
    let firstTradeId = -1;
    let lastTradeId = -1;
    for (let i = from; i < to; i++) {
      const h = c.high[i] as number;
      const l = c.low[i] as number;
      if (h > high) high = h;
      if (l < low) low = l;
      volume += c.volume[i] as number;
      quoteVolume += c.quoteVolume[i] as number;
      takerBuyVolume += c.takerBuyVolume[i] as number;
      takerBuyQuote += c.takerBuyQuote[i] as number;
      const n = c.trades[i] as number;
      if (n > 0) {
        trades += n;
        if (firstTradeId < 0) firstTradeId = c.firstTradeId[i] as number;
        lastTradeId = c.lastTradeId[i] as number;
      }
    }
    return {
      openTime: fromTime,
      closeTime: toTime - 1,
      open: c.open[from] as number,
      high,
      low,
      close: c.close[to - 1] as number,
      volume,
      quoteVolume,
      trades,
      takerBuyVolume,
      takerBuyQuote,
      firstTradeId,
      lastTradeId,
    };
  }

  /** Close of the minute before `t`'s minute (the previous price), or the first open. */
  closeBefore(t: number): number {
    const i = this.indexOf(t) - 1;
    if (i < 0 || this.length === 0) return this.cols.open[0] as number;
    return this.cols.close[Math.min(i, this.length - 1)] as number;
  }

  /**
   * Binance /klines selection: with startTime, the first `limit` candles opening at or after it;
   * otherwise the last `limit` candles opening at or before endTime (default: now).
   */
  query(interval: Interval, q: KlineQuery): Candle[] {
    if (this.length === 0) return [];
    const first = interval.floor(this.origin);
    const last = interval.floor(this.currentOpenTime);
    const end = q.endTime === undefined ? last : Math.min(last, interval.floor(q.endTime));
    const out: Candle[] = [];
    if (q.startTime !== undefined) {
      let open = interval.floor(q.startTime);
      if (open < q.startTime) open = interval.next(open);
      if (open < first) open = first;
      while (open <= end && out.length < q.limit) {
        const next = interval.next(open);
        const candle = this.aggregate(open, next);
        if (candle !== null) out.push(candle);
        open = next;
      }
      return out;
    }
    let open = end;
    while (open >= first && out.length < q.limit) {
      const candle = this.aggregate(open, interval.next(open));
      if (candle !== null) out.push(candle);
      open = interval.prev(open);
    }
    return out.reverse();
  }
}
