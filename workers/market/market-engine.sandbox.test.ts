import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSandbox, type Sandbox } from '../../server/sandbox/index.js';
import {
  ManualClock,
  silentLog,
  startServer,
  type RunningServer,
} from '../../server/sandbox/test-support.js';
import { createMarketSource } from '../exchange/exchanges.js';
import { LyraDb } from '../store/db.js';
import { MarketStore } from '../store/market-store.js';
import type { MarketEvent } from './events.js';
import { MarketService } from './market-service.js';

/**
 * The whole market engine against the real sandbox over real HTTP and WebSocket, with the unmodified
 * ccxt Binance class in between. The sandbox clock is frozen between steps, so after each step the
 * engine's book must equal the exchange's own snapshot exactly.
 */
describe('market engine on the sandbox exchange', () => {
  const clock = new ManualClock(Date.now());
  let sandbox: Sandbox;
  let server: RunningServer;
  let service: MarketService;
  const events: MarketEvent[] = [];
  const lastOf = <T extends MarketEvent['type']>(type: T) =>
    [...events].reverse().find((e) => e.type === type) as Extract<MarketEvent, { type: T }> | undefined;

  beforeAll(async () => {
    sandbox = createSandbox({ seed: 11, historyDays: 1, clock, log: silentLog });
    server = await startServer(sandbox);
    sandbox.start();
    service = new MarketService(
      { store: new MarketStore(new LyraDb('engine-on-sandbox')), createSource: createMarketSource },
      // Short enough that a frozen market trips the silent-feed reconnect within a test.
      { staleAfterMs: 2_000, reconnectAfterMs: 4_000 },
    );
    service.subscribe((batch) => events.push(...batch));
    await service.start({ id: 'binance', restUrl: server.httpUrl, wsUrl: server.wsUrl });
  });

  afterAll(async () => {
    await service?.stop();
    await sandbox?.close();
    await server?.close();
  });

  async function restDepth(limit: number) {
    const res = await fetch(`${server.httpUrl}/api/v3/depth?symbol=BTCUSDT&limit=${limit}`);
    return (await res.json()) as { lastUpdateId: number; bids: [string, string][]; asks: [string, string][] };
  }

  it('loads the markets with their precision and goes live', async () => {
    await vi.waitFor(() => expect(lastOf('markets')?.markets.length).toBeGreaterThanOrEqual(6), {
      timeout: 20_000,
    });
    const btc = lastOf('markets')!.markets.find((m) => m.symbol === 'BTC/USDT')!;
    expect(btc).toMatchObject({
      tickSize: 0.01,
      stepSize: 0.00001,
      minNotional: 5,
      priceDecimals: 2,
      amountDecimals: 5,
    });
    // The book subscribes, then snapshots once the stream flows: let the market move a little.
    clock.t += 1_000;
    await vi.waitFor(() => expect(lastOf('status')?.status.connection).toBe('live'), { timeout: 20_000 });
  });

  it('keeps a book identical to the exchange snapshot after every step of the market', async () => {
    for (let step = 0; step < 6; step++) {
      const before = (await restDepth(1)).lastUpdateId;
      // Step the simulated market until its book has changed (quiet seconds happen).
      for (let i = 0; i < 60 && (await restDepth(1)).lastUpdateId === before; i++) {
        clock.t += 500 + step * 300;
        sandbox.advanceTo(clock.t);
      }
      expect((await restDepth(1)).lastUpdateId, 'the market moved').toBeGreaterThan(before);
      // Wait until the sandbox has pushed this step and the engine has applied it.
      const rest = await vi.waitFor(
        async () => {
          const snapshot = await restDepth(100);
          expect(lastOf('book')?.book.nonce).toBe(snapshot.lastUpdateId);
          return snapshot;
        },
        { timeout: 20_000, interval: 100 },
      );
      const view = lastOf('book')!.book;
      expect(lastOf('book')!.source).toBe('live');
      expect([...view.bids]).toEqual(rest.bids.flatMap(([p, q]) => [Number(p), Number(q)]));
      expect([...view.asks]).toEqual(rest.asks.flatMap(([p, q]) => [Number(p), Number(q)]));
      expect(view.bestBid).toBeLessThan(view.bestAsk);
    }
  });

  it('shows the exchange klines as candles and the latest trades on the tape', async () => {
    await vi.waitFor(() => expect(lastOf('candles')?.source).toBe('live'), { timeout: 20_000 });
    const candles = lastOf('candles')!.candles;
    const klines = (await (
      await fetch(`${server.httpUrl}/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=1000`)
    ).json()) as unknown[][];
    expect(candles.time.length).toBe(klines.length);
    expect(candles.time[0]).toBe(klines[0]![0]);
    expect(candles.open[0]).toBe(Number(klines[0]![1]));
    const latest = (await (
      await fetch(`${server.httpUrl}/api/v3/trades?symbol=BTCUSDT&limit=50`)
    ).json()) as Array<{ id: number; price: string }>;
    await vi.waitFor(() => {
      const tape = events.flatMap((e) => (e.type === 'trades' && e.symbol === 'BTC/USDT' ? e.trades : []));
      const ids = new Set(tape.map((t) => t.id));
      // Every recent exchange trade is on the tape exactly once, REST backfill and stream merged by id.
      for (const t of latest) expect(ids.has(String(t.id))).toBe(true);
      expect(ids.size).toBe(tape.length);
      const last = latest[latest.length - 1]!;
      expect(tape.find((t) => t.id === String(last.id))?.price).toBe(Number(last.price));
    });
  });

  it('follows another symbol with its own precision', async () => {
    await service.focus('ETH/BTC', '5m');
    clock.t += 2_000;
    await vi.waitFor(
      async () => {
        const res = await fetch(`${server.httpUrl}/api/v3/depth?symbol=ETHBTC&limit=100`);
        const snapshot = (await res.json()) as { lastUpdateId: number; bids: [string, string][] };
        const book = lastOf('book')?.book;
        expect(book?.symbol).toBe('ETH/BTC');
        expect(book?.nonce).toBe(snapshot.lastUpdateId);
        expect([...book!.bids].slice(0, 2)).toEqual([
          Number(snapshot.bids[0]![0]),
          Number(snapshot.bids[0]![1]),
        ]);
      },
      { timeout: 20_000, interval: 100 },
    );
  });

  it('recovers by itself when the feed goes silent: stale, reconnect through ccxt, live and exact again', async () => {
    // The market stands still: no diffs at all, so the engine must notice and reconnect.
    await vi.waitFor(
      () => expect(events.some((e) => e.type === 'notice' && e.error.code === 'stale-feed')).toBe(true),
      {
        timeout: 15_000,
      },
    );
    await vi.waitFor(
      async () => {
        clock.t += 700;
        sandbox.advanceTo(clock.t);
        const res = await fetch(`${server.httpUrl}/api/v3/depth?symbol=ETHBTC&limit=100`);
        const snapshot = (await res.json()) as { lastUpdateId: number };
        expect(lastOf('status')?.status.connection).toBe('live');
        expect(lastOf('book')?.book.nonce).toBe(snapshot.lastUpdateId);
      },
      { timeout: 30_000, interval: 300 },
    );
  });
});
