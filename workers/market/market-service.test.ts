import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { engineError } from '../shared/errors.js';
import { LyraDb } from '../store/db.js';
import { MarketStore } from '../store/market-store.js';
import type { BookDiff, BookSnapshot } from './book-sync.js';
import { columnsFromRows } from './candle-series.js';
import type { MarketEvent } from './events.js';
import { MarketService, type ServiceConfig } from './market-service.js';
import type { DepthHandlers, MarketSource } from './market-source.js';
import type { TapeTrade } from './trade-tape.js';
import type { MarketInfo, TickerInfo } from './types.js';

const market: MarketInfo = {
  symbol: 'BTC/USDT',
  id: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  active: true,
  tickSize: 0.01,
  stepSize: 0.001,
  minAmount: 0.001,
  minNotional: 5,
  priceDecimals: 2,
  amountDecimals: 3,
  maker: 0.001,
  taker: 0.001,
};

/** An exchange the test drives by hand: it only does what each test tells it to. */
class ScriptedSource implements MarketSource {
  readonly exchangeId = 'binance';
  readonly bookMode = 'diffs' as const;
  nonce = 100;
  bids = new Map<number, number>([
    [99, 1],
    [98, 2],
  ]);
  asks = new Map<number, number>([
    [101, 1],
    [102, 2],
  ]);
  handlers: DepthHandlers | null = null;
  snapshots = 0;
  closed = 0;
  /** What the engine asked for, in order: watch:SYM, unwatch-start:SYM, unwatch-end:SYM. */
  log: string[] = [];
  candleRequests: Array<{ timeframe: string; since: number | undefined }> = [];
  private dropStream: ((e: unknown) => void) | null = null;
  tradeWaiter: ((t: TapeTrade[]) => void) | null = null;

  async loadMarkets() {
    return [market];
  }
  async fetchBook(): Promise<BookSnapshot> {
    this.snapshots++;
    return { nonce: this.nonce, time: 1, bids: levels(this.bids, -1), asks: levels(this.asks, 1) };
  }
  async fetchCandles(_symbol: string, timeframe: string, since?: number) {
    this.candleRequests.push({ timeframe, since });
    return columnsFromRows([[60_000, 100, 101, 99, 100, 5]]);
  }
  async fetchTrades() {
    return [];
  }
  async fetchTickers(): Promise<TickerInfo[]> {
    return [];
  }
  private tradeFailer: ((e: unknown) => void) | null = null;
  watchTrades(): Promise<TapeTrade[]> {
    return new Promise((resolve, reject) => {
      this.tradeWaiter = resolve;
      this.tradeFailer = reject;
    });
  }
  /** The trades stream fails under the engine. */
  failTrades() {
    const error = new Error('socket hang up');
    error.name = 'NetworkError';
    this.tradeWaiter = null;
    this.tradeFailer?.(error);
  }
  watchTicker(): Promise<TickerInfo> {
    return new Promise(() => {});
  }
  watchBookDiffs(symbol: string, handlers: DepthHandlers): Promise<void> {
    this.log.push(`watch:${symbol}`);
    this.handlers = handlers;
    return new Promise((_resolve, reject) => (this.dropStream = reject));
  }
  async watchBookSnapshot(): Promise<BookSnapshot> {
    throw new Error('not used');
  }
  async unwatch(symbol: string) {
    this.log.push(`unwatch-start:${symbol}`);
    // An unsubscribe takes a round trip to the exchange.
    await new Promise((r) => setTimeout(r, 30));
    this.log.push(`unwatch-end:${symbol}`);
  }
  /** What ccxt does to every pending watch when Lyra closes the connection itself. */
  async close() {
    this.closed++;
    const error = new Error('binance closed by user');
    error.name = 'ExchangeClosedByUser';
    this.dropStream?.(error);
  }
  /** The connection fails under the engine. */
  drop() {
    const error = new Error('socket hang up');
    error.name = 'NetworkError';
    this.dropStream?.(error);
  }

