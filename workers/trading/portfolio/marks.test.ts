import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { LyraDb } from '../../store/db.js';
import { candidateSymbols, layeredPrices, loadPrices, priceIn, type PricePoint } from './marks.js';

const at = (price: number, time: number, source: PricePoint['source'] = 'live'): PricePoint => ({
  price,
  time,
  source,
});
const table =
  (m: Record<string, PricePoint>) =>
  (s: string): PricePoint | null =>
    m[s] ?? null;

describe('a price in any quote', () => {
  it('uses the direct market, its inverse, then a cross through a bridge, keeping the worst source and oldest time', () => {
    const prices = table({
      'BTC/USDT': at(100_000, 50),
      'EUR/USDT': at(1.25, 40, 'ticker'),
      'SOL/BTC': at(0.002, 30, 'candle'),
    });
    expect(priceIn('BTC', 'USDT', prices)).toEqual(at(100_000, 50));
    expect(priceIn('USDT', 'BTC', prices)).toEqual(at(1 / 100_000, 50));
    const sol = priceIn('SOL', 'USDT', prices)!;
    expect(sol.price).toBeCloseTo(200, 9);
    expect(sol.source).toBe('candle');
    expect(sol.time).toBe(30);
    const btcInEur = priceIn('BTC', 'EUR', prices)!;
    expect(btcInEur.price).toBeCloseTo(80_000, 6);
    expect(btcInEur).toMatchObject({ source: 'ticker', time: 40 });
  });

  it('is null, not zero, when nothing prices the asset', () => {
    expect(priceIn('XYZ', 'USDT', table({ 'BTC/USDT': at(1, 1) }))).toBeNull();
    expect(priceIn('BTC', 'USDT', table({ 'BTC/USDT': at(0, 1) }))).toBeNull();
  });

  it('an asset in itself is 1', () => {
    expect(priceIn('USDT', 'USDT', table({}))?.price).toBe(1);
  });

  it('looks up both directions of every pair it may cross', () => {
    const c = candidateSymbols('SOL', 'EUR');
    for (const s of ['SOL/EUR', 'EUR/SOL', 'SOL/USDT', 'USDT/EUR', 'EUR/USDT', 'SOL/BTC', 'BTC/EUR'])
      expect(c).toContain(s);
  });
});

describe('prices offline', () => {
  let db: LyraDb;
  afterEach(async () => {
    db.close();
    await Dexie.delete(db.name);
  });

  it('falls back from the live mark to the stored ticker to the newest stored candle close', async () => {
    db = new LyraDb(`marks-${Math.random()}`);
    const t0 = Date.UTC(2026, 2, 1);
    await db.tickers.put({
      exchange: 'binance',
      symbol: 'ETH/USDT',
      time: t0,
      last: 3000,
      open: null,
      high: null,
      low: null,
      change: null,
      percentage: null,
      baseVolume: null,
      quoteVolume: null,
      vwap: null,
      bid: null,
      ask: null,
    });
    const candles = (tf: '1h' | '1d', start: number, closes: number[], step: number) => ({
      exchange: 'binance',
      symbol: 'SOL/USDT',
      timeframe: tf,
      start,
      time: Float64Array.from(closes.map((_, i) => start + i * step)),
      open: Float64Array.from(closes),
      high: Float64Array.from(closes),
      low: Float64Array.from(closes),
      close: Float64Array.from(closes),
      volume: Float64Array.from(closes),
    });
    await db.candleBlocks.bulkPut([
      candles('1d', t0 - 5 * 86_400_000, [140, 141, 142], 86_400_000),
      candles('1h', t0 - 3_600_000 * 3, [150, 151, 152], 3_600_000),
    ]);
    const live = (s: string) => (s === 'BTC/USDT' ? { price: 90_000, time: t0 + 10 } : null);
    const prices = await loadPrices(db, live, ['binance'], ['BTC', 'ETH', 'SOL', 'DOGE'], ['USDT'], t0 + 1e6);
    expect(priceIn('BTC', 'USDT', prices)).toEqual({ price: 90_000, time: t0 + 10, source: 'live' });
    expect(priceIn('ETH', 'USDT', prices)).toEqual({ price: 3000, time: t0, source: 'ticker' });
    // The hourly candle closes later than the daily one: it is the newer price, timed at its close.
    expect(priceIn('SOL', 'USDT', prices)).toEqual({ price: 152, time: t0, source: 'candle' });
    expect(priceIn('DOGE', 'USDT', prices)).toBeNull();
  });
});

describe('this session marks next to stored prices', () => {
  const now = 1_000_000_000;
  it('a live mark wins and is labelled live', () => {
    const prices = layeredPrices(
      () => ({ price: 10, time: now - 1000 }),
      new Map([['X/USDT', { price: 9, time: now - 10, source: 'ticker' as const }]]),
      now,
    );
    expect(prices('X/USDT')).toEqual({ price: 10, time: now - 1000, source: 'live' });
  });

  it('a replayed tape is labelled as such, and a newer stored price beats it', () => {
    const replayed = () => ({ price: 10, time: now - 60_000, replayed: true as const });
    const older = layeredPrices(
      replayed,
      new Map([['X/USDT', { price: 9, time: now - 120_000, source: 'ticker' as const }]]),
      now,
    );
    expect(older('X/USDT')).toEqual({ price: 10, time: now - 60_000, source: 'last-known' });
    const newer = layeredPrices(
      replayed,
      new Map([['X/USDT', { price: 9, time: now - 1000, source: 'candle' as const }]]),
      now,
    );
    expect(newer('X/USDT')).toEqual({ price: 9, time: now - 1000, source: 'candle' });
  });
});
