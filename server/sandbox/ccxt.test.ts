/**
 * The proof: the unmodified ccxt binance class (REST and pro WebSocket) runs against the sandbox
 * over a real HTTP server, with only its URLs pointed at it.
 */
import ccxt, { BadRequest, BadSymbol, type Exchange, type OrderBook } from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from './index.js';
import { DAY, HOUR, MINUTE } from './intervals.js';
import { silentLog, startServer, type RunningServer } from './test-support.js';

let sandbox: Sandbox;
let server: RunningServer;
let exchange: Exchange;

/** Points every REST URL (any host) at the sandbox, keeping the path. */
function rewriteHosts(node: Record<string, unknown>, base: string): void {
  for (const [key, value] of Object.entries(node)) {
    if (typeof value === 'string') node[key] = value.replace(/^[a-z]+:\/\/[^/]+/, base);
    else if (typeof value === 'object' && value !== null)
      rewriteHosts(value as Record<string, unknown>, base);
  }
}

function expectUncrossed(book: OrderBook): void {
  const bid = book.bids[0]?.[0];
  const ask = book.asks[0]?.[0];
  expect(bid).toBeTypeOf('number');
  expect(ask).toBeTypeOf('number');
  expect(bid as number).toBeLessThan(ask as number);
  for (let i = 1; i < book.bids.length; i++)
    expect(book.bids[i]?.[0]).toBeLessThan(book.bids[i - 1]?.[0] as number);
  for (let i = 1; i < book.asks.length; i++)
    expect(book.asks[i]?.[0]).toBeGreaterThan(book.asks[i - 1]?.[0] as number);
}

beforeAll(async () => {
  sandbox = createSandbox({ seed: 2024, historyDays: 1, log: silentLog });
  sandbox.start();
  server = await startServer(sandbox);
  exchange = new ccxt.pro.binance({
    options: { fetchMarkets: { types: ['spot'] }, fetchMargins: false, fetchCurrencies: false },
  });
  const urls = exchange.urls as unknown as { api: Record<string, unknown> & { ws: Record<string, unknown> } };
  rewriteHosts(urls.api, server.httpUrl);
  urls.api.ws['spot'] = `${server.wsUrl}/ws`;
  urls.api.ws['margin'] = `${server.wsUrl}/ws`;
  // ccxt refuses plain ws:// in Node until its http agent is loaded.
  await exchange.loadHttpProxyAgent();
}, 120_000);

afterAll(async () => {
  await exchange?.close();
  await sandbox?.close();
  await server?.close();
});