  /** The exchange changes a level and streams the diff. */
  change(side: 'bid' | 'ask', price: number, size: number): BookDiff {
    const book = side === 'bid' ? this.bids : this.asks;
    if (size === 0) book.delete(price);
    else book.set(price, size);
    this.nonce++;
    const lv = new Float64Array([price, size]);
    return {
      first: this.nonce,
      last: this.nonce,
      time: this.nonce,
      bids: side === 'bid' ? lv : new Float64Array(),
      asks: side === 'ask' ? lv : new Float64Array(),
    };
  }
  pushTrades(trades: TapeTrade[]) {
    this.tradeWaiter?.(trades);
  }
}

function levels(m: Map<number, number>, dir: 1 | -1): Float64Array {
  return new Float64Array([...m.entries()].sort((a, b) => dir * (a[0] - b[0])).flat());
}

const fast: Partial<ServiceConfig> = {
  flushMs: 10,
  healthMs: 20,
  persistMs: 50,
  staleAfterMs: 300,
  reconnectAfterMs: 900,
  tickersPollMs: 60_000,
};

let services: MarketService[] = [];
let dbN = 0;
afterEach(async () => {
  for (const s of services) await s.stop();
  services = [];
});

function setup(source = new ScriptedSource(), online = true) {
  const store = new MarketStore(new LyraDb(`svc-${dbN++}`));
  const events: MarketEvent[] = [];
  const service = new MarketService(
    { store, createSource: async () => source, online, random: () => 0 },
    fast,
  );
  services.push(service);
  service.subscribe((batch) => events.push(...batch));
  const last = <T extends MarketEvent['type']>(type: T) =>
    [...events].reverse().find((e) => e.type === type) as Extract<MarketEvent, { type: T }> | undefined;
  return { source, store, service, events, last };
}

