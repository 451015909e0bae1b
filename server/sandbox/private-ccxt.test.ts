/**
 * The unmodified ccxt binance class trades on the sandbox's private API over a real HTTP server:
 * signed REST orders, balances and trades, the WebSocket API user data stream behind
 * watchOrders/watchBalance, and ccxt's error classes for Binance's refusals.
 */
import ccxt, {
  AuthenticationError,
  InsufficientFunds,
  InvalidOrder,
  OrderNotFound,
  type Exchange,
} from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from './index.js';
import { randomKey } from './private/accounts.js';
import { silentLog, startServer, type RunningServer } from './test-support.js';

let sandbox: Sandbox;
let server: RunningServer;
const opened: Exchange[] = [];

function rewriteHosts(node: Record<string, unknown>, base: string): void {
  for (const [key, value] of Object.entries(node)) {
    if (typeof value === 'string') node[key] = value.replace(/^[a-z]+:\/\/[^/]+/, base);
    else if (typeof value === 'object' && value !== null)
      rewriteHosts(value as Record<string, unknown>, base);
  }
}

async function connect(apiKey: string, secret: string): Promise<Exchange> {
  const exchange = new ccxt.pro.binance({
    apiKey,
    secret,
    options: { fetchMarkets: { types: ['spot'] }, fetchMargins: false, fetchCurrencies: false },
  });
  const urls = exchange.urls as unknown as { api: Record<string, unknown> & { ws: Record<string, unknown> } };
  rewriteHosts(urls.api, server.httpUrl);
  urls.api.ws['spot'] = `${server.wsUrl}/ws`;
  (urls.api.ws['ws-api'] as Record<string, string>)['spot'] = `${server.wsUrl}/ws-api/v3`;
  await exchange.loadHttpProxyAgent();
  await exchange.loadMarkets();
  opened.push(exchange);
  return exchange;
}

beforeAll(async () => {
  sandbox = createSandbox({ seed: 77, historyDays: 0, log: silentLog });
  sandbox.start();
  server = await startServer(sandbox);
}, 120_000);

afterAll(async () => {
  for (const e of opened) await e.close();
  await sandbox?.close();
  await server?.close();
});

