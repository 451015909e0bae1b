import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { columnsFromRows, type OhlcvRow } from '../market/candle-series.js';
import { LyraDb } from './db.js';
import { MarketStore, candlesPerBlock } from './market-store.js';
import { schemaVersions } from './schema.js';
import { btcUsdt } from '../market/test-markets.js';

let n = 0;
const dbs: LyraDb[] = [];
function freshStore() {
  const db = new LyraDb(`test-${n++}`);
  dbs.push(db);
  return { db, store: new MarketStore(db) };
}
afterEach(async () => {
  for (const db of dbs.splice(0)) {
    db.close();
    await db.delete();
  }
});

const minute = 60_000;
const t0 = Date.UTC(2026, 10, 1);
const rows = (from: number, count: number, price = 100): OhlcvRow[] =>
  Array.from({ length: count }, (_, i) => [
    t0 + (from + i) * minute,
    price,
    price + 1,
    price - 1,
    price + i,
    i,
  ]);

describe('schema', () => {
  it('declares version 1 exactly as published (versions are appended, never edited)', () => {
    expect(schemaVersions[0]).toEqual({
      version: 1,
      stores: {
        markets: '[exchange+symbol], exchange',
        candleBlocks: '[exchange+symbol+timeframe+start]',
        books: '[exchange+symbol]',
        tickers: '[exchange+symbol], exchange',
        tapes: '[exchange+symbol]',
        settings: 'key',
      },
    });
    const versions = schemaVersions.map((v) => v.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
  });

  it('opens at the newest version with every table', async () => {
    const { db } = freshStore();
    await db.open();
    expect(db.verno).toBe(schemaVersions[schemaVersions.length - 1]!.version);
    expect(db.tables.map((t) => t.name).sort()).toEqual([
      'accounts',
      'alertFirings',
      'alerts',
      'algos',
      'audit',
      'backupOutbox',
      'books',
      'candleBlocks',
      'cashFlows',
      'closedTrades',
      'datasets',
      'equityBlocks',
      'exchangeAccounts',
      'fills',
      'importedFills',
      'imports',
      'markets',
      'orders',
      'portfolioCache',
      'positions',
      'settings',
      'strategyRuns',
      'syncState',
      'tapes',
      'tickers',
      'tradingState',
      'twins',
      'vaultKeys',
      'vaultState',
    ]);
  });
});

describe('MarketStore candles', () => {
  it('drops candle writes while a restore holds them, and writes again once released', async () => {
    const { db, store } = freshStore();
    store.holdCandleWrites(true);
    await store.saveCandles('binance', 'BTC/USDT', '1m', columnsFromRows(rows(0, 10)));
    expect(await db.candleBlocks.count()).toBe(0);
    store.holdCandleWrites(false);
    await store.saveCandles('binance', 'BTC/USDT', '1m', columnsFromRows(rows(0, 10)));
    expect(await db.candleBlocks.count()).toBe(1);
  });

  it('stores candles as blocks of at most 1,000 and reads back the newest N in order', async () => {
    const { db, store } = freshStore();
    await store.saveCandles('binance', 'BTC/USDT', '1m', columnsFromRows(rows(0, 2500)));
    const blocks = await db.candleBlocks.toArray();
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    expect(blocks.every((b) => b.time.length <= candlesPerBlock && b.time instanceof Float64Array)).toBe(
      true,
    );
    const last = await store.loadCandles('binance', 'BTC/USDT', '1m', 1200);
    expect(last.time.length).toBe(1200);
    expect(last.time[0]).toBe(t0 + 1300 * minute);
    expect(last.time[1199]).toBe(t0 + 2499 * minute);
    expect(last.close[1199]).toBe(100 + 2499);
    for (let i = 1; i < 1200; i++) expect(last.time[i]! - last.time[i - 1]!).toBe(minute);
  });

  it('merges overlapping saves (newest wins) and keeps symbols and timeframes apart', async () => {
    const { store } = freshStore();
    await store.saveCandles('binance', 'BTC/USDT', '1m', columnsFromRows(rows(0, 10, 100)));
    await store.saveCandles('binance', 'BTC/USDT', '1m', columnsFromRows(rows(5, 10, 200)));
    await store.saveCandles('binance', 'ETH/USDT', '1m', columnsFromRows(rows(0, 3, 5)));
    await store.saveCandles('binance', 'BTC/USDT', '5m', columnsFromRows(rows(0, 2, 7)));
    const btc = await store.loadCandles('binance', 'BTC/USDT', '1m', 100);
    expect(btc.time.length).toBe(15);
    expect(btc.open[4]).toBe(100);
    expect(btc.open[5]).toBe(200);
    expect((await store.loadCandles('binance', 'ETH/USDT', '1m', 100)).time.length).toBe(3);
    expect((await store.loadCandles('binance', 'BTC/USDT', '5m', 100)).open[0]).toBe(7);
    expect((await store.loadCandles('binance', 'SOL/USDT', '1m', 100)).time.length).toBe(0);
  });
});

describe('MarketStore snapshots', () => {
  it('round-trips markets, the last book, tickers, the tape and settings', async () => {
    const { store } = freshStore();
    const market = btcUsdt;
    await store.saveMarkets('binance', [market]);
    expect(await store.loadMarkets('binance')).toEqual([market]);
    await store.saveBook(
      'binance',
      {
        symbol: 'BTC/USDT',
        nonce: 5,
        time: 9,
        bids: new Float64Array([99, 1]),
        asks: new Float64Array([101, 2]),
        bestBid: 99,
        bestAsk: 101,
        bidLevels: 1,
        askLevels: 1,
      },
      1234,
    );
    const book = await store.loadBook('binance', 'BTC/USDT');
    expect(book?.bestBid).toBe(99);
    expect(book?.bestAsk).toBe(101);
    expect(book?.savedAt).toBe(1234);
    expect(book?.bids).toBeInstanceOf(Float64Array);
    await store.saveTape('binance', 'BTC/USDT', [{ id: '1', time: 1, price: 2, amount: 3, side: 'sell' }]);
    expect((await store.loadTape('binance', 'BTC/USDT'))[0]?.side).toBe('sell');
    await store.setSetting('view', { symbol: 'ETH/USDT' });
    expect(await store.getSetting('view')).toEqual({ symbol: 'ETH/USDT' });
    await store.clearMarketData();
    expect(await store.loadMarkets('binance')).toEqual([]);
    expect(await store.getSetting('view')).toEqual({ symbol: 'ETH/USDT' });
  });
});
