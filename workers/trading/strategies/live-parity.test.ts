import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../research/backtest/engine.js';
import type { Bars, SimFill, Strategy } from '../../research/backtest/types.js';
import { resolveStrategy } from '../../research/strategies/registry.js';
import type { StrategySpec } from '../../research/strategies/spec.js';
import { BTC } from '../test-support.js';
import { minute, runHarness } from './run-harness.js';
import { candlesFromCloses, randomWalk, type Candle } from './test-support.js';

/**
 * THE PARITY TEST. One strategy over one series of bars, twice:
 *  (a) the backtest engine: execution at the close, fee = the paper account's fee (the market's taker
 *      rate), no slippage, starting capital = the paper account's cash;
 *  (b) the live runner on the real trading engine (paper account, risk gate, paper matcher), fed one
 *      closed bar at a time by a scripted exchange and a clock the test moves.
 * Live, a run only trades from its first live bar: the bars before are the warm-up history it fetched
 * when it started. So (a) runs the same strategy with its decisions before that bar ignored (it still
 * sees them for its indicators), which is exactly the live situation.
 *
 * The book at each bar's close: best bid = best ask = the close, with ample depth. A locked book is not a
 * market one would meet, but it is the backtest's convention taken literally (every market order fills
 * at the close, buys and sells alike). The tightest real book (a one-tick spread) would make one side
 * fill a tick away from the close and the prices could never be equal, only close.
 */

const t0 = Date.UTC(2026, 2, 2);
const history = 20;
const count = 170;
const lot = BTC.stepSize;

interface LiveOrder {
  id: string;
  barTime: number;
  side: 'buy' | 'sell';
  amount: number;
  prices: number[];
}

async function runLive(spec: StrategySpec, candles: Candle[]) {
  const h = await runHarness({ candles, history, t0 });
  const id = await h.start(spec);
  const warm = await h.stored(id);
  expect(warm.barsSeen).toBe(history);
  expect(warm.status).toBe('running');
  expect(h.e.trading.snapshot().openOrders).toHaveLength(0);

  for (let j = history; j < count; j++) {
    await h.closeBar(j, id);
    expect((await h.stored(id)).outbox, `bar ${j} still has orders waiting`).toBeNull();
  }
  const run = await h.stored(id);
  const orders: LiveOrder[] = [];
  for (const order of await h.strategyOrders()) {
    const fills = await h.e.db.fills.where('orderId').equals(order.id).toArray();
    orders.push({
      id: order.id,
      barTime: parseInt(order.id.split('-')[2]!, 36),
      side: order.side,
      amount: Number(order.filled),
      prices: fills.map((f) => Number(f.price)),
    });
  }
  orders.sort((a, b) => a.barTime - b.barTime || a.id.localeCompare(b.id));
  const comparison = await h.service.compare(id);
  h.service.close();
  return { run, orders, comparison };
}

function barsOf(candles: Candle[]): Bars {
  const col = (k: keyof Candle) => Float64Array.from(candles, (c) => c[k]);
  return {
    time: col('time'),
    open: col('open'),
    high: col('high'),
    low: col('low'),
    close: col('close'),
    volume: col('volume'),
    closeOnly: false,
  };
}

/** The strategy as the backtest must run it: decisions before the first live bar ignored. */
function fromBar(strategy: Strategy, first: number): Strategy {
  return {
    ...strategy,
    prepare(bars, params) {
      const prepared = strategy.prepare(bars, params);
      return { onBar: (ctx) => (ctx.i >= first ? prepared.onBar(ctx) : undefined) };
    },
  };
}

/** Round trips from a list of fills in order: flat to flat, by bar time. */
function roundTrips(fills: Array<{ time: number; side: 'buy' | 'sell'; units: number }>) {
  const trips: Array<{ entry: number; exit: number | null }> = [];
  let held = 0;
  for (const f of fills) {
    if (f.side === 'buy') {
      if (held <= 1e-12) trips.push({ entry: f.time, exit: null });
      held += f.units;
    } else {
      held -= f.units;
      if (held <= 1e-9) {
        held = 0;
        trips[trips.length - 1]!.exit = f.time;
      }
    }
  }
  return trips;
}

