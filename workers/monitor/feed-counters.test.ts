import { describe, expect, it } from 'vitest';
import { FeedCounters } from './feed-counters.js';

describe('FeedCounters', () => {
  it('counts messages, gaps, resyncs and reconnects per exchange and stream', () => {
    let now = 100_000;
    const c = new FeedCounters(() => now);
    for (let i = 0; i < 30; i++) c.message('binance', 'book');
    c.message('binance', 'trades', 4);
    c.gap('binance');
    c.resync('binance');
    c.reconnect('binance', 'trades');
    c.message('kraken', 'tickers');
    now += 1_000;
    const feeds = c.snapshot(() => 'live');
    expect(feeds.map((f) => `${f.exchange}/${f.stream}`)).toEqual([
      'binance/book',
      'binance/trades',
      'kraken/tickers',
    ]);
    const [book, trades] = feeds;
    expect(book).toMatchObject({ total: 30, rate1s: 30, rate10s: 3, gaps: 1, resyncs: 1, reconnects: 0 });
    expect(book!.lastMessageAgeMs).toBe(1_000);
    expect(book!.history.at(-2)).toBe(30);
    // Failed after its last message: reconnecting, even though the exchange as a whole is live.
    expect(trades).toMatchObject({ total: 4, reconnects: 1, connection: 'reconnecting' });
    c.message('binance', 'trades');
    expect(c.snapshot(() => 'live')[1]!.connection).toBe('live');
    expect(c.snapshot(() => 'offline')[1]!.connection).toBe('offline');
  });
});