describe('MarketService', () => {
  it('goes live: markets, then a book built from snapshot plus diffs', async () => {
    const { source, service, last } = setup();
    await service.start({ id: 'binance' });
    await vi.waitFor(() => expect(source.handlers).not.toBeNull());
    source.handlers!.onDiff(source.change('bid', 99.5, 3));
    await vi.waitFor(() => expect(last('status')?.status.connection).toBe('live'));
    source.handlers!.onDiff(source.change('ask', 101, 0));
    await vi.waitFor(() => {
      const book = last('book')!.book;
      expect([...book.bids]).toEqual([99.5, 3, 99, 1, 98, 2]);
      expect([...book.asks]).toEqual([102, 2]);
    });
    expect(last('markets')?.markets.map((m) => m.symbol)).toEqual(['BTC/USDT']);
    expect(last('book')?.source).toBe('live');
  });

  it('drops an invalid message with a notice, never applies it, and reloads the book', async () => {
    const { source, service, last, events } = setup();
    await service.start({ id: 'binance' });
    await vi.waitFor(() => expect(source.handlers).not.toBeNull());
    source.handlers!.onDiff(source.change('bid', 99.5, 3));
    await vi.waitFor(() => expect(last('status')?.status.connection).toBe('live'));
    const snapshotsBefore = source.snapshots;
    source.handlers!.onInvalid(
      engineError(
        'feed-invalid-message',
        'The exchange sent an invalid depth update: level 0 has price NaN.',
      ),
    );
    await vi.waitFor(() =>
      expect(events.some((e) => e.type === 'notice' && e.error.code === 'feed-invalid-message')).toBe(true),
    );
    await vi.waitFor(() => expect(source.snapshots).toBeGreaterThan(snapshotsBefore));
    source.handlers!.onDiff(source.change('ask', 100.5, 7));
    await vi.waitFor(() => expect([...last('book')!.book.asks].slice(0, 2)).toEqual([100.5, 7]));
    expect([...last('book')!.book.bids].slice(0, 2)).toEqual([99.5, 3]);
  });

  it('treats a sequence gap as a lost book: notice, new snapshot, correct book', async () => {
    const { source, service, last, events } = setup();
    await service.start({ id: 'binance' });
    await vi.waitFor(() => expect(source.handlers).not.toBeNull());
    source.handlers!.onDiff(source.change('bid', 99.5, 3));
    await vi.waitFor(() => expect(last('status')?.status.connection).toBe('live'));
    source.change('bid', 97, 9); // this diff never arrives
    const snapshotsBefore = source.snapshots;
    source.handlers!.onDiff(source.change('bid', 96, 1));
    await vi.waitFor(() =>
      expect(events.some((e) => e.type === 'notice' && e.error.code === 'book-gap')).toBe(true),
    );
    await vi.waitFor(() => expect(source.snapshots).toBeGreaterThan(snapshotsBefore));
    await vi.waitFor(() =>
      expect([...last('book')!.book.bids]).toEqual([99.5, 3, 99, 1, 98, 2, 97, 9, 96, 1]),
    );
  });

  it('shows a silent feed as stale, drops the connection, and is live again after reconnecting', async () => {
    const { source, service, last } = setup();
    await service.start({ id: 'binance' });
    await vi.waitFor(() => expect(source.handlers).not.toBeNull());
    source.handlers!.onDiff(source.change('bid', 99.5, 3));
    await vi.waitFor(() => expect(last('status')?.status.connection).toBe('live'));
    const firstHandlers = source.handlers;
    await vi.waitFor(() => expect(last('status')?.status.connection).toBe('stale'), { timeout: 2_000 });
    await vi.waitFor(() => expect(source.closed).toBeGreaterThan(0), { timeout: 3_000 });
    // The book loop subscribes again, snapshots, and the feed flows once more.
    await vi.waitFor(() => expect(source.handlers).not.toBe(firstHandlers), { timeout: 3_000 });
    source.handlers!.onDiff(source.change('ask', 100.5, 4));
    await vi.waitFor(() => expect(last('status')?.status.connection).toBe('live'), { timeout: 3_000 });
    await vi.waitFor(() => expect([...last('book')!.book.asks].slice(0, 2)).toEqual([100.5, 4]));
  });

  it('starts its backoff over once a stream has flowed again', async () => {
    const { source, service, last } = setup();
    await service.start({ id: 'binance' });
    for (let round = 0; round < 3; round++) {
      await vi.waitFor(() => expect(source.handlers).not.toBeNull());
      source.handlers!.onDiff(source.change('bid', 90 + round, 1));
      await vi.waitFor(() => expect(last('status')?.status.connection).toBe('live'));
      const before = source.handlers;
      const droppedAt = Date.now();
      source.drop();
      // With random() = 0 the first delay is half the 500 ms base: every round, as each one streamed.
      await vi.waitFor(() => expect(last('status')?.status.connection).toBe('reconnecting'));
      expect(last('status')!.status.retryAt! - droppedAt).toBeLessThan(400);
      await vi.waitFor(() => expect(source.handlers).not.toBe(before));
    }
  });

  it('opens offline with what was saved: stored book and candles, and an offline status', async () => {
    const first = setup();
    await first.service.start({ id: 'binance' });
    await vi.waitFor(() => expect(first.source.handlers).not.toBeNull());
    first.source.handlers!.onDiff(first.source.change('bid', 99.5, 3));
    await vi.waitFor(() => expect(first.last('status')?.status.connection).toBe('live'));
    await vi.waitFor(async () => expect(await first.store.loadBook('binance', 'BTC/USDT')).toBeDefined());
    await vi.waitFor(async () =>
      expect((await first.store.loadCandles('binance', 'BTC/USDT', '1h', 10)).time.length).toBe(1),
    );
    await first.service.stop();

    // Same device, no network: the exchange is unreachable.
    const events: MarketEvent[] = [];
    const offline = new MarketService(
      {
        store: first.store,
        createSource: () => Promise.reject(new TypeError('Failed to fetch')),
        online: false,
        random: () => 0,
      },
      fast,
    );
    services.push(offline);
    offline.subscribe((b) => events.push(...b));
    const started = await offline.start({ id: 'binance' });
    expect(started.markets.map((m) => m.symbol)).toEqual(['BTC/USDT']);
    await vi.waitFor(() => {
      const book = events.find((e) => e.type === 'book');
      expect(book?.type === 'book' && book.source).toBe('stored');
      expect(book?.type === 'book' && [...book.book.bids].slice(0, 2)).toEqual([99.5, 3]);
      const candles = events.find((e) => e.type === 'candles');
      expect(candles?.type === 'candles' && candles.source).toBe('stored');
      const status = [...events].reverse().find((e) => e.type === 'status');
      expect(status?.type === 'status' && status.status.connection).toBe('offline');
    });
  });

  it('refuses a symbol the exchange does not list, with a reason', async () => {
    const { service } = setup();
    await service.start({ id: 'binance' });
    await vi.waitFor(async () => expect((await service.start({ id: 'binance' })).markets.length).toBe(1));
    await expect(service.focus('DOGE/EUR', '1h')).rejects.toMatchObject({ error: { code: 'bad-symbol' } });
    await expect(service.focus('BTC/USDT', '2h' as never)).rejects.toMatchObject({
      error: { code: 'bad-timeframe' },
    });
  });

  it('folds live trades into the newest candle and the tape', async () => {
    const { source, service, last } = setup();
    await service.start({ id: 'binance' });
    await service.focus('BTC/USDT', '1m');
    await vi.waitFor(() => expect(last('candles')).toMatchObject({ timeframe: '1m', source: 'live' }));
    await vi.waitFor(() => expect(source.tradeWaiter).not.toBeNull());
    const t = Date.now() + 1000;
    source.pushTrades([{ id: 't1', time: t, price: 123, amount: 2, side: 'buy' }]);
    await vi.waitFor(() => expect(last('candle')?.bar.slice(1)).toEqual([123, 123, 123, 123, 2]));
    expect(last('trades')?.trades.map((x) => x.id)).toEqual(['t1']);
  });

  it("never shows one timeframe's stored candles under another", async () => {
    const store = new MarketStore(new LyraDb(`svc-${dbN++}`));
    const hour = 3_600_000;
    await store.saveCandles(
      'binance',
      'BTC/USDT',
      '1h',
      columnsFromRows([0, 1, 2].map((i) => [i * hour, 1, 2, 1, 2, 1])),
    );
    await store.saveMarkets('binance', [market]);
    const events: MarketEvent[] = [];
    const offline = new MarketService(
      { store, createSource: () => new Promise(() => {}), online: false, random: () => 0 },
      fast,
    );
    services.push(offline);
    offline.subscribe((b) => events.push(...b));
    // The user picks another timeframe while the engine is still opening with the stored 1h chart.
    const starting = offline.start({ id: 'binance' });
    await new Promise((r) => setTimeout(r, 0));
    await offline.focus('BTC/USDT', '5m');
    await starting;
    await new Promise((r) => setTimeout(r, 200));
    const fiveMinute = events.filter((e) => e.type === 'candles' && e.timeframe === '5m');
    expect(fiveMinute.length).toBeGreaterThan(0);
    for (const e of fiveMinute) expect(e.type === 'candles' && e.candles.time.length).toBe(0);
    // The user's choice stands: the last word is 5m, not the 1h the engine opened with.
    expect([...events].reverse().find((e) => e.type === 'focus')).toMatchObject({ timeframe: '5m' });
  });

  it('asks the exchange for every candle since the newest held after a reconnect', async () => {
    const { source, service, last } = setup();
    await service.start({ id: 'binance' });
    await vi.waitFor(() => expect(last('candles')?.source).toBe('live'));
    await vi.waitFor(() => expect(source.tradeWaiter).not.toBeNull());
    const requests = source.candleRequests.length;
    // The trades stream fails; its loop reconnects and repairs the candles from the last one held.
    source.failTrades();
    await vi.waitFor(() => expect(source.candleRequests.length).toBeGreaterThan(requests));
    expect(source.candleRequests.some((r) => r.since === 60_000)).toBe(true);
  });

  it('runs symbol switches one after another: A, B, A never resubscribes A before its unsubscribe ended', async () => {
    const other: MarketInfo = { ...market, symbol: 'ETH/USDT', id: 'ETHUSDT' };
    const source = new ScriptedSource();
    source.loadMarkets = async () => [market, other];
    const { service } = setup(source);
    await service.start({ id: 'binance' });
    await vi.waitFor(() => expect(source.log).toContain('watch:BTC/USDT'));
    await Promise.all([
      service.focus('ETH/USDT', '1h'),
      service.focus('BTC/USDT', '1h'),
      service.focus('ETH/USDT', '1h'),
    ]);
    await vi.waitFor(() => expect(source.log.filter((l) => l === 'watch:ETH/USDT')).toHaveLength(2));
    const log = source.log;
    const secondEth = log.lastIndexOf('watch:ETH/USDT');
    expect(log.slice(0, secondEth)).toContain('unwatch-end:ETH/USDT');
    expect(log.indexOf('unwatch-end:ETH/USDT')).toBeLessThan(secondEth);
  });

  it("keeps streaming when this device's storage fails, and says so", async () => {
    const store = new MarketStore(new LyraDb(`svc-${dbN++}`));
    const broken = () => Promise.reject(new Error('QuotaExceededError'));
    store.loadMarkets = broken;
    store.saveMarkets = broken;
    store.saveCandles = broken;
    store.setSetting = broken;
    const source = new ScriptedSource();
    const events: MarketEvent[] = [];
    const service = new MarketService({ store, createSource: async () => source, random: () => 0 }, fast);
    services.push(service);
    service.subscribe((b) => events.push(...b));
    await service.start({ id: 'binance' });
    await vi.waitFor(() => expect(source.handlers).not.toBeNull());
    source.handlers!.onDiff(source.change('bid', 99.5, 3));
    await vi.waitFor(() =>
      expect(events.some((e) => e.type === 'status' && e.status.connection === 'live')).toBe(true),
    );
    expect(
      events.some(
        (e) => e.type === 'notice' && e.error.code === 'storage' && /QuotaExceeded/.test(e.error.message),
      ),
    ).toBe(true);
  });

  it('after clearing the cache, an offline reload still opens with markets and the whole chart', async () => {
    const first = setup();
    await first.service.start({ id: 'binance' });
    await vi.waitFor(() => expect(first.source.handlers).not.toBeNull());
    first.source.handlers!.onDiff(first.source.change('bid', 99.5, 3));
    await vi.waitFor(() => expect(first.last('status')?.status.connection).toBe('live'));
    await vi.waitFor(() => expect(first.last('candles')?.source).toBe('live'));
    await first.service.clearCache();
    await first.service.stop();
    const events: MarketEvent[] = [];
    const offline = new MarketService(
      { store: first.store, createSource: () => new Promise(() => {}), online: false },
      fast,
    );
    services.push(offline);
    offline.subscribe((b) => events.push(...b));
    expect((await offline.start({ id: 'binance' })).markets.map((m) => m.symbol)).toEqual(['BTC/USDT']);
    await vi.waitFor(() =>
      expect(events.some((e) => e.type === 'candles' && e.candles.time.length === 1)).toBe(true),
    );
    await vi.waitFor(() => expect(events.some((e) => e.type === 'book' && e.source === 'stored')).toBe(true));
  });
});
