import { describe, expect, it } from 'vitest';
import type { TapeTrade } from '../market/trade-tape.js';
import { MarketLink } from './market-link.js';

const print = (id: string, time: number, price: number): TapeTrade => ({
  id,
  time,
  price,
  amount: 1,
  side: 'buy',
});

describe('marks from the trades tape', () => {
  it('a replayed tape is as old as its last print, and says it was replayed', () => {
    let now = 10_000_000;
    const link = new MarketLink(() => now);
    const yesterday = now - 86_400_000;
    link.ingest([
      {
        type: 'trades',
        symbol: 'BTC/USDT',
        reset: true,
        trades: [print('a', yesterday - 5, 99), print('b', yesterday, 100)],
      },
    ]);
    expect(link.mark('BTC/USDT')).toEqual({ price: 100, time: yesterday, replayed: true });

    now += 1000;
    link.ingest([{ type: 'trades', symbol: 'BTC/USDT', reset: false, trades: [print('c', now - 10, 101)] }]);
    expect(link.mark('BTC/USDT')).toEqual({ price: 101, time: now });
  });

  it('a reset with nothing new keeps the mark it had instead of making it look fresh', () => {
    let now = 5_000_000;
    const link = new MarketLink(() => now);
    link.ingest([{ type: 'trades', symbol: 'ETH/USDT', reset: false, trades: [print('a', now, 10)] }]);
    const before = link.mark('ETH/USDT');
    now += 60_000;
    link.ingest([
      { type: 'trades', symbol: 'ETH/USDT', reset: true, trades: [print('a', now - 60_000, 10)] },
    ]);
    expect(link.mark('ETH/USDT')).toEqual(before);
  });

  it('prints newer than the last one seen, arriving in a reset, are news and fresh', () => {
    let now = 5_000_000;
    const link = new MarketLink(() => now);
    link.ingest([{ type: 'trades', symbol: 'ETH/USDT', reset: false, trades: [print('a', now, 10)] }]);
    now += 30_000;
    const { trades } = link.ingest([
      {
        type: 'trades',
        symbol: 'ETH/USDT',
        reset: true,
        trades: [print('a', now - 30_000, 10), print('b', now - 5, 11)],
      },
    ]);
    expect(trades.get('ETH/USDT')?.map((t) => t.id)).toEqual(['b']);
    expect(link.mark('ETH/USDT')).toEqual({ price: 11, time: now });
  });
});

describe('whether the feed is live', () => {
  const status = (connection: 'live' | 'offline') => ({
    type: 'status' as const,
    status: { exchange: 'binance', connection, since: 0, lastMessageAt: null, retryAt: null, error: null },
  });

  it('follows the feed status, and is not live before any status arrives', () => {
    const link = new MarketLink(() => 0);
    expect(link.feedLive).toBe(false);
    link.ingest([status('live')]);
    expect(link.feedLive).toBe(true);
    link.ingest([status('offline')]);
    expect(link.feedLive).toBe(false);
  });
});
