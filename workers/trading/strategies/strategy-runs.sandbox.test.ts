import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSandbox, type Sandbox } from '../../../server/sandbox/index.js';
import { silentLog, startServer, type RunningServer } from '../../../server/sandbox/test-support.js';
import { createMarketSource } from '../../exchange/exchanges.js';
import { MarketService } from '../../market/market-service.js';
import { timeframeMs } from '../../market/timeframes.js';
import { LyraDb } from '../../store/db.js';
import { MarketStore } from '../../store/market-store.js';
import { LeaderLink, type ChannelLike } from '../leadership.js';
import { TradingService } from '../trading-service.js';
import { TradingStore } from '../trading-store.js';
import { StrategyRunService } from './strategy-run-service.js';

/**
 * A strategy run and a history download against the real sandbox exchange: the unmodified ccxt client
 * over HTTP, the market engine, the trading engine on fake-indexeddb.
 */

class QuietChannel implements ChannelLike {
  postMessage(): void {}
  addEventListener(): void {}
  close(): void {}
}

describe('strategy runs on the sandbox exchange', () => {
  let sandbox: Sandbox;
  let server: RunningServer;
  let market: MarketService;
  let trading: TradingService;
  let service: StrategyRunService;
  let db: LyraDb;

  beforeAll(async () => {
    sandbox = createSandbox({ seed: 9, historyDays: 1, log: silentLog });
    server = await startServer(sandbox);
    sandbox.start();
    db = new LyraDb('strategy-runs-on-sandbox');
    market = new MarketService({ store: new MarketStore(db), createSource: createMarketSource });
    const link = new LeaderLink(new QuietChannel(), 'tab');
    trading = new TradingService(
      { store: new TradingStore(db), market: market.access(), link },
      { tickMs: 50 },
    );
    await market.start({ id: 'binance', restUrl: server.httpUrl, wsUrl: server.wsUrl });
    await vi.waitFor(() => expect(market.access().markets().length).toBeGreaterThan(0), { timeout: 20_000 });
    await trading.start('binance');
    link.campaign(null, 'lead', () => void trading.lead());
    await vi.waitFor(() => expect(trading.snapshot().account).not.toBeNull(), { timeout: 10_000 });
    service = new StrategyRunService({ db, trading, market: market.access() }, { leaderCheckMs: 200 });
  }, 60_000);

  afterAll(async () => {
    service?.close();
    trading?.stop();
    await market?.stop().catch(() => undefined);
    await sandbox?.close();
    await server?.close();
  });

  it('starts sma-cross on paper and warms up on the exchange’s history', async () => {
    const { id } = await service.start({
      strategy: { kind: 'builtin', id: 'sma-cross', params: { fast: 5, slow: 20 } },
      symbol: 'BTC/USDT',
      timeframe: '1m',
    });
    await vi.waitFor(
      async () => {
        const [run] = await service.runs();
        expect(run).toMatchObject({ id, status: 'running', account: { id: 'paper' }, quote: 'USDT' });
        expect(run!.barsSeen).toBeGreaterThanOrEqual(200);
      },
      { timeout: 20_000 },
    );
    const [run] = await service.runs();
    // History is not traded: nothing was sent while warming up.
    expect(run!.orderIds).toEqual([]);
    expect(run!.lastBar! % timeframeMs['1m']).toBe(0);
    expect(run!.lastBar!).toBeLessThanOrEqual(Date.now());
    await service.stop(id);
    expect((await service.runs())[0]?.status).toBe('stopped');
  });

  it('downloads hours of 1-minute history in pages through ccxt into one dataset', async () => {
    const since = Date.now() - 20 * 3_600_000;
    const pages: number[] = [];
    const summary = await service.downloadHistory(
      { symbol: 'BTC/USDT', timeframe: '1m', since },
      'sandbox-job',
      (p) => pages.push(p.done),
    );
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(summary).toMatchObject({
      source: 'exchange',
      exchange: 'binance',
      symbol: 'BTC/USDT',
      timeframe: '1m',
    });
    const row = await db.datasets.get(summary.id);
    expect(row!.bars).toBe(row!.time.length);
    expect(row!.bars).toBeGreaterThan(1000);
    for (let i = 1; i < row!.time.length; i++) expect(row!.time[i]! - row!.time[i - 1]!).toBe(60_000);
    expect(row!.time[0]).toBeGreaterThanOrEqual(since - 60_000);
  });
});
