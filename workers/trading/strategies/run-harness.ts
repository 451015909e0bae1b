/**
 * A strategy-run service on the real trading engine (paper account on fake-indexeddb) with a scripted
 * exchange and a clock the test moves, for tests that feed closed bars one at a time.
 */
import type { Params, Strategy } from '../../research/backtest/types.js';
import { resolveStrategy } from '../../research/strategies/registry.js';
import type { StrategySpec } from '../../research/strategies/spec.js';
import { timeframeMs } from '../../market/timeframes.js';
import type { LyraDb } from '../../store/db.js';
import { defaultRiskLimits } from '../risk/limits.js';
import { engine } from '../test-support.js';
import type { StrategyRunRequest } from './api.js';
import type { StoredRun } from './run-record.js';
import type { RunTrading } from './run-ports.js';
import { StrategyRunService } from './strategy-run-service.js';
import { CandleMarket, ManualTimers, type Candle } from './test-support.js';

export const minute = timeframeMs['1m'];
export const pollDelayMs = 3000;
export const settleMs = 500;

/** Limits that never get in the way: these tests are about the runtime, not the breakers. */
export const looseLimits = {
  ...defaultRiskLimits,
  maxOrderNotional: '1000000',
  maxPositionNotional: '1000000',
  maxGrossExposure: '1000000',
  dailyLossLimit: '1000000',
  maxDrawdownPct: '100',
  maxConsecutiveLosses: 1000,
};

export interface HarnessOptions {
  candles: Candle[];
  /** Bars closed when the test begins (the run's warm-up history). */
  history: number;
  t0: number;
  db?: LyraDb;
  /** Replace the strategy registry (a strategy that throws, say). */
  extra?: Record<string, Strategy>;
  /** Wrap the trading engine as the service sees it. */
  wrapTrading?: (t: RunTrading) => RunTrading;
  startAt?: number;
  /** History fetched at start (default: `history`). */
  historyBars?: number;
  leaderCheckMs?: number;
}

export async function runHarness(o: HarnessOptions) {
  const timers = new ManualTimers(o.startAt ?? o.t0 + o.history * minute + 10_000);
  const market = new CandleMarket(timers.now);
  market.candles = o.candles;
  const e = await engine({ market, db: o.db });
  if (!o.db) {
    await e.trading.configurePaper({ balances: { USDT: '10000' }, latencyMs: 0 });
    await e.trading.setLimits(looseLimits);
  }
  const last = o.candles[Math.min(o.history, o.candles.length) - 1];
  if (last) market.setBook('BTC/USDT', [last.close, 1e6], [last.close, 1e6]);
  await e.settle();
  const resolve = (spec: StrategySpec): { strategy: Strategy; params: Params } => {
    if (spec.kind === 'builtin' && o.extra?.[spec.id])
      return { strategy: o.extra[spec.id]!, params: spec.params };
    return resolveStrategy(spec);
  };
  const trading = o.wrapTrading ? o.wrapTrading(e.trading) : e.trading;
  const service = new StrategyRunService(
    { db: e.db, trading, market, now: timers.now, timers, resolve },
    {
      pollDelayMs,
      settleMs,
      historyBars: o.historyBars ?? o.history,
      leaderCheckMs: o.leaderCheckMs ?? 3_600_000,
    },
  );

  /** Fires what is due now and waits for the service to be idle, a few rounds. */
  const settle = async () => {
    for (let k = 0; k < 3; k++) {
      timers.advanceTo(timers.time);
      await service.idle();
    }
  };

  const stored = async (id: string) => (await e.db.strategyRuns.get(id)) as StoredRun;

  const start = async (strategy: StrategySpec, extra: Partial<StrategyRunRequest> = {}) => {
    const { id } = await service.start({
      strategy,
      symbol: 'BTC/USDT',
      timeframe: '1m',
      accountId: 'paper',
      ...extra,
    });
    await settle();
    return id;
  };

  /**
   * Bar `j` closes: the book moves to its close, the clock passes its close (plus the poll delay), and
   * every order the run sends is matched by the engine until its outbox is empty.
   */
  const closeBar = async (j: number, runId?: string) => {
    const close = o.candles[j]!.close;
    market.setBook('BTC/USDT', [close, 1e6], [close, 1e6]);
    await e.settle();
    timers.advanceTo(o.t0 + (j + 1) * minute + pollDelayMs);
    await service.idle();
    if (!runId) return;
    for (let guard = 0; (await stored(runId)).outbox && guard < 10; guard++) {
      await e.tick();
      timers.advanceTo(timers.time + settleMs);
      await service.idle();
    }
  };

  const strategyOrders = async () =>
    (await e.db.orders.toArray())
      .filter((x) => x.id.startsWith('st-'))
      .sort((a, b) => a.createdAt - b.createdAt);

  return { timers, market, e, service, settle, stored, start, closeBar, strategyOrders };
}