describe('ccxt binance private API against the sandbox', () => {
  it('fetchBalance, limit order lifecycle, market order, trades', async () => {
    const key = sandbox.createApiKey({ label: 'ccxt', balances: { USDT: '100000', BTC: '1' } });
    const ex = await connect(key.apiKey, key.secret);
    const start = await ex.fetchBalance();
    expect(start['USDT']).toMatchObject({ free: 100000, used: 0, total: 100000 });
    expect(start['BTC']).toMatchObject({ free: 1, used: 0 });

    const book = await ex.fetchOrderBook('BTC/USDT', 5);
    const bid = book.bids[0]?.[0] as number;
    const ask = book.asks[0]?.[0] as number;
    const far = Number(ex.priceToPrecision('BTC/USDT', bid * 0.8));
    const limit = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, far);
    expect(limit).toMatchObject({
      status: 'open',
      type: 'limit',
      side: 'buy',
      amount: 0.01,
      price: far,
      filled: 0,
    });
    const locked = await ex.fetchBalance();
    expect(locked['USDT']?.used).toBeCloseTo(far * 0.01, 8);
    expect(locked['USDT']?.free).toBeCloseTo(100000 - far * 0.01, 8);

    const open = await ex.fetchOpenOrders('BTC/USDT');
    expect(open.map((o) => o.id)).toEqual([limit.id]);
    const fetched = await ex.fetchOrder(limit.id as string, 'BTC/USDT');
    expect(fetched).toMatchObject({ id: limit.id, clientOrderId: limit.clientOrderId, status: 'open' });
    const canceled = await ex.cancelOrder(limit.id as string, 'BTC/USDT');
    expect(canceled.status).toBe('canceled');
    expect(await ex.fetchOpenOrders('BTC/USDT')).toHaveLength(0);
    await expect(ex.cancelOrder(limit.id as string, 'BTC/USDT')).rejects.toBeInstanceOf(OrderNotFound);
    await expect(ex.fetchOrder('999999999', 'BTC/USDT')).rejects.toBeInstanceOf(OrderNotFound);
    const released = await ex.fetchBalance();
    expect(released['USDT']).toMatchObject({ free: 100000, used: 0 });

    const market = await ex.createOrder('BTC/USDT', 'market', 'buy', 0.002);
    expect(market.status).toBe('closed');
    expect(market.filled).toBeCloseTo(0.002, 10);
    expect(market.average as number).toBeGreaterThanOrEqual(ask * 0.99);
    const trades = await ex.fetchMyTrades('BTC/USDT');
    const mine = trades.filter((t) => t.order === market.id);
    expect(mine.length).toBeGreaterThan(0);
    const bought = mine.reduce((s, t) => s + (t.amount as number), 0);
    const spent = mine.reduce((s, t) => s + (t.cost as number), 0);
    const fee = mine.reduce((s, t) => s + (t.fee?.cost as number), 0);
    expect(bought).toBeCloseTo(0.002, 10);
    expect(mine[0]?.fee?.currency).toBe('BTC');
    expect(fee).toBeCloseTo(0.002 * 0.001, 10);
    const after = await ex.fetchBalance();
    expect(after['BTC']?.total).toBeCloseTo(1 + 0.002 - fee, 10);
    expect(after['USDT']?.total).toBeCloseTo(100000 - spent, 6);
  }, 60_000);

  it('watchOrders and watchBalance receive a fill over the WebSocket API', async () => {
    const key = sandbox.createApiKey({ balances: { USDT: '50000' } });
    const ex = await connect(key.apiKey, key.secret);
    const watching = ex.watchOrders('ETH/USDT');
    const balance = ex.watchBalance();
    // Let the subscription settle before trading, so the fill is what arrives.
    await new Promise((r) => setTimeout(r, 300));
    const ask = (await ex.fetchOrderBook('ETH/USDT', 5)).asks[0]?.[0] as number;
    const placed = await ex.createOrder(
      'ETH/USDT',
      'limit',
      'buy',
      0.05,
      Number(ex.priceToPrecision('ETH/USDT', ask * 1.01)),
    );
    let seen = await watching;
    for (let i = 0; i < 10 && !seen.some((o) => o.id === placed.id && o.filled === 0.05); i++) {
      seen = await ex.watchOrders('ETH/USDT');
    }
    const update = seen.find((o) => o.id === placed.id);
    expect(update).toMatchObject({ symbol: 'ETH/USDT', side: 'buy', filled: 0.05, status: 'closed' });
    const b = await balance;
    expect(b['USDT']?.free as number).toBeLessThan(50000);
  }, 60_000);

  it('maps refusals to ccxt error classes', async () => {
    const key = sandbox.createApiKey({ balances: { USDT: '20' } });
    const unknown = await connect(randomKey(), randomKey());
    await expect(unknown.fetchBalance()).rejects.toBeInstanceOf(AuthenticationError);
    const wrongSecret = await connect(key.apiKey, randomKey());
    await expect(wrongSecret.fetchBalance()).rejects.toBeInstanceOf(AuthenticationError);

    const ex = await connect(key.apiKey, key.secret);
    const bid = (await ex.fetchOrderBook('SOL/USDT', 5)).bids[0]?.[0] as number;
    const low = Number(ex.priceToPrecision('SOL/USDT', bid * 0.9));
    await expect(ex.createOrder('SOL/USDT', 'limit', 'buy', 1, low)).rejects.toBeInstanceOf(
      InsufficientFunds,
    );
    const amount = Number(ex.amountToPrecision('SOL/USDT', 6 / low));
    await ex.createOrder('SOL/USDT', 'limit', 'buy', amount, low, { clientOrderId: 'lyra-dup-1' });
    const dup = ex.createOrder('SOL/USDT', 'limit', 'buy', amount, low, { clientOrderId: 'lyra-dup-1' });
    await expect(dup).rejects.toBeInstanceOf(InvalidOrder);
    await expect(dup).rejects.toThrow('Duplicate order sent.');
  }, 60_000);
});