async function expectParity(spec: StrategySpec, seed: number) {
  const candles = candlesFromCloses(t0, '1m', randomWalk(count, seed));
  const bars = barsOf(candles);
  const { strategy, params } = resolveStrategy(spec);
  const backtest = runBacktest(bars, fromBar(strategy, history), params, {
    capital: 10000,
    fee: BTC.taker!,
    slippage: { model: 'none' },
    execution: 'close',
    periodsPerYear: null,
  });
  expect(backtest.error).toBeNull();
  // Enough happened for the comparison to mean something.
  expect(backtest.fills.length).toBeGreaterThanOrEqual(8);

  const { run, orders, comparison } = await runLive(spec, candles);
  expect(run.status).toBe('running');
  expect(run.notes ?? []).toEqual([]);
  expect(run.firstLiveBar).toBe(t0 + history * minute);
  expect(run.startingEquity).toBe(10000);

  // Same signals: bar, action and why.
  const words = (s: { time: number; action: string; reason: string }) => `${s.time} ${s.action} ${s.reason}`;
  expect(run.signals.map(words)).toEqual(backtest.signals.map(words));

  // Same orders: one filled live order per backtest fill, same bar and side, amount within one lot,
  // every live fill at that bar's close, as the backtest's.
  const closeAt = (time: number) => candles.find((c) => c.time === time)!.close;
  expect(orders.map((o) => `${o.barTime} ${o.side}`)).toEqual(
    backtest.fills.map((f: SimFill) => `${f.time} ${f.side}`),
  );
  orders.forEach((o, k) => {
    const f = backtest.fills[k]!;
    expect(Math.abs(o.amount - f.units), `order ${o.id}: ${o.amount} vs ${f.units}`).toBeLessThanOrEqual(
      lot + 1e-9,
    );
    expect(o.prices.length).toBeGreaterThan(0);
    for (const p of o.prices) expect(p).toBe(closeAt(o.barTime));
    expect(f.price).toBe(closeAt(o.barTime));
  });

  // Same trades: entry and exit bars of every round trip.
  const liveTrips = roundTrips(orders.map((o) => ({ time: o.barTime, side: o.side, units: o.amount })));
  const btTrips = backtest.trades.map((t) => ({
    entry: t.entryTime,
    exit: t.exitReason === 'end' ? null : t.exitTime,
  }));
  expect(liveTrips).toEqual(btTrips);

  // The run's own comparison says the same.
  expect(comparison.differences).toEqual([]);
  expect(comparison.backtest.signals.map(words)).toEqual(backtest.signals.map(words));
  expect(comparison.live.trades.map((t) => [t.entryTime, t.exitTime, t.exitReason])).toEqual(
    comparison.backtest.trades.map((t) => [t.entryTime, t.exitTime, t.exitReason]),
  );
  return { backtest, run };
}

describe('live strategy parity with the backtest engine', () => {
  it('sma-cross: the same signals and trades through the paper engine fed bar by bar', async () => {
    await expectParity({ kind: 'builtin', id: 'sma-cross', params: { fast: 3, slow: 8 } }, 11);
  });

  it('a rule set with stops, a take-profit, a trailing exit and a partial size: the same again', async () => {
    const { backtest } = await expectParity(
      {
        kind: 'rules',
        rules: {
          name: 'EMA bounce',
          entry: {
            join: 'and',
            items: [
              {
                left: { kind: 'price', field: 'close' },
                op: 'crosses-above',
                right: { kind: 'indicator', name: 'ema', params: { period: 6 } },
              },
            ],
          },
          exit: {
            join: 'or',
            items: [
              {
                left: { kind: 'price', field: 'close' },
                op: 'crosses-below',
                right: { kind: 'indicator', name: 'sma', params: { period: 12 } },
              },
            ],
          },
          exits: { stopLoss: 0.012, takeProfit: 0.02, trailing: 0.01 },
          size: { kind: 'equity-fraction', fraction: 0.6 },
        },
      },
      3,
    );
    // Every exit rule took part, so the parity covers each of them.
    const reasons = new Set(backtest.signals.map((s) => s.reason));
    for (const reason of ['signal', 'stop-loss', 'take-profit', 'trailing'] as const)
      expect(reasons.has(reason), reason).toBe(true);
  });
});
