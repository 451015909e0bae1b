import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FeedCounters } from '../monitor/feed-counters.js';
import { LyraDb } from '../store/db.js';
import { MarketStore } from '../store/market-store.js';
import type { BookDiff, BookSnapshot } from './book-sync.js';
import { columnsFromRows } from './candle-series.js';
import { MarketService, type StampedBatch } from './market-service.js';
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

/** A depth stream the test drives: diffs by hand, a connection that can drop. */
class HandSource implements MarketSource {
  readonly exchangeId = 'binance';
  readonly bookMode = 'diffs' as const;
  nonce = 100;
  handlers: DepthHandlers | null = null;
  private dropStream: ((e: unknown) => void) | null = null;
  async loadMarkets() {
    return [market];
  }
  async fetchBook(): Promise<BookSnapshot> {
    return {
      nonce: this.nonce,
      time: 1,
      bids: new Float64Array([99, 1]),
      asks: new Float64Array([101, 1]),
    };
  }
  async fetchCandles() {
    return columnsFromRows([[60_000, 100, 101, 99, 100, 5]]);
  }
  async fetchTrades(): Promise<TapeTrade[]> {
    return [];
  }
  async fetchTickers(): Promise<TickerInfo[]> {
    return [];
  }
  watchTrades(): Promise<TapeTrade[]> {
    return new Promise(() => {});
  }
  watchTicker(): Promise<TickerInfo> {
    return new Promise(() => {});
  }
  watchBookDiffs(_symbol: string, handlers: DepthHandlers): Promise<void> {
    this.handlers = handlers;
    return new Promise((_resolve, reject) => (this.dropStream = reject));
  }
  async watchBookSnapshot(): Promise<BookSnapshot> {
    throw new Error('not used');
  }
  async unwatch() {}
  async close() {}
  diff(skip = 0): BookDiff {
    this.nonce += 1 + skip;
    return {
      first: this.nonce,
      last: this.nonce,
      time: this.nonce,
      bids: new Float64Array([98, this.nonce]),
      asks: new Float64Array(),
    };
  }
  drop() {
    const error = new Error('socket hang up');
    error.name = 'NetworkError';
    this.dropStream?.(error);
  }
}

let services: MarketService[] = [];
let n = 0;
afterEach(async () => {
  for (const s of services) await s.stop();
  services = [];
});

async function live() {
  const source = new HandSource();
  const counters = new FeedCounters();
  const service = new MarketService(
    {
      store: new MarketStore(new LyraDb(`probe-${n++}`)),
      createSource: async () => source,
      random: () => 0,
    },
    { flushMs: 10, healthMs: 20, persistMs: 1_000, tickersPollMs: 60_000 },
  );
  services.push(service);
  service.observe(counters);
  const batches: StampedBatch[] = [];
  service.subscribe((batch) => batches.push(batch));
  await service.start({ id: 'binance' });
  await vi.waitFor(() => expect(source.handlers).not.toBeNull());
  source.handlers!.onDiff(source.diff());
  await vi.waitFor(() => expect(service.currentStatus().connection).toBe('live'));
  const book = () => counters.snapshot(() => 'live').find((f) => f.stream === 'book')!;
  return { source, service, counters, batches, book };
}

describe('market hooks for the monitor', () => {
  it('counts every depth message, and a sequence jump as one gap followed by one resync', async () => {
    const { source, book } = await live();
    const before = book().total;
    for (let i = 0; i < 5; i++) source.handlers!.onDiff(source.diff());
    expect(book().total).toBe(before + 5);
    expect(book()).toMatchObject({ gaps: 0, resyncs: 0 });
    source.handlers!.onDiff(source.diff(3)); // three update ids never arrived
    expect(book().gaps).toBe(1);
    await vi.waitFor(() => expect(book().resyncs).toBe(1));
  });

  it('counts a dropped connection as a reconnect of its stream', async () => {
    const { source, book } = await live();
    const handlers = source.handlers;
    source.drop();
    await vi.waitFor(() => expect(book().reconnects).toBe(1));
    await vi.waitFor(() => expect(source.handlers).not.toBe(handlers));
    source.handlers!.onDiff(source.diff());
    // The book reloaded after the reconnect is a resync; the first load never was.
    await vi.waitFor(() => expect(book().resyncs).toBe(1));
  });

  it('counts the klines replies as the candles stream', async () => {
    const { counters } = await live();
    await vi.waitFor(() =>
      expect(counters.snapshot(() => 'live').find((f) => f.stream === 'candles')?.total).toBeGreaterThan(0),
    );
  });

  it('stamps each delivered batch with when it left the engine, on the epoch clock', async () => {
    const { batches } = await live();
    const stamped = batches.filter((b) => b.sentAt !== undefined);
    expect(stamped.length).toBeGreaterThan(0);
    for (const b of stamped) expect(Math.abs(b.sentAt! - Date.now())).toBeLessThan(10_000);
  });

  it('reports the pending flush and its peak since the last read', async () => {
    const { service } = await live();
    const first = service.pendingDepth();
    expect(first.peak).toBeGreaterThanOrEqual(first.depth);
    expect(first.peak).toBeGreaterThan(0);
  });
});
