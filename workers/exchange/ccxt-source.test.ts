import { describe, expect, it } from 'vitest';
import { EngineFailure } from '../shared/errors.js';
import { CcxtMarketSource, type CcxtExchange } from './ccxt-source.js';

function ccxtError(name: string): Error {
  const e = new Error(`${name} from the exchange`);
  e.name = name;
  return e;
}

/** A stand-in for a ccxt exchange without Lyra's diff seam: the generic, any-exchange path. */
function exchange(overrides: Partial<CcxtExchange> = {}): CcxtExchange {
  return {
    id: 'kraken',
    precisionMode: 4,
    has: {},
    loadMarkets: async () => ({
      'BTC/USD': {
        symbol: 'BTC/USD',
        id: 'XBTUSD',
        base: 'BTC',
        quote: 'USD',
        spot: true,
        precision: { price: 0.1, amount: 1e-8 },
        limits: {},
      },
      'BTC/USD:BTC': {
        symbol: 'BTC/USD:BTC',
        id: 'PI_XBTUSD',
        spot: false,
        precision: { price: 0.5, amount: 1 },
      },
    }),
    market: (symbol) => ({ id: symbol.replace('/', '') }),
    fetchOrderBook: async () => ({ bids: [[100, 1]], asks: [[101, 2]], nonce: undefined, timestamp: 5 }),
    fetchOHLCV: async () => [[60_000, 1, 2, 1, 2, 3]],
    fetchTrades: async () => [{ id: 'a', timestamp: 1, price: 100, amount: 1, side: 'sell' }],
    fetchTickers: async () => ({
      'BTC/USD': { symbol: 'BTC/USD', last: 100 },
      BAD: { symbol: 'BAD', last: -1 },
    }),
    watchTrades: async () => [],
    watchTicker: async () => ({ symbol: 'BTC/USD', last: 100 }),
    watchOrderBook: async () => ({
      bids: [
        [100, 1],
        [99, 1],
      ],
      asks: [[101, 2]],
      timestamp: 7,
    }),
    close: async () => undefined,
    ...overrides,
  };
}

describe('CcxtMarketSource', () => {
  it('uses full book snapshots for exchanges without a diff stream, and only spot markets', async () => {
    const source = new CcxtMarketSource(exchange());
    expect(source.bookMode).toBe('snapshots');
    expect((await source.loadMarkets()).map((m) => m.symbol)).toEqual(['BTC/USD']);
    const book = await source.watchBookSnapshot('BTC/USD', 50);
    expect([...book.bids]).toEqual([100, 1, 99, 1]);
    expect(book.time).toBe(7);
    await expect(
      source.watchBookDiffs('BTC/USD', { onDiff: () => {}, onInvalid: () => {} }),
    ).rejects.toMatchObject({
      error: { code: 'not-supported' },
    });
  });

  it('turns ccxt failures into engine errors that say whether to retry', async () => {
    const source = new CcxtMarketSource(
      exchange({
        fetchOrderBook: async () => {
          throw ccxtError('RequestTimeout');
        },
        fetchOHLCV: async () => {
          throw ccxtError('BadSymbol');
        },
      }),
    );
    await expect(source.fetchBook('BTC/USD', 10)).rejects.toMatchObject({
      error: { code: 'timeout', retryable: true },
    });
    await expect(source.fetchCandles('BTC/USD', '1h')).rejects.toMatchObject({
      error: { code: 'bad-symbol', retryable: false },
    });
  });

  it('rejects a malformed reply instead of passing it on, and skips one bad ticker among good ones', async () => {
    const source = new CcxtMarketSource(
      exchange({ fetchTrades: async () => [{ id: 1, timestamp: 1, price: 'NaN', amount: 1, side: 'buy' }] }),
    );
    const error = await source.fetchTrades('BTC/USD', 10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineFailure);
    expect((error as EngineFailure).error.code).toBe('feed-invalid-message');
    expect((await source.fetchTickers(['BTC/USD', 'BAD'])).map((t) => t.symbol)).toEqual(['BTC/USD']);
  });

  it('routes raw diffs through validation when the exchange has the diff seam', async () => {
    let sink: ((m: unknown) => void) | undefined;
    let release: () => void = () => {};
    const source = new CcxtMarketSource(
      exchange({
        setDepthSink: (_id, s) => (sink = s),
        removeDepthSink: (_id, s) => {
          if (sink === s) sink = undefined;
        },
        watchOrderBook: () => new Promise((resolve) => (release = () => resolve(undefined))),
      }),
    );
    expect(source.bookMode).toBe('diffs');
    const diffs: number[] = [];
    const invalid: string[] = [];
    const watching = source.watchBookDiffs('BTC/USD', {
      onDiff: (d) => diffs.push(d.last),
      onInvalid: (e) => invalid.push(e.message),
    });
    sink!({ e: 'depthUpdate', U: 1, u: 2, E: 1, b: [], a: [['101', '3']] });
    sink!({ e: 'depthUpdate', U: 3, u: 3, E: 1, b: [['oops', '1']], a: [] });
    expect(diffs).toEqual([2]);
    expect(invalid[0]).toMatch(/price oops/);
    release();
    await watching;
    expect(sink).toBeUndefined();
  });
});

describe('BinanceWithDiffs depth routing', () => {
  it('a finished watcher never unplugs a newer watcher of the same market', async () => {
    const { BinanceWithDiffs } = await import('./binance-diffs.js');
    const ex = new BinanceWithDiffs({});
    const seen: string[] = [];
    const older = () => seen.push('older');
    const newer = () => seen.push('newer');
    const handle = (ex as unknown as { handleOrderBook(c: unknown, m: unknown): void }).handleOrderBook.bind(
      ex,
    );
    ex.setDepthSink('BTCUSDT', older);
    ex.setDepthSink('BTCUSDT', newer);
    ex.removeDepthSink('BTCUSDT', older);
    handle(null, { s: 'BTCUSDT' });
    ex.removeDepthSink('BTCUSDT', newer);
    handle(null, { s: 'BTCUSDT' });
    handle(null, { s: 'ETHUSDT' });
    expect(seen).toEqual(['newer']);
  });
});