describe('ccxt binance (REST) against the sandbox', () => {
  it('loadMarkets parses precision and limits from the filters', async () => {
    const markets = await exchange.loadMarkets();
    expect(Object.keys(markets).sort()).toEqual(
      ['BTC/USDT', 'DOGE/USDT', 'ETH/BTC', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT'].sort(),
    );
    const btc = exchange.market('BTC/USDT');
    expect(btc).toMatchObject({
      id: 'BTCUSDT',
      base: 'BTC',
      quote: 'USDT',
      spot: true,
      active: true,
      type: 'spot',
    });
    expect(btc.precision).toMatchObject({ price: 0.01, amount: 0.00001 });
    expect(btc.limits.amount).toEqual({ min: 0.00001, max: 9000 });
    expect(btc.limits.price).toEqual({ min: 0.01, max: 1000000 });
    expect(btc.limits.cost).toMatchObject({ min: 5, max: 9000000 });
    const ethbtc = exchange.market('ETH/BTC');
    expect(ethbtc.precision).toMatchObject({ price: 0.00001, amount: 0.0001 });
    expect(ethbtc.limits.cost?.min).toBe(0.0001);
    const doge = exchange.market('DOGE/USDT');
    expect(doge.precision).toMatchObject({ price: 0.00001, amount: 1 });
    expect(doge.limits.cost?.min).toBe(1);
    expect(exchange.market('XRP/USDT').precision).toMatchObject({ price: 0.0001, amount: 0.1 });
  });

  it('fetchTime', async () => {
    const t = await exchange.fetchTime();
    expect(Math.abs((t ?? 0) - Date.now())).toBeLessThan(60_000);
  });

  it('fetchOrderBook', async () => {
    const book = await exchange.fetchOrderBook('BTC/USDT');
    expect(book.bids).toHaveLength(100);
    expect(book.asks).toHaveLength(100);
    expect(book.nonce).toBeGreaterThan(0);
    expectUncrossed(book);
    const deep = await exchange.fetchOrderBook('ETH/USDT', 1000);
    expect(deep.bids.length + deep.asks.length).toBeGreaterThan(200);
    expectUncrossed(deep);
  });

  it('fetchTrades (aggTrades) with and without since', async () => {
    const trades = await exchange.fetchTrades('BTC/USDT', undefined, 50);
    expect(trades).toHaveLength(50);
    const t = trades.at(-1);
    expect(t).toMatchObject({ symbol: 'BTC/USDT' });
    expect(['buy', 'sell']).toContain(t?.side);
    expect(t?.price).toBeGreaterThan(0);
    expect(t?.amount).toBeGreaterThan(0);
    expect(t?.cost).toBeCloseTo((t?.price ?? 0) * (t?.amount ?? 0), 6);
    const since = Date.now() - 30 * MINUTE;
    const recent = await exchange.fetchTrades('ETH/USDT', since, 20);
    expect(recent.length).toBeGreaterThan(0);
    for (const r of recent) expect(r.timestamp).toBeGreaterThanOrEqual(since);
  });

  it('fetchOHLCV on several timeframes, with since and limit', async () => {
    for (const [tf, ms] of [
      ['1m', MINUTE],
      ['5m', 5 * MINUTE],
      ['15m', 15 * MINUTE],
      ['1h', HOUR],
      ['4h', 4 * HOUR],
      ['1d', DAY],
    ] as const) {
      const candles = await exchange.fetchOHLCV('SOL/USDT', tf, undefined, 10);
      expect(candles.length, tf).toBeGreaterThan(1);
      expect(candles.length, tf).toBeLessThanOrEqual(10);
      for (const [ts, o, h, l, c, v] of candles) {
        expect((ts ?? 0) % ms, tf).toBe(0);
        expect(l as number).toBeLessThanOrEqual(Math.min(o as number, c as number));
        expect(h as number).toBeGreaterThanOrEqual(Math.max(o as number, c as number));
        expect(v as number).toBeGreaterThanOrEqual(0);
      }
      const last = candles.at(-1)?.[0] as number;
      expect(Math.floor(Date.now() / ms) * ms - last, `${tf} includes the open candle`).toBeLessThanOrEqual(
        ms,
      );
    }
    const since = Math.floor((Date.now() - 6 * HOUR) / HOUR) * HOUR;
    const hours = await exchange.fetchOHLCV('BTC/USDT', '1h', since, 3);
    expect(hours.map((c) => c[0])).toEqual([since, since + HOUR, since + 2 * HOUR]);
    const week = await exchange.fetchOHLCV('BTC/USDT', '1w', undefined, 5);
    expect(new Date(week[0]?.[0] as number).getUTCDay()).toBe(1);
  });

  it('fetchTicker, fetchTickers and fetchBidsAsks', async () => {
    const t = await exchange.fetchTicker('XRP/USDT');
    expect(t.symbol).toBe('XRP/USDT');
    for (const k of [
      'last',
      'open',
      'high',
      'low',
      'bid',
      'ask',
      'baseVolume',
      'quoteVolume',
      'vwap',
    ] as const) {
      expect(t[k], k).toBeTypeOf('number');
    }
    expect(t.bid as number).toBeLessThan(t.ask as number);
    expect(t.low as number).toBeLessThanOrEqual(t.last as number);
    expect(t.high as number).toBeGreaterThanOrEqual(t.last as number);
    const all = await exchange.fetchTickers();
    expect(Object.keys(all)).toHaveLength(6);
    const some = await exchange.fetchTickers(['BTC/USDT', 'ETH/BTC']);
    expect(Object.keys(some).sort()).toEqual(['BTC/USDT', 'ETH/BTC']);
    const quotes = await exchange.fetchBidsAsks(['DOGE/USDT', 'SOL/USDT']);
    expect(Object.keys(quotes).sort()).toEqual(['DOGE/USDT', 'SOL/USDT']);
    expect(quotes['DOGE/USDT']?.bid as number).toBeLessThan(quotes['DOGE/USDT']?.ask as number);
  });

  it('maps sandbox errors to ccxt exceptions', async () => {
    const raw = exchange as unknown as Record<string, (params: object) => Promise<unknown>>;
    await expect(raw['publicGetDepth']?.({ symbol: 'NOPEUSDT' })).rejects.toBeInstanceOf(BadSymbol);
    await expect(exchange.fetchOrderBook('BTC/USDT', 10_000)).rejects.toBeInstanceOf(BadRequest);
    await expect(raw['publicGetKlines']?.({ symbol: 'BTCUSDT', interval: '7m' })).rejects.toBeInstanceOf(
      BadRequest,
    );
    await expect(raw['publicGetDepth']?.({ symbol: 'BTCUSDT', limit: 'many' })).rejects.toBeInstanceOf(
      BadRequest,
    );
  });
});

describe('ccxt pro binance (WebSocket) against the sandbox', () => {
  it('watchOrderBook applies several diffs on top of the snapshot without a checksum error', async () => {
    let previous = -1;
    for (let i = 0; i < 8; i++) {
      const book = await exchange.watchOrderBook('BTC/USDT');
      expectUncrossed(book);
      expect(book.bids.length).toBeGreaterThanOrEqual(20);
      expect(book.asks.length).toBeGreaterThanOrEqual(20);
      expect(book.nonce as number).toBeGreaterThan(previous);
      previous = book.nonce as number;
    }
    // ccxt's locally maintained book equals a fresh snapshot taken at the same update id. The market
    // moves every 100 ms, so try until the two ids coincide (they must, within a few tries).
    let compared = false;
    for (let attempt = 0; attempt < 40 && !compared; attempt++) {
      const snapshot = await exchange.fetchOrderBook('BTC/USDT', 5);
      const local = exchange.orderbooks['BTC/USDT'];
      if (local && snapshot.nonce === local['nonce']) {
        expect(local['bids'].slice(0, 5)).toEqual(snapshot.bids);
        expect(local['asks'].slice(0, 5)).toEqual(snapshot.asks);
        compared = true;
      } else {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    expect(compared, 'a snapshot and the streamed book met at the same update id').toBe(true);
  }, 60_000);

  it('watchTrades', async () => {
    const trades = await exchange.watchTrades('BTC/USDT');
    expect(trades.length).toBeGreaterThan(0);
    const t = trades.at(-1);
    expect(t?.symbol).toBe('BTC/USDT');
    expect(t?.price).toBeGreaterThan(0);
    expect(Math.abs((t?.timestamp ?? 0) - Date.now())).toBeLessThan(60_000);
  }, 60_000);

  it('watchOHLCV', async () => {
    const candles = await exchange.watchOHLCV('ETH/USDT', '1m');
    const last = candles.at(-1) as number[];
    expect(last[0]).toBeGreaterThanOrEqual(Math.floor(Date.now() / MINUTE) * MINUTE - MINUTE);
    expect(last[2] as number).toBeGreaterThanOrEqual(last[3] as number);
  }, 60_000);

  it('watchTicker', async () => {
    const t = await exchange.watchTicker('SOL/USDT');
    expect(t.symbol).toBe('SOL/USDT');
    expect(t.last).toBeGreaterThan(0);
    expect(t.high as number).toBeGreaterThanOrEqual(t.low as number);
  }, 60_000);
});
