import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSandbox, type Sandbox } from '../../server/sandbox/index.js';
import { silentLog, startServer, type RunningServer } from '../../server/sandbox/test-support.js';
import { createMarketSource } from '../exchange/exchanges.js';
import { MarketService } from '../market/market-service.js';
import { Decimal } from '../money/decimal.js';
import type { EngineError } from '../shared/errors.js';
import { LyraDb } from '../store/db.js';
import { MarketStore } from '../store/market-store.js';
import type { TradingSnapshot } from './api.js';
import { LeaderLink, type ChannelLike } from './leadership.js';
import { TradingService } from './trading-service.js';
import { TradingStore } from './trading-store.js';

/**
 * The trading engine end to end in Node: the real sandbox exchange over HTTP and WebSocket, the
 * unmodified ccxt client, the market engine, and the trading engine on fake-indexeddb. Orders fill
 * against the sandbox's live book and tape.
 */

class LocalChannel implements ChannelLike {
  private listeners: Array<(e: { data: unknown }) => void> = [];
  postMessage(): void {}
  addEventListener(_: 'message', l: (e: { data: unknown }) => void): void {
    this.listeners.push(l);
  }
  close(): void {}
}

interface Engine {
  market: MarketService;
  trading: TradingService;
  snapshots: TradingSnapshot[];
}

