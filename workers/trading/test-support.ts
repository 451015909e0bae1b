/**
 * A trading engine on fake-indexeddb with a scripted market (books and prints set by the test) and the
 * tick run by hand: for scenario tests of the paper desk that need exact control of every print.
 */
import 'fake-indexeddb/auto';
import { LyraDb } from '../store/db.js';
import { TradingService } from './trading-service.js';
import { TradingStore } from './trading-store.js';
import { LeaderLink, type ChannelLike } from './leadership.js';
import type { MarketAccess } from './market-link.js';
import type { MarketEvent, MarketListener } from '../market/events.js';
import type { MarketInfo } from '../market/types.js';
import type { TapeTrade } from '../market/trade-tape.js';

export const BTC: MarketInfo = {
  symbol: 'BTC/USDT',
  id: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  active: true,
  tickSize: 0.01,
  stepSize: 0.001,
  minAmount: null,
  minNotional: null,
  priceDecimals: 2,
  amountDecimals: 3,
  maker: 0.001,
  taker: 0.001,
};
export const ETH: MarketInfo = { ...BTC, symbol: 'ETH/USDT', id: 'ETHUSDT', base: 'ETH' };
export const ETHBTC: MarketInfo = {
  ...BTC,
  symbol: 'ETH/BTC',
  id: 'ETHBTC',
  base: 'ETH',
  quote: 'BTC',
  tickSize: 0.00001,
  priceDecimals: 5,
};

export class FakeMarket implements MarketAccess {
  listeners: MarketListener[] = [];
  books = new Map<string, { bids: number[]; asks: number[] }>();
  failBook = false;
  constructor(
    public list: MarketInfo[] = [BTC, ETH, ETHBTC],
    public focused = 'BTC/USDT',
  ) {}
  exchangeId() {
    return 'binance';
  }
  markets() {
    return this.list;
  }
  focusedSymbol() {
    return this.focused;
  }
  listen(l: MarketListener) {
    this.listeners.push(l);
    return () => {
      this.listeners = this.listeners.filter((x) => x !== l);
    };
  }
  async fetchBook(symbol: string) {
    if (this.failBook) throw new Error('offline');
    const b = this.books.get(symbol);
    if (!b) throw new Error('no book');
    return { nonce: 1, time: Date.now(), bids: Float64Array.from(b.bids), asks: Float64Array.from(b.asks) };
  }
  async fetchTrades() {
    return [] as TapeTrade[];
  }
  async fetchCandles(): Promise<never> {
    throw new Error('no candles');
  }
  emit(events: MarketEvent[]) {
    for (const l of this.listeners) l(events);
  }
  /** The feed's connection, as the market engine reports it. */
  setConnection(connection: 'live' | 'offline') {
    this.emit([
      {
        type: 'status',
        status: {
          exchange: 'binance',
          connection,
          since: Date.now(),
          lastMessageAt: null,
          retryAt: null,
          error: null,
        },
      },
    ]);
  }
  setBook(symbol: string, bids: number[], asks: number[]) {
    this.books.set(symbol, { bids, asks });
    this.emit([
      {
        type: 'book',
        source: 'live',
        savedAt: null,
        book: {
          symbol,
          bids: Float64Array.from(bids),
          asks: Float64Array.from(asks),
          bestBid: bids[0] ?? NaN,
          bestAsk: asks[0] ?? NaN,
          time: Date.now(),
        } as never,
      },
    ]);
  }
  private seq = 0;
  trade(symbol: string, price: number, amount: number, side: 'buy' | 'sell') {
    this.emit([
      {
        type: 'trades',
        symbol,
        reset: false,
        trades: [{ id: `t${++this.seq}`, time: Date.now(), price, amount, side }],
      },
    ]);
  }
}

class NullChannel implements ChannelLike {
  postMessage() {}
  addEventListener() {}
  close() {}
}

let dbn = 0;
export async function engine(opts: { db?: LyraDb; market?: FakeMarket } = {}) {
  const db = opts.db ?? new LyraDb(`review-${++dbn}-${Math.random()}`);
  const market = opts.market ?? new FakeMarket();
  const link = new LeaderLink(new NullChannel(), 'tab');
  const trading = new TradingService(
    { store: new TradingStore(db), market, link },
    { tickMs: 1_000_000, publishMs: 5 },
  );
  const notices: string[] = [];
  trading.subscribe((e) => {
    if (e.type === 'notice') notices.push(e.message);
  });
  await trading.start('binance');
  link.campaign(null, 'lead', () => undefined);
  await trading.lead();
  {
    const x = trading as unknown as { timers: Array<ReturnType<typeof setInterval>> };
    x.timers.forEach(clearInterval);
    x.timers = [];
  }
  const t = trading as unknown as { tick(): Promise<void>; serial<T>(w: () => Promise<T>): Promise<T> };
  const tick = async () => {
    await t.tick();
  };
  const settle = async () => {
    await t.serial(async () => undefined);
  };
  return { db, market, trading, tick, settle, notices, link };
}
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
