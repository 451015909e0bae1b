import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../../server/sandbox/index.js';
import { silentLog, waitFor } from '../../../server/sandbox/test-support.js';
import { createSandboxKey, startProduct, type Harness } from './live-test-support.js';
import { openAccount, type AccountConnection } from '../../exchange/private-exchange.js';
import { Decimal } from '../../money/decimal.js';
import { rulesOf } from '../../money/market-rules.js';
import type { MarketInfo } from '../../market/types.js';
import { buildOrders } from '../order-factory.js';
import type { PlaceRequest } from '../api.js';
import type { OrderRecord } from '../types.js';
import { testConnection } from './connection-test.js';
import type { ExchangeOrderState, ExchangeTrade } from './exchange-orders.js';
import { LiveVenue, type LiveBalances, type LiveFeedStatus } from './live-venue.js';

/**
 * The live path end to end in Node, with no fakes between the parts: the unmodified ccxt client signs
 * in "the worker", its REST requests go through the server's relay to the sandbox's private API, and
 * order updates and fills come back over the sandbox's user-data stream.
 */

describe('live venue through the relay on the sandbox', () => {
  let sandbox: Sandbox;
  let product: Harness;
  let connection: AccountConnection;
  let market: MarketInfo;

  beforeAll(async () => {
    sandbox = createSandbox({ seed: 7, historyDays: 0, log: silentLog });
    product = await startProduct(sandbox);
    sandbox.start();
    const key = await createSandboxKey(product.url, { USDT: '100000', BTC: '2' });
    connection = {
      exchange: { id: 'binance', restUrl: product.url, wsUrl: product.url.replace('http', 'ws') },
      credentials: { apiKey: key.apiKey, secret: key.secret },
      relayUrl: `${product.url}/relay/`,
    };
    const probe = await openAccount(connection);
    const markets = (await probe.loadMarkets()) as Record<string, Record<string, unknown>>;
    const btc = markets['BTC/USDT'] as {
      precision: { price: number; amount: number };
      limits: { amount: { min?: number }; cost: { min?: number } };
    };
    await probe.close();
    market = {
      symbol: 'BTC/USDT',
      id: 'BTCUSDT',
      base: 'BTC',
      quote: 'USDT',
      active: true,
      tickSize: btc.precision.price,
      stepSize: btc.precision.amount,
      minAmount: btc.limits.amount.min ?? null,
      minNotional: btc.limits.cost.min ?? null,
      priceDecimals: 2,
      amountDecimals: 5,
      maker: 0.001,
      taker: 0.001,
    };
  }, 60_000);

  afterAll(async () => {
    await sandbox?.close();
    await product?.close();
  });

  function order(fields: Record<string, unknown>, id: string): OrderRecord {
    const rules = rulesOf(market);
    const built = buildOrders(
      { kind: 'order', order: { symbol: 'BTC/USDT', ...fields } } as PlaceRequest,
      { accountId: 'live:t', exchange: 'binance', now: Date.now(), latencyMs: 0, rules },
      () => id,
      null,
    );
    expect(built.errors).toEqual({});
    return built.orders[0] as OrderRecord;
  }

  async function midPrice(): Promise<Decimal> {
    const res = await fetch(`${product.url}/api/v3/ticker/bookTicker?symbol=BTCUSDT`);
    const t = (await res.json()) as { bidPrice: string; askPrice: string };
    return Decimal.from(t.bidPrice).add(t.askPrice).div(2, 2, 'floor');
  }

  it('tests a key with one signed read, and says plainly when the key is wrong', async () => {
    const ok = await testConnection(connection);
    expect(ok.ok && ok.balances.free.USDT).toBe('100000');
    const bad = await testConnection({ ...connection, credentials: { apiKey: 'x'.repeat(64), secret: 'y' } });
    expect(bad.ok || bad.error.code).toBe('auth');
    expect(product.relayed).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it('places, finds and cancels an order by client id; a resend never makes a second one', async () => {
    const exchange = await openAccount(connection);
    const orders: ExchangeOrderState[] = [];
    const venue = new LiveVenue(exchange, () => rulesOf(market), {
      order: async (s) => void orders.push(s),
      trade: async () => undefined,
      balances: async () => undefined,
      status: () => undefined,
      problem: (m) => {
        throw new Error(m);
      },
    });
    try {
      const far = (await midPrice()).mul('0.8').roundToStep(market.tickSize, 'floor');
      const o = order({ side: 'buy', type: 'limit', amount: '0.01', price: far.toString() }, 'lylive0001');
      const sent = await venue.send(o);
      expect(sent.ok && sent.state.status).toBe('open');
      const again = await venue.send(o);
      expect(again.ok && again.state.exchangeOrderId).toBe(sent.ok && sent.state.exchangeOrderId);
      const open = (await exchange.fetchOpenOrders('BTC/USDT')) as Array<{ clientOrderId: string }>;
      expect(open.filter((x) => x.clientOrderId === 'lylive0001')).toHaveLength(1);
      const cancelled = await venue.cancel(o);
      expect(cancelled.ok && cancelled.state.status).toBe('cancelled');
    } finally {
      await venue.stop();
    }
  }, 30_000);

  it('sees a fill arrive on the user-data stream, with the balances after it', async () => {
    const exchange = await openAccount(connection);
    const trades: ExchangeTrade[] = [];
    const statuses: LiveFeedStatus[] = [];
    let balances: LiveBalances | null = null;
    const venue = new LiveVenue(
      exchange,
      () => rulesOf(market),
      {
        order: async () => undefined,
        trade: async (t) => void trades.push(t),
        balances: async (b) => void (balances = b),
        status: (s) => void statuses.push(s),
        problem: (m) => {
          throw new Error(m);
        },
      },
      { pollMs: 60_000 },
    );
    try {
      venue.start();
      await waitFor(() => (statuses.includes('streaming') ? true : undefined), 15_000, 'the stream').catch(
        () => undefined,
      );
      const sent = await venue.send(order({ side: 'buy', type: 'market', amount: '0.01' }, 'lylive0002'));
      expect(sent.ok).toBe(true);
      const fills = await waitFor(
        () =>
          trades.some((t) => sent.ok && t.exchangeOrderId === sent.state.exchangeOrderId)
            ? trades
            : undefined,
        20_000,
        'a fill on the stream',
      );
      const mine = fills.filter((t) => sent.ok && t.exchangeOrderId === sent.state.exchangeOrderId);
      expect(Decimal.sum(mine.map((t) => t.amount)).toString()).toBe('0.01');
      await waitFor(() => balances ?? undefined, 10_000, 'balances');
      expect(Decimal.from(balances!.free.BTC ?? '0').gt('2')).toBe(true);
    } finally {
      await venue.stop();
    }
  }, 60_000);
});