describe('trading engine on the sandbox exchange', () => {
  let sandbox: Sandbox;
  let server: RunningServer;
  let db: LyraDb;
  let engine: Engine;
  const engines: Engine[] = [];

  async function startEngine(): Promise<Engine> {
    const market = new MarketService({ store: new MarketStore(db), createSource: createMarketSource });
    const trading = new TradingService(
      {
        store: new TradingStore(db),
        market: market.access(),
        link: new LeaderLink(new LocalChannel(), `tab-${engines.length}`),
      },
      { tickMs: 50 },
    );
    const snapshots: TradingSnapshot[] = [];
    trading.subscribe((e) => {
      if (e.type === 'snapshot') snapshots.push(e.snapshot);
    });
    await market.start({ id: 'binance', restUrl: server.httpUrl, wsUrl: server.wsUrl });
    await vi.waitFor(() => expect(market.access().markets().length).toBeGreaterThan(0), { timeout: 20_000 });
    await trading.start('binance');
    // No Web Locks in Node: the only engine leads.
    (trading as unknown as { deps: { link: LeaderLink } }).deps.link.campaign(
      null,
      'lead',
      () => void trading.lead(),
    );
    await vi.waitFor(() => expect(trading.snapshot().account).not.toBeNull(), { timeout: 10_000 });
    const e = { market, trading, snapshots };
    engines.push(e);
    return e;
  }

  async function stopEngine(e: Engine): Promise<void> {
    e.trading.stop();
    await e.market.stop();
  }

  const quote = (s: TradingSnapshot, asset: string) =>
    Decimal.from(s.account?.balances[asset] ?? '0').add(s.account?.reserved[asset] ?? '0');

  beforeAll(async () => {
    sandbox = createSandbox({ seed: 5, historyDays: 1, log: silentLog });
    server = await startServer(sandbox);
    sandbox.start();
    db = new LyraDb('trading-on-sandbox');
    engine = await startEngine();
    // The focused symbol streams: wait for a live book so market orders can walk it.
    await vi.waitFor(() => expect(engine.market.access().focusedSymbol()).toBe('BTC/USDT'), {
      timeout: 20_000,
    });
  }, 60_000);

  afterAll(async () => {
    for (const e of engines) await stopEngine(e).catch(() => undefined);
    await sandbox?.close();
    await server?.close();
  });

  it('fills a market buy against the book and accounts for every unit', async () => {
    const before = engine.trading.snapshot();
    const { id } = await engine.trading.place({
      kind: 'order',
      order: { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '0.01' },
    });
    await vi.waitFor(
      () => expect(engine.trading.snapshot().history.find((o) => o.id === id)?.status).toBe('filled'),
      { timeout: 10_000 },
    );
    const after = engine.trading.snapshot();
    const order = after.history.find((o) => o.id === id)!;
    const fills = after.fills.filter((f) => f.orderId === id);
    expect(Decimal.sum(fills.map((f) => Decimal.from(f.amount))).toString()).toBe('0.01');
    const cost = Decimal.sum(fills.map((f) => Decimal.from(f.quote)));
    const fees = Decimal.sum(fills.map((f) => Decimal.from(f.fee)));
    expect(cost.toString()).toBe(order.cost);
    // Conservation to the last unit: USDT before = USDT after + cost + fees; BTC grew by exactly the amount.
    expect(quote(before, 'USDT').sub(cost).sub(fees).eq(quote(after, 'USDT'))).toBe(true);
    expect(quote(after, 'BTC').sub(quote(before, 'BTC')).toString()).toBe('0.01');
    expect(fills.every((f) => f.liquidity === 'taker')).toBe(true);
    const audit = await engine.trading.audit({ orderId: id });
    expect(audit.map((a) => a.kind)).toEqual(
      expect.arrayContaining(['order-accepted', 'order-sent', 'order-filled']),
    );
  });

  it('rests a limit buy below the market with a queue position and frees its funds on cancel', async () => {
    const mark = engine.trading.snapshot().positions.find((p) => p.symbol === 'BTC/USDT')?.mark;
    expect(mark).toBeGreaterThan(0);
    const price = Decimal.from((mark! * 0.97).toFixed(2));
    const before = engine.trading.snapshot();
    const { id } = await engine.trading.place({
      kind: 'order',
      order: { symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: '0.002', price: price.toString() },
    });
    await vi.waitFor(
      () => expect(engine.trading.snapshot().openOrders.find((o) => o.id === id)?.status).toBe('open'),
      {
        timeout: 10_000,
      },
    );
    const resting = engine.trading.snapshot().openOrders.find((o) => o.id === id)!;
    expect(resting.queueAhead).not.toBeNull();
    expect(Decimal.from(resting.holds).isPositive()).toBe(true);
    await engine.trading.cancel(id);
    const after = engine.trading.snapshot();
    expect(after.history.find((o) => o.id === id)?.status).toBe('cancelled');
    expect(quote(after, 'USDT').eq(quote(before, 'USDT'))).toBe(true);
    expect(after.account?.reserved.USDT ?? '0').toBe('0');
  });

  it('refuses an order over the notional limit and writes only its audit entry', async () => {
    const ordersBefore = await db.orders.count();
    const error = await engine.trading
      .place({ kind: 'order', order: { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '5' } })
      .then(
        () => null,
        (e: unknown) => e as { error?: EngineError },
      );
    expect(error).not.toBeNull();
    expect(await db.orders.count()).toBe(ordersBefore);
    const last = (await engine.trading.audit({ limit: 1 }))[0]!;
    expect(last.kind).toBe('order-rejected');
    expect(['order-notional', 'balance', 'position']).toContain(last.rule);
  });

  it('refuses malformed values in the worker itself', async () => {
    for (const amount of ['NaN', '-1', '1e300', 'abc', '']) {
      await expect(
        engine.trading.place({
          kind: 'order',
          order: { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount },
        }),
      ).rejects.toBeTruthy();
    }
    await expect(
      engine.trading.place({
        kind: 'order',
        order: { symbol: 'NOPE/USDT', side: 'buy', type: 'market', amount: '1' },
      }),
    ).rejects.toBeTruthy();
  });

  it('kill switch cancels everything and refuses new orders until re-armed after the cool-down', async () => {
    await engine.trading.setLimits({ ...engine.trading.snapshot().limits, coolDownMs: 1000 });
    const mark = engine.trading.snapshot().positions.find((p) => p.symbol === 'BTC/USDT')!.mark!;
    const { id } = await engine.trading.place({
      kind: 'order',
      order: {
        symbol: 'BTC/USDT',
        side: 'buy',
        type: 'limit',
        amount: '0.001',
        price: (mark * 0.98).toFixed(2),
      },
    });
    await engine.trading.killSwitch({ flatten: false });
    const s = engine.trading.snapshot();
    expect(s.breaker?.halted).toBe(true);
    expect(s.openOrders).toHaveLength(0);
    expect((await db.orders.get(id))?.status).toBe('cancelled');
    await expect(
      engine.trading.place({
        kind: 'order',
        order: { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '0.001' },
      }),
    ).rejects.toBeTruthy();
    await expect(engine.trading.rearm()).rejects.toBeTruthy();
    await new Promise((r) => setTimeout(r, 1100));
    await engine.trading.rearm();
    expect(engine.trading.snapshot().breaker?.halted).toBe(false);
  });

  const markOf = (symbol = 'BTC/USDT') => {
    const book = (
      engine.trading as unknown as {
        link: { books: Map<string, { bids: Float64Array; asks: Float64Array }> };
      }
    ).link.books.get(symbol)!;
    return { bid: book.bids[0]!, ask: book.asks[0]! };
  };
  const statusOf = (id: string) =>
    [...engine.trading.snapshot().openOrders, ...engine.trading.snapshot().history].find((o) => o.id === id)
      ?.status;

  it('a buy stop at the touch triggers on the next print and fills', async () => {
    const { bid } = markOf();
    const { id } = await engine.trading.place({
      kind: 'order',
      order: {
        symbol: 'BTC/USDT',
        side: 'buy',
        type: 'stop-market',
        amount: '0.001',
        stopPrice: bid.toFixed(2),
      },
    });
    await vi.waitFor(() => expect(statusOf(id)).toBe('filled'), { timeout: 30_000 });
    const kinds = (await engine.trading.audit({ orderId: id })).map((a) => a.kind);
    expect(kinds).toContain('order-triggered');
  }, 40_000);

  it('an OCO rests both legs; cancelling one cancels the pair and frees the base', async () => {
    const { bid, ask } = markOf();
    const { id } = await engine.trading.place({
      kind: 'oco',
      oco: {
        symbol: 'BTC/USDT',
        side: 'sell',
        amount: '0.002',
        takeProfitPrice: (ask * 1.03).toFixed(2),
        stopPrice: (bid * 0.97).toFixed(2),
      },
    });
    await vi.waitFor(
      () => {
        expect(statusOf(`${id}-tp`)).toBe('open');
        expect(statusOf(`${id}-sl`)).toBe('open');
      },
      { timeout: 10_000 },
    );
    expect(engine.trading.snapshot().account?.reserved.BTC).toBe('0.002');
    await engine.trading.cancel(`${id}-sl`);
    await vi.waitFor(() => expect(statusOf(`${id}-tp`)).toBe('cancelled'), { timeout: 5_000 });
    expect(engine.trading.snapshot().account?.reserved.BTC ?? '0').toBe('0');
  });

  it('a bracket with a market entry fills, then protects the position with a reduce-only OCO', async () => {
    const { bid, ask } = markOf();
    const { id } = await engine.trading.place({
      kind: 'bracket',
      bracket: {
        symbol: 'BTC/USDT',
        side: 'buy',
        amount: '0.001',
        entryType: 'market',
        takeProfitPrice: (ask * 1.05).toFixed(2),
        stopPrice: (bid * 0.95).toFixed(2),
      },
    });
    await vi.waitFor(
      () => {
        expect(statusOf(id)).toBe('filled');
        expect(statusOf(`${id}-x-tp`)).toBe('open');
        expect(statusOf(`${id}-x-sl`)).toBe('open');
      },
      { timeout: 10_000 },
    );
    const exits = engine.trading.snapshot().openOrders.filter((o) => o.id.startsWith(`${id}-x`));
    expect(exits.every((o) => o.reduceOnly && o.amount === '0.001' && o.side === 'sell')).toBe(true);
  });

  it('a trailing stop follows the tape', async () => {
    const { id } = await engine.trading.place({
      kind: 'order',
      order: {
        symbol: 'BTC/USDT',
        side: 'sell',
        type: 'trailing-stop',
        amount: '0.001',
        trail: { kind: 'percent', value: '5' },
      },
    });
    await vi.waitFor(
      () => {
        const o = engine.trading.snapshot().openOrders.find((x) => x.id === id);
        expect(o?.trail?.extreme).not.toBeNull();
        expect(Number(o?.stopPrice)).toBeCloseTo(Number(o?.trail?.extreme) * 0.95, 0);
      },
      { timeout: 15_000 },
    );
    await engine.trading.cancel(id);
  });

  it('an iceberg shows one slice at a time and completes', async () => {
    const { ask } = markOf();
    const { id } = await engine.trading.place({
      kind: 'algo',
      algo: {
        symbol: 'BTC/USDT',
        side: 'buy',
        amount: '0.003',
        kind: 'iceberg',
        params: { visible: '0.001', limitPrice: (ask * 1.01).toFixed(2) },
      },
    });
    await vi.waitFor(
      () => expect(engine.trading.snapshot().algos.find((a) => a.id === id)?.status).toBe('completed'),
      {
        timeout: 20_000,
      },
    );
    const children = await db.orders.where('id').startsWith(`${id}-`).toArray();
    expect(children.length).toBe(3);
    expect(children.every((c) => c.amount === '0.001' && c.type === 'limit')).toBe(true);
  }, 30_000);

  it('a TWAP resumed by a new engine after a crash sends no child twice', async () => {
    const { id } = await engine.trading.place({
      kind: 'algo',
      algo: {
        symbol: 'BTC/USDT',
        side: 'buy',
        amount: '0.004',
        kind: 'twap',
        params: { durationMs: 10_000, slices: 4 },
      },
    });
    await vi.waitFor(
      async () => expect(await db.orders.where('id').startsWith(`${id}-`).count()).toBeGreaterThanOrEqual(1),
      { timeout: 10_000 },
    );
    // "Crash": the first engine stops mid-run; a second one opens the same database and carries on.
    await stopEngine(engine);
    const second = await startEngine();
    await vi.waitFor(
      () => expect(second.trading.snapshot().algos.find((a) => a.id === id)?.status).toBe('completed'),
      { timeout: 30_000 },
    );
    const children = await db.orders.where('id').startsWith(`${id}-`).toArray();
    expect(new Set(children.map((c) => c.id)).size).toBe(children.length);
    const filled = Decimal.sum(children.map((c) => Decimal.from(c.filled)));
    expect(filled.toString()).toBe('0.004');
    engine = second;
  }, 60_000);
});
