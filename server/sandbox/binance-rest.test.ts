import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from './index.js';
import { HOUR, MINUTE } from './intervals.js';
import { ManualClock, silentLog } from './test-support.js';

const NOW = Date.UTC(2024, 5, 12, 15, 30, 12, 500);
const PRICE_RE = /^\d+\.\d{8}$/;

let sandbox: Sandbox;
const clock = new ManualClock(NOW);

async function get(path: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await sandbox.routes.request(path);
  return { status: res.status, body: await res.json(), headers: res.headers };
}

async function ok<T = Record<string, unknown>>(path: string): Promise<T> {
  const res = await get(path);
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body as T;
}

async function fails(path: string, code: number, status = 400): Promise<string> {
  const res = await get(path);
  expect(res.status, path).toBe(status);
  const body = res.body as { code: number; msg: string };
  expect(body.code, `${path}: ${body.msg}`).toBe(code);
  expect(typeof body.msg).toBe('string');
  return body.msg;
}

beforeAll(() => {
  sandbox = createSandbox({ seed: 99, historyDays: 1, clock, log: silentLog });
});

afterAll(async () => {
  await sandbox.close();
});

describe('general endpoints', () => {
  it('ping and time', async () => {
    expect(await ok('/api/v3/ping')).toEqual({});
    expect(await ok('/api/v3/time')).toEqual({ serverTime: NOW });
  });

  it('exchangeInfo lists every market with Binance filters', async () => {
    const info = await ok<{ timezone: string; symbols: Record<string, unknown>[]; rateLimits: unknown[] }>(
      '/api/v3/exchangeInfo',
    );
    expect(info.timezone).toBe('UTC');
    expect(info.rateLimits.length).toBeGreaterThan(0);
    expect(info.symbols.map((s) => s['symbol'])).toEqual([
      'BTCUSDT',
      'ETHUSDT',
      'SOLUSDT',
      'ETHBTC',
      'XRPUSDT',
      'DOGEUSDT',
    ]);
    const btc = info.symbols[0] as { filters: Record<string, unknown>[] } & Record<string, unknown>;
    expect(btc).toMatchObject({
      status: 'TRADING',
      baseAsset: 'BTC',
      quoteAsset: 'USDT',
      baseAssetPrecision: 8,
      isSpotTradingAllowed: true,
      isMarginTradingAllowed: false,
      permissionSets: [['SPOT']],
      defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    });
    const filters = Object.fromEntries(btc.filters.map((f) => [f['filterType'], f]));
    expect(filters['PRICE_FILTER']).toEqual({
      filterType: 'PRICE_FILTER',
      minPrice: '0.01000000',
      maxPrice: '1000000.00000000',
      tickSize: '0.01000000',
    });
    expect(filters['LOT_SIZE']).toMatchObject({
      minQty: '0.00001000',
      stepSize: '0.00001000',
      maxQty: '9000.00000000',
    });
    expect(filters['NOTIONAL']).toMatchObject({ minNotional: '5.00000000', applyMinToMarket: true });
    expect(filters['MARKET_LOT_SIZE']).toBeDefined();
    expect(filters['MAX_NUM_ORDERS']).toEqual({ filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 });
    const one = await ok<{ symbols: unknown[] }>('/api/v3/exchangeInfo?symbol=ETHBTC');
    expect(one.symbols).toHaveLength(1);
    const two = await ok<{ symbols: unknown[] }>(
      `/api/v3/exchangeInfo?symbols=${encodeURIComponent('["ETHBTC","DOGEUSDT"]')}`,
    );
    expect(two.symbols).toHaveLength(2);
  });

  it('sends CORS headers and answers preflight', async () => {
    const res = await get('/api/v3/ping');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const pre = await sandbox.routes.request('/api/v3/depth?symbol=BTCUSDT', {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'GET' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    const err = await get('/api/v3/depth?symbol=NOPE');
    expect(err.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('market data', () => {
  it('depth: sorted levels as 8-decimal strings with lastUpdateId', async () => {
    const d = await ok<{ lastUpdateId: number; bids: [string, string][]; asks: [string, string][] }>(
      '/api/v3/depth?symbol=BTCUSDT',
    );
    expect(d.lastUpdateId).toBeGreaterThan(0);
    expect(d.bids).toHaveLength(100);
    expect(d.asks).toHaveLength(100);
    for (const [p, q] of [...d.bids, ...d.asks]) {
      expect(p).toMatch(PRICE_RE);
      expect(q).toMatch(PRICE_RE);
      expect(Number(q)).toBeGreaterThan(0);
    }
    const bids = d.bids.map(([p]) => Number(p));
    const asks = d.asks.map(([p]) => Number(p));
    expect([...bids].sort((a, b) => b - a)).toEqual(bids);
    expect([...asks].sort((a, b) => a - b)).toEqual(asks);
    expect(bids[0]).toBeLessThan(asks[0] ?? 0);
    const big = await ok<{ bids: unknown[]; asks: unknown[] }>('/api/v3/depth?symbol=BTCUSDT&limit=5000');
    expect(big.bids.length + big.asks.length).toBeGreaterThan(300);
    const five = await ok<{ bids: unknown[] }>('/api/v3/depth?symbol=BTCUSDT&limit=5');
    expect(five.bids).toHaveLength(5);
  });

  it('trades and aggTrades', async () => {
    const trades = await ok<Record<string, unknown>[]>('/api/v3/trades?symbol=ETHUSDT');
    expect(trades).toHaveLength(500);
    const t = trades.at(-1) as Record<string, unknown>;
    expect(Object.keys(t)).toEqual(['id', 'price', 'qty', 'quoteQty', 'time', 'isBuyerMaker', 'isBestMatch']);
    expect(t['price']).toMatch(PRICE_RE);
    expect(t['quoteQty']).toMatch(PRICE_RE);
    expect(Number(t['time'])).toBeLessThanOrEqual(NOW);
    const ids = trades.map((x) => x['id'] as number);
    expect(ids.every((id, i) => i === 0 || id === (ids[i - 1] as number) + 1)).toBe(true);

    const aggs = await ok<Record<string, unknown>[]>('/api/v3/aggTrades?symbol=ETHUSDT&limit=50');
    expect(aggs).toHaveLength(50);
    expect(Object.keys(aggs[0] ?? {})).toEqual(['a', 'p', 'q', 'f', 'l', 'T', 'm', 'M']);
    const firstA = aggs[0]?.['a'] as number;
    const from = await ok<Record<string, unknown>[]>(
      `/api/v3/aggTrades?symbol=ETHUSDT&fromId=${firstA}&limit=3`,
    );
    expect(from.map((a) => a['a'])).toEqual([firstA, firstA + 1, firstA + 2]);
    const start = NOW - 10 * MINUTE;
    const byTime = await ok<Record<string, unknown>[]>(
      `/api/v3/aggTrades?symbol=ETHUSDT&startTime=${start}&endTime=${start + MINUTE}`,
    );
    expect(byTime.length).toBeGreaterThan(0);
    for (const a of byTime) {
      expect(a['T'] as number).toBeGreaterThanOrEqual(start);
      expect(a['T'] as number).toBeLessThanOrEqual(start + MINUTE);
    }
    const historical = await ok<Record<string, unknown>[]>(
      `/api/v3/historicalTrades?symbol=ETHUSDT&fromId=${ids[0]}&limit=2`,
    );
    expect(historical.map((x) => x['id'])).toEqual([ids[0], (ids[0] ?? 0) + 1]);
  });

  it('klines: row shape, intervals, open candle and selection', async () => {
    const rows = await ok<unknown[][]>('/api/v3/klines?symbol=SOLUSDT&interval=1m');
    expect(rows).toHaveLength(500);
    const last = rows.at(-1) as unknown[];
    expect(last).toHaveLength(12);
    expect(last[0]).toBe(Math.floor(NOW / MINUTE) * MINUTE);
    expect(last[6]).toBe(Math.floor(NOW / MINUTE) * MINUTE + MINUTE - 1);
    for (const i of [1, 2, 3, 4, 5, 7, 9, 10]) expect(last[i]).toMatch(PRICE_RE);
    expect(typeof last[8]).toBe('number');
    expect(last[11]).toBe('0');
    const h = await ok<unknown[][]>('/api/v3/klines?symbol=SOLUSDT&interval=1h&limit=3');
    expect(h.map((r) => r[0])).toEqual([2, 1, 0].map((k) => Math.floor(NOW / HOUR) * HOUR - k * HOUR));
    const since = NOW - 3 * HOUR;
    const s = await ok<unknown[][]>(`/api/v3/klines?symbol=SOLUSDT&interval=15m&startTime=${since}&limit=4`);
    expect(s).toHaveLength(4);
    expect(s[0]?.[0]).toBeGreaterThanOrEqual(since);
    const d = await ok<unknown[][]>('/api/v3/klines?symbol=SOLUSDT&interval=1d');
    expect(d.length).toBeGreaterThanOrEqual(2);
    const w = await ok<unknown[][]>('/api/v3/klines?symbol=SOLUSDT&interval=1w');
    expect(new Date(w[0]?.[0] as number).getUTCDay()).toBe(1);
    const ui = await ok<unknown[][]>('/api/v3/uiKlines?symbol=SOLUSDT&interval=5m&limit=2&timeZone=0');
    expect(ui).toHaveLength(2);
  });

  it('tickers', async () => {
    const t = await ok('/api/v3/ticker/24hr?symbol=BTCUSDT');
    expect(t).toMatchObject({ symbol: 'BTCUSDT', openTime: NOW - 24 * HOUR, closeTime: NOW });
    for (const k of [
      'lastPrice',
      'openPrice',
      'highPrice',
      'lowPrice',
      'volume',
      'quoteVolume',
      'bidPrice',
      'askPrice',
    ]) {
      expect(t[k], k).toMatch(PRICE_RE);
    }
    expect(t['priceChangePercent']).toMatch(/^-?\d+\.\d{3}$/);
    expect(Number(t['count'])).toBe(Number(t['lastId']) - Number(t['firstId']) + 1);
    const all = await ok<unknown[]>('/api/v3/ticker/24hr');
    expect(all).toHaveLength(6);
    const two = await ok<Record<string, unknown>[]>(
      `/api/v3/ticker/24hr?symbols=${encodeURIComponent('["ETHUSDT","BTCUSDT"]')}&type=MINI`,
    );
    expect(two.map((x) => x['symbol'])).toEqual(['ETHUSDT', 'BTCUSDT']);
    expect(two[0]?.['bidPrice']).toBeUndefined();
    const rolling = await ok('/api/v3/ticker?symbol=BTCUSDT&windowSize=2h');
    expect(rolling).toMatchObject({ symbol: 'BTCUSDT', openTime: NOW - 2 * HOUR, closeTime: NOW });
    expect(rolling['weightedAvgPrice']).toMatch(PRICE_RE);
    expect(rolling['bidPrice']).toBeUndefined();
    const mini = await ok<unknown[]>(
      `/api/v3/ticker?symbols=${encodeURIComponent('["BTCUSDT","XRPUSDT"]')}&type=MINI`,
    );
    expect(mini).toHaveLength(2);
    const book = await ok('/api/v3/ticker/bookTicker?symbol=XRPUSDT');
    expect(Object.keys(book)).toEqual(['symbol', 'bidPrice', 'bidQty', 'askPrice', 'askQty']);
    expect(await ok<unknown[]>('/api/v3/ticker/bookTicker')).toHaveLength(6);
    const price = await ok('/api/v3/ticker/price?symbol=XRPUSDT');
    expect(price['price']).toMatch(PRICE_RE);
    const avg = await ok('/api/v3/avgPrice?symbol=XRPUSDT');
    expect(avg['mins']).toBe(5);
    expect(avg['price']).toMatch(PRICE_RE);
  });
});

describe('validation', () => {
  it('rejects bad symbols', async () => {
    await fails('/api/v3/depth', -1102);
    await fails('/api/v3/depth?symbol=FOOBAR', -1121);
    expect(await fails('/api/v3/depth?symbol=btcusdt', -1100)).toContain("'symbol'");
    await fails('/api/v3/depth?symbol=', -1105);
    await fails(`/api/v3/ticker/24hr?symbols=${encodeURIComponent('["BTCUSDT","NOPE"]')}`, -1121);
    expect(await fails('/api/v3/ticker/24hr?symbols=BTCUSDT', -1100)).toContain("'symbols'");
    await fails(`/api/v3/ticker/24hr?symbol=BTCUSDT&symbols=${encodeURIComponent('["BTCUSDT"]')}`, -1128);
    await fails('/api/v3/exchangeInfo?symbol=NOPE', -1121);
  });

  it('rejects bad limits and numbers', async () => {
    expect(await fails('/api/v3/depth?symbol=BTCUSDT&limit=abc', -1100)).toContain("'limit'");
    expect(await fails('/api/v3/depth?symbol=BTCUSDT&limit=5001', -1130)).toContain("'limit'");
    await fails('/api/v3/depth?symbol=BTCUSDT&limit=0', -1130);
    await fails('/api/v3/depth?symbol=BTCUSDT&limit=-5', -1100);
    await fails('/api/v3/trades?symbol=BTCUSDT&limit=1001', -1130);
    await fails('/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1001', -1130);
    await fails('/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=1.5', -1100);
    await fails('/api/v3/aggTrades?symbol=BTCUSDT&fromId=x', -1100);
  });

  it('rejects bad intervals and time ranges', async () => {
    await fails('/api/v3/klines?symbol=BTCUSDT', -1102);
    await fails('/api/v3/klines?symbol=BTCUSDT&interval=7m', -1120);
    await fails(`/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${NOW}&endTime=${NOW - 1}`, -1128);
    await fails('/api/v3/klines?symbol=BTCUSDT&interval=1m&timeZone=%2B08:00', -1130);
    await fails(`/api/v3/aggTrades?symbol=BTCUSDT&startTime=${NOW - 2 * HOUR}&endTime=${NOW}`, -1127);
    await fails(`/api/v3/aggTrades?symbol=BTCUSDT&fromId=1&startTime=${NOW - HOUR}`, -1128);
    await fails('/api/v3/ticker/24hr?type=HUGE', -1130);
    await fails('/api/v3/ticker?symbol=BTCUSDT&windowSize=8d', -1130);
    await fails('/api/v3/ticker', -1128);
    await fails('/api/v3/exchangeInfo?symbolStatus=OPEN', -1130);
  });

  it('rejects unknown and duplicate parameters', async () => {
    expect(await fails('/api/v3/depth?symbol=BTCUSDT&foo=1', -1104)).toContain("'foo'");
    await fails('/api/v3/depth?symbol=BTCUSDT&symbol=ETHUSDT', -1101);
    await fails('/api/v3/time?x=1', -1104);
  });

  it('answers unknown paths with a JSON 404', async () => {
    const msg = await fails('/api/v3/nope', -1000, 404);
    expect(msg).toContain('/api/v3/nope');
    // Endpoints the sandbox does not serve (GET /api/v3/order is a signed endpoint now).
    await fails('/api/v3/myPreventedMatches', -1000, 404);
  });
});
