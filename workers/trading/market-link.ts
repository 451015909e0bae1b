import type { BookSnapshot } from '../market/book-sync.js';
import type { CandleColumns } from '../market/candle-series.js';
import type { MarketEvent, MarketListener } from '../market/events.js';
import type { Timeframe } from '../market/timeframes.js';
import type { TapeTrade } from '../market/trade-tape.js';
import type { MarketInfo } from '../market/types.js';
import type { BookSides } from './paper/paper-matcher.js';

/** What the trading engine needs from the market engine (in the same worker). */
export interface MarketAccess {
  exchangeId(): string | null;
  markets(): MarketInfo[];
  focusedSymbol(): string | null;
  listen(listener: MarketListener): () => void;
  fetchBook(symbol: string, depth: number): Promise<BookSnapshot>;
  fetchTrades(symbol: string, limit: number): Promise<TapeTrade[]>;
  fetchCandles(symbol: string, timeframe: Timeframe, since?: number, limit?: number): Promise<CandleColumns>;
}

export interface Mark {
  price: number;
  /** When Lyra received it: the stale-data rule asks how old what we know is. */
  time: number;
  /**
   * Set when the price is not news from a live feed: the last print of a tape replayed whole (stored, or
   * recent history after a reconnect), whose `time` is then that print's own time, or any mark while the
   * feed is down.
   */
  replayed?: true;
}

export interface HeldBook extends BookSides {
  time: number;
  receivedAt: number;
}

/** How many trade ids per symbol are remembered to drop a trade seen twice (stream and REST poll). */
const seenCapacity = 4000;

/**
 * The trading engine's view of the market: the latest book per symbol (copied, since the page's copy is
 * transferred away), the mark (last trade, else ticker, else mid) and a deduplicated stream of new
 * trades, whether they came from the live stream of the focused symbol or from polling another.
 */
export class MarketLink {
  readonly books = new Map<string, HeldBook>();
  readonly marks = new Map<string, Mark>();
  private readonly seen = new Map<string, Set<string>>();
  private readonly lastTradeTime = new Map<string, number>();
  /** Whether the exchange feed is streaming now: offline, marks are only what was stored or last seen. */
  feedLive = false;

  constructor(private readonly now: () => number) {}

  /** Applies market events; returns the new trades per symbol and the symbols whose book changed. */
  ingest(events: readonly MarketEvent[]): { trades: Map<string, TapeTrade[]>; books: Set<string> } {
    const trades = new Map<string, TapeTrade[]>();
    const books = new Set<string>();
    const now = this.now();
    for (const e of events) {
      if (e.type === 'status') this.feedLive = e.status.connection === 'live';
      if (e.type === 'book' && e.source === 'live') {
        // Copy: the same arrays may be transferred to the page right after this listener returns.
        this.books.set(e.book.symbol, {
          bids: e.book.bids.slice(),
          asks: e.book.asks.slice(),
          time: e.book.time,
          receivedAt: now,
        });
        books.add(e.book.symbol);
        const mark = this.marks.get(e.book.symbol);
        if (!mark || now - mark.time > 1000) {
          const mid = midOf(e.book.bestBid, e.book.bestAsk);
          if (mid !== null) this.marks.set(e.book.symbol, { price: mid, time: now });
        }
      } else if (e.type === 'trades') {
        const since = this.lastTradeTime.get(e.symbol);
        const fresh = this.fresh(e.symbol, e.trades);
        // A reset is the whole recent tape again (a switch or reconnect): only prints newer than the
        // last one seen are news; on the first sight of a symbol, none is (history is not a fill chance).
        const news = e.reset ? (since === undefined ? [] : fresh.filter((t) => t.time > since)) : fresh;
        if (news.length) trades.set(e.symbol, [...(trades.get(e.symbol) ?? []), ...news]);
        const newest = e.trades.reduce((m, t) => Math.max(m, t.time), since ?? 0);
        if (newest > 0) this.lastTradeTime.set(e.symbol, newest);
        const last = e.trades[e.trades.length - 1];
        // A replayed tape (an offline reload shows yesterday's) is as old as its last print; only news
        // is as fresh as its arrival.
        if (last && news.length > 0) this.marks.set(e.symbol, { price: last.price, time: now });
        else if (last && e.reset && !this.marks.has(e.symbol))
          this.marks.set(e.symbol, { price: last.price, time: Math.min(last.time, now), replayed: true });
      } else if (e.type === 'ticker') {
        this.tickerMark(e.ticker.symbol, e.ticker.last, e.ticker.time, now);
      } else if (e.type === 'tickers') {
        for (const t of e.tickers) this.tickerMark(t.symbol, t.last, t.time, now);
      }
    }
    return { trades, books };
  }

  /** Trades polled over REST for a symbol not streamed: only those not seen before. */
  polled(symbol: string, trades: readonly TapeTrade[]): TapeTrade[] {
    const fresh = this.fresh(symbol, trades);
    const last = trades[trades.length - 1];
    if (last) this.marks.set(symbol, { price: last.price, time: this.now() });
    return fresh;
  }

  holdBook(symbol: string, snap: BookSnapshot): HeldBook {
    const now = this.now();
    const held = { bids: snap.bids, asks: snap.asks, time: snap.time, receivedAt: now };
    this.books.set(symbol, held);
    const mid = midOf(snap.bids[0] ?? NaN, snap.asks[0] ?? NaN);
    // A fresh snapshot is better news than a mark older than the streaming threshold.
    const mark = this.marks.get(symbol);
    if (mid !== null && (!mark || now - mark.time > 1000)) this.marks.set(symbol, { price: mid, time: now });
    return held;
  }

  mark(symbol: string): Mark | null {
    return this.marks.get(symbol) ?? null;
  }

  private tickerMark(symbol: string, last: number, time: number, now: number): void {
    const mark = this.marks.get(symbol);
    // A ticker is as old as the exchange says (a stored one from yesterday is not fresh), and older news
    // than our own last trade: use it only when we have nothing fresher.
    const at = Number.isFinite(time) && time > 0 ? Math.min(time, now) : now;
    if (Number.isFinite(last) && last > 0 && (!mark || at > mark.time + 5000))
      this.marks.set(symbol, { price: last, time: at });
  }

  private fresh(symbol: string, trades: readonly TapeTrade[]): TapeTrade[] {
    let seen = this.seen.get(symbol);
    if (!seen) {
      seen = new Set();
      this.seen.set(symbol, seen);
    }
    const out: TapeTrade[] = [];
    for (const t of trades) {
      if (seen.has(t.id)) continue;
      seen.add(t.id);
      out.push(t);
    }
    if (seen.size > seenCapacity) {
      const drop = seen.size - seenCapacity;
      let i = 0;
      for (const id of seen) {
        if (i++ >= drop) break;
        seen.delete(id);
      }
    }
    return out.sort((a, b) => a.time - b.time);
  }
}

function midOf(bid: number, ask: number): number | null {
  if (bid > 0 && ask > 0) return (bid + ask) / 2;
  if (bid > 0) return bid;
  if (ask > 0) return ask;
  return null;
}
