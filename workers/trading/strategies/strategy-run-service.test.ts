import { describe, expect, it, vi } from 'vitest';
import type { Strategy } from '../../research/backtest/types.js';
import { bucketStart } from '../../market/timeframes.js';
import type { EngineError } from '../../shared/errors.js';
import type { StrategyRunEvent } from './api.js';
import { looseLimits, minute, runHarness } from './run-harness.js';
import type { RunTrading } from './run-ports.js';
import { candlesFromCloses } from './test-support.js';

const t0 = Date.UTC(2026, 3, 6);
const history = 20;
const smaCross = { kind: 'builtin', id: 'sma-cross', params: { fast: 2, slow: 3 } } as const;

/**
 * Rising for 25 bars (the 20 of history included), then falling for 15, then rising again. With sma-cross
 * 2/3: long from the first live bar (20), flat from bar 25, long again a bar or two after 40.
 */
function path(): number[] {
  const closes: number[] = [];
  for (let i = 0; i < 25; i++) closes.push(100 + i);
  for (let i = 0; i < 15; i++) closes.push(110 - 2 * i);
  for (let i = 0; i < 20; i++) closes.push(85 + 3 * i);
  return closes;
}
const candles = candlesFromCloses(t0, '1m', path());
const iso = (t: number) => new Date(t).toISOString();

async function rejection(p: Promise<unknown>): Promise<EngineError> {
  try {
    await p;
  } catch (e) {
    return ((e as { error?: EngineError }).error ?? e) as EngineError;
  }
  throw new Error('expected a rejection');
}

/** Long enough for a loaded CI machine: the default second is not (a run's first bar went past it). */
const SETTLE = { timeout: 10_000 };

describe('starting a run', () => {
  it('warms up on history without trading it, then trades its first live bar', async () => {
    const h = await runHarness({ candles, history, t0 });
    const id = await h.start(smaCross);
    let run = await h.stored(id);
    expect(run.status).toBe('running');
    expect(run.barsSeen).toBe(history);
    expect(run.lastBar).toBe(t0 + history * minute);
    expect(run.signals).toEqual([]);
    expect(await h.strategyOrders()).toHaveLength(0);
    expect(h.market.requests[0]?.since).toBe(t0);

    await h.closeBar(20, id);
    run = await h.stored(id);
    expect(run.firstLiveBar).toBe(t0 + 20 * minute);
    expect(run.signals.map((s) => [s.time, s.action])).toEqual([[t0 + 20 * minute, 'buy']]);
    const orders = await h.strategyOrders();
    expect(orders.map((o) => [o.id, o.side, o.status])).toEqual([
      [`st-${id.replace(/-/g, '').slice(0, 8)}-${(t0 + 20 * minute).toString(36)}-0`, 'buy', 'filled'],
    ]);
    expect(run.orderIds).toEqual([orders[0]!.id]);
    expect(run.position).toBe(Number(orders[0]!.filled));
    h.service.close();
  });

  it('fetches at least warmup + 2 bars of history however little is configured', async () => {
    const h = await runHarness({ candles, history, t0, historyBars: 2 });
    const id = await h.start({ kind: 'builtin', id: 'sma-cross', params: { fast: 3, slow: 9 } });
    const now = h.timers.time;
    // sma-cross 3/9 needs its slow average: warmup 8, so at least 10 bars.
    expect(h.market.requests[0]?.since).toBe(bucketStart(now, '1m') - 10 * minute);
    expect((await h.stored(id)).barsSeen).toBe(10);
    h.service.close();
  });

  it('refuses what it cannot run, saying what to change', async () => {
    const h = await runHarness({ candles, history, t0 });
    const cases: Array<[unknown, string, RegExp]> = [
      [{ strategy: { kind: 'builtin', id: 'nope', params: {} } }, 'invalid', /unknown strategy "nope"/],
      [{ strategy: { kind: 'builtin', id: 'sma-cross', params: { fast: 9, slow: 3 } } }, 'invalid', /fast/],
      [{ strategy: smaCross, symbol: 'NOPE/USDT' }, 'bad-symbol', /not a market/],
      [{ strategy: smaCross, timeframe: '7m' }, 'invalid', /not a timeframe.*1m/],
      [{ strategy: smaCross, accountId: 'acct-gone' }, 'not-found', /no trading account "acct-gone"/],
    ];
    for (const [request, code, message] of cases) {
      const error = await rejection(
        h.service.start({
          symbol: 'BTC/USDT',
          timeframe: '1m',
          accountId: 'paper',
          ...(request as object),
        } as never),
      );
      expect(error.code, JSON.stringify(request)).toBe(code);
      expect(error.message).toMatch(message);
    }
    expect(await h.service.runs()).toEqual([]);
    h.service.close();
  });

  it('refuses a second run on the same market and account until the first is stopped', async () => {
    const h = await runHarness({ candles, history, t0 });
    const first = await h.start(smaCross);
    const error = await rejection(h.start({ kind: 'builtin', id: 'rsi-reversion', params: {} }));
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/already runs on BTC\/USDT with Paper/);
    expect(error.message).toMatch(/Stop it first/);
    // Another market is fine.
    await h.start(smaCross, { symbol: 'ETH/USDT' });
    await h.service.stop(first);
    await h.start(smaCross);
    const listed = (await h.service.runs()).map((r) => `${r.request.symbol} ${r.status}`);
    // The exchange serves no ETH/USDT candles here: that run waits for history.
    expect(listed.sort()).toEqual(['BTC/USDT running', 'BTC/USDT stopped', 'ETH/USDT warming-up']);
    h.service.close();
  });
});

describe('restarts never send an order twice', () => {
  it('replaying the bar it already acted on after a restart places nothing new', async () => {
    const a = await runHarness({ candles, history, t0 });
    const id = await a.start(smaCross);
    await a.closeBar(20, id);
    expect(await a.strategyOrders()).toHaveLength(1);
    const before = await a.stored(id);
    a.service.close();
    a.e.trading.stop();

    // Same device, same moment: the exchange still says bar 20 is the newest closed one.
    const b = await runHarness({ candles, history, t0, db: a.e.db, startAt: a.timers.time });
    await b.settle();
    await b.e.tick();
    await b.settle();
    expect(await b.strategyOrders()).toHaveLength(1);
    const after = await b.stored(id);
    expect(after.signals).toEqual(before.signals);
    expect(after.orderIds).toEqual(before.orderIds);
    // And it goes on from there: bar 21 is still long, so nothing to do; bar 25 exits.
    for (let j = 21; j <= 25; j++) await b.closeBar(j, id);
    const orders = await b.strategyOrders();
    expect(orders.map((o) => [o.side, o.status])).toEqual([
      ['buy', 'filled'],
      ['sell', 'filled'],
    ]);
    expect((await b.stored(id)).position).toBe(0);
    b.service.close();
  });

  it('an order whose id was stored but which was never sent is sent once after the restart', async () => {
    // The tab closes between writing the outbox and sending: place never happens.
    const a = await runHarness({
      candles,
      history,
      t0,
      wrapTrading: (t) => wrap(t, { place: () => new Promise<never>(() => undefined) }),
    });
    const id = await a.start(smaCross);
    // Bar 20 closes; the pass that acts on it hangs in place(), so it is not waited for.
    a.market.setBook('BTC/USDT', [candles[20]!.close, 1e6], [candles[20]!.close, 1e6]);
    a.timers.advanceTo(t0 + 21 * minute + 3000);
    await vi.waitFor(async () => expect((await a.stored(id)).orderIds).toHaveLength(1));
    const stuck = await a.stored(id);
    expect(stuck.outbox?.done).toBe(0);
    expect(stuck.orderIds).toHaveLength(1);
    expect(await a.strategyOrders()).toHaveLength(0);
    a.service.close();
    a.e.trading.stop();

    const b = await runHarness({ candles, history, t0, db: a.e.db, startAt: a.timers.time + 1000 });
    await b.settle();
    await b.e.tick();
    b.timers.advanceTo(b.timers.time + 500);
    await b.service.idle();
    const orders = await b.strategyOrders();
    expect(orders.map((o) => [o.id, o.status])).toEqual([[stuck.orderIds[0], 'filled']]);
    expect((await b.stored(id)).outbox).toBeNull();
    b.service.close();
  });

  it('an order that was sent before the restart is waited for, not sent again', async () => {
    // The tab closes right after the engine took the order, before the run heard back.
    const a = await runHarness({
      candles,
      history,
      t0,
      wrapTrading: (t) =>
        wrap(t, { place: (r, cid) => t.place(r, cid).then(() => new Promise<never>(() => undefined)) }),
    });
    const id = await a.start(smaCross);
    a.market.setBook('BTC/USDT', [candles[20]!.close, 1e6], [candles[20]!.close, 1e6]);
    a.timers.advanceTo(t0 + 21 * minute + 3000);
    await vi.waitFor(async () => expect(await a.strategyOrders()).toHaveLength(1));
    a.service.close();
    a.e.trading.stop();

    const b = await runHarness({ candles, history, t0, db: a.e.db, startAt: a.timers.time + 1000 });
    for (let k = 0; k < 3; k++) {
      await b.e.tick();
      b.timers.advanceTo(b.timers.time + 500);
      await b.service.idle();
    }
    expect((await b.strategyOrders()).map((o) => o.status)).toEqual(['filled']);
    const run = await b.stored(id);
    expect(run.outbox).toBeNull();
    expect(run.position).toBeGreaterThan(0);
    b.service.close();
  });

  it('does not trade bars that closed while no tab ran it, and says so', async () => {
    const a = await runHarness({ candles, history, t0 });
    const id = await a.start(smaCross);
    await a.closeBar(20, id);
    a.service.close();
    a.e.trading.stop();

    // Back ten bars later: bars 21..28 are history now, bar 29 (closed 10 s ago) is acted on.
    const b = await runHarness({ candles, history, t0, db: a.e.db, startAt: t0 + 30 * minute + 10_000 });
    const close29 = candles[29]!.close;
    b.market.setBook('BTC/USDT', [close29, 1e6], [close29, 1e6]);
    await b.settle();
    for (let k = 0; k < 3; k++) {
      await b.e.tick();
      b.timers.advanceTo(b.timers.time + 500);
      await b.service.idle();
    }
    const run = await b.stored(id);
    expect(run.notes?.map((n) => n.message)).toEqual([
      `8 bars closed while no tab was running this strategy (up to ${iso(t0 + 28 * minute)}); they were not traded.`,
    ]);
    expect(run.signals.map((s) => [s.time, s.action])).toEqual([
      [t0 + 20 * minute, 'buy'],
      [t0 + 29 * minute, 'exit'],
    ]);
    expect((await b.strategyOrders()).map((o) => o.side)).toEqual(['buy', 'sell']);
    b.service.close();
  });
});

describe('timing', () => {
  it('an order that settles just after a bar boundary does not make the run skip that bar', async () => {
    const h = await runHarness({ candles, history, t0 });
    const id = await h.start(smaCross);
    h.market.setBook('BTC/USDT', [candles[20]!.close, 1e6], [candles[20]!.close, 1e6]);
    h.timers.advanceTo(t0 + 21 * minute + 3000);
    await h.service.idle();
    // The engine takes a while: the buy of bar 20 is matched only after bar 21 has closed.
    h.timers.advanceTo(t0 + 22 * minute + 1000);
    await h.service.idle();
    expect((await h.stored(id)).outbox).not.toBeNull();
    await h.e.tick();
    h.timers.advanceTo(h.timers.time + 500);
    await h.service.idle();
    expect((await h.stored(id)).outbox).toBeNull();
    h.timers.advanceTo(t0 + 22 * minute + 3000);
    await h.service.idle();
    const run = await h.stored(id);
    expect(run.lastBar).toBe(t0 + 22 * minute);
    expect(run.notes).toEqual([]);
    h.service.close();
  });
  it('asks again shortly for a bar the exchange has not published yet, and trades it then', async () => {
    const h = await runHarness({ candles, history, t0 });
    const id = await h.start(smaCross);
    const late = h.market.candles.splice(20, 1)[0]!;
    h.market.setBook('BTC/USDT', [late.close, 1e6], [late.close, 1e6]);
    h.timers.advanceTo(t0 + 21 * minute + 3000);
    await h.service.idle();
    expect((await h.stored(id)).lastBar).toBe(t0 + 20 * minute);
    // The exchange is down for a moment, then publishes the bar.
    h.market.failNext = new Error('socket hang up');
    h.timers.advanceTo(h.timers.time + 2000);
    await h.service.idle();
    h.market.candles.splice(20, 0, late);
    h.timers.advanceTo(h.timers.time + 2000);
    await h.service.idle();
    await h.e.tick();
    h.timers.advanceTo(h.timers.time + 500);
    await h.service.idle();
    const run = await h.stored(id);
    expect(run.lastBar).toBe(t0 + 21 * minute);
    expect(run.signals.map((s) => [s.time, s.action])).toEqual([[t0 + 20 * minute, 'buy']]);
    expect((await h.strategyOrders()).map((o) => o.status)).toEqual(['filled']);
    expect(run.notes?.map((n) => n.message)).toEqual([
      'Could not fetch BTC/USDT candles (socket hang up); retrying.',
      'Candles arrive again.',
    ]);
    h.service.close();
  });
});

describe('a run that ends', () => {
  it('a strategy that throws fails the run with its message and bar, and sends nothing more', async () => {
    const boom: Strategy = {
      id: 'boom',
      name: 'Boom',
      description: 'Buys, then divides by zero on its third live bar.',
      params: [],
      warmup: () => 0,
      defaultSize: { kind: 'equity-fraction', fraction: 1 },
      exits: { stopLoss: null, takeProfit: null, trailing: null },
      prepare: () => ({
        onBar(ctx) {
          if (ctx.bars.time[ctx.i]! >= t0 + 22 * minute) throw new Error('my rule divided by zero');
          if (ctx.position === 0) ctx.buy();
        },
      }),
    };
    const h = await runHarness({ candles, history, t0, extra: { boom } });
    const id = await h.start({ kind: 'builtin', id: 'boom', params: {} });
    for (let j = 20; j <= 22; j++) await h.closeBar(j, id);
    let run = await h.stored(id);
    expect(run.status).toBe('failed');
    expect(run.reason).toBe(`my rule divided by zero at bar ${iso(t0 + 22 * minute)}`);
    expect(run.signals.map((s) => s.action)).toEqual(['buy']);
    const fetched = h.market.requests.length;
    for (let j = 23; j <= 27; j++) await h.closeBar(j);
    run = await h.stored(id);
    expect(run.status).toBe('failed');
    expect(run.lastBar).toBe(t0 + 23 * minute);
    expect(h.market.requests.length).toBe(fetched);
    expect(await h.strategyOrders()).toHaveLength(1);
    expect((await h.service.runs()).map((r) => r.status)).toEqual(['failed']);
    h.service.close();
  });

  it('stop ends it for good: listed as stopped, nothing traded after, and a second stop is harmless', async () => {
    const h = await runHarness({ candles, history, t0 });
    const id = await h.start(smaCross);
    await h.closeBar(20, id);
    await h.service.stop(id);
    // Bar 25 would have sold.
    for (let j = 21; j <= 26; j++) await h.closeBar(j);
    const [view] = await h.service.runs();
    expect(view).toMatchObject({ id, status: 'stopped', reason: 'Stopped by you.', barsSeen: 21 });
    expect((await h.strategyOrders()).map((o) => o.side)).toEqual(['buy']);
    await h.service.stop(id);
    expect((await rejection(h.service.stop('no-such-run'))).code).toBe('not-found');
    h.service.close();
  });
});

describe('what a run does not control', () => {
  it('an order the risk gate refuses is noted and the run carries on', async () => {
    const h = await runHarness({ candles, history, t0 });
    await h.e.trading.setLimits({ ...looseLimits, maxOrderNotional: '50' });
    const id = await h.start(smaCross);
    await h.closeBar(20, id);
    await h.closeBar(21, id);
    const run = await h.stored(id);
    expect(run.status).toBe('running');
    expect(run.orderIds).toEqual([]);
    expect(run.notes).toHaveLength(2);
    expect(run.notes![0]!.message).toMatch(/^Order 1 of bar .* refused: .*order/i);
    expect(await h.strategyOrders()).toHaveLength(0);
    h.service.close();
  });

  it('trades only on the account it started on', async () => {
    let active = 'paper';
    const h = await runHarness({
      candles,
      history,
      t0,
      wrapTrading: (t) =>
        wrap(t, {
          tradingAccounts: async () => [
            {
              id: 'paper',
              label: 'Paper (binance)',
              kind: 'paper',
              venue: 'paper',
              active: active === 'paper',
            },
            { id: 'v1', label: 'Sandbox key', kind: 'live', venue: 'sandbox', active: active === 'v1' },
          ],
        }),
    });
    const id = await h.start(smaCross);
    active = 'v1';
    await h.closeBar(20, id);
    const run = await h.stored(id);
    expect(run.notes?.[0]?.message).toMatch(
      /not traded: this run trades on Paper \(binance\), but the account in use is Sandbox key/,
    );
    expect(await h.strategyOrders()).toHaveLength(0);
    active = 'paper';
    await h.closeBar(21, id);
    expect((await h.strategyOrders()).map((o) => o.side)).toEqual(['buy']);
    h.service.close();
  });
});

describe('tabs and pages', () => {
  it('a follower lists the stored run; only the leader runs it, from when it leads', async () => {
    let leader = false;
    const h = await runHarness({
      candles,
      history,
      t0,
      leaderCheckMs: 1000,
      wrapTrading: (t) =>
        wrap(t, {
          get isLeader() {
            return leader;
          },
        }),
    });
    const id = await h.start(smaCross);
    h.timers.advanceTo(h.timers.time + 5000);
    await h.service.idle();
    expect(h.market.requests).toHaveLength(0);
    expect((await h.service.runs()).map((r) => [r.id, r.status, r.barsSeen])).toEqual([
      [id, 'warming-up', 0],
    ]);
    leader = true;
    h.timers.advanceTo(h.timers.time + 1000);
    await h.settle();
    expect((await h.stored(id)).status).toBe('running');
    expect(h.market.requests.length).toBeGreaterThan(0);
    h.service.close();
  });

  it('tells its listeners about every change', async () => {
    const h = await runHarness({ candles, history, t0 });
    const events: StrategyRunEvent[] = [];
    await h.service.subscribe((e) => events.push(e));
    expect(events[0]).toEqual({ type: 'runs', runs: [] });
    const id = await h.start(smaCross);
    await vi.waitFor(() => expect(events.at(-1)?.runs[0]?.status).toBe('running'), SETTLE);
    await h.closeBar(20, id);
    await vi.waitFor(() => expect(events.at(-1)?.runs[0]?.orderIds).toHaveLength(1), SETTLE);
    await h.service.stop(id);
    await vi.waitFor(() => expect(events.at(-1)?.runs[0]?.status).toBe('stopped'), SETTLE);
    const statuses = new Set(events.flatMap((e) => e.runs.map((r) => r.status)));
    expect([...statuses].sort()).toEqual(['running', 'stopped', 'warming-up']);
    // Views only: the runner's bars and outbox stay in the worker.
    expect(Object.keys(events.at(-1)!.runs[0]!)).not.toContain('bars');
    expect(Object.keys(events.at(-1)!.runs[0]!)).not.toContain('outbox');
    h.service.close();
  });

  it('compare needs a live bar first', async () => {
    const h = await runHarness({ candles, history, t0 });
    const id = await h.start(smaCross);
    expect((await rejection(h.service.compare(id))).code).toBe('not-ready');
    await h.closeBar(20, id);
    const c = await h.service.compare(id);
    expect(c.bars).toBe(21);
    expect(c.differences).toEqual([]);
    expect(c.live.signals.map((s) => s.action)).toEqual(['buy']);
    h.service.close();
  });
});

/** The trading engine as the service sees it, with some of its answers replaced (getters stay live). */
function wrap(t: RunTrading, over: Partial<RunTrading>): RunTrading {
  const base: RunTrading = {
    get isLeader() {
      return t.isLeader;
    },
    place: (r, id) => t.place(r, id),
    tradingAccounts: () => t.tradingAccounts(),
    snapshot: () => t.snapshot(),
  };
  return Object.defineProperties(base, Object.getOwnPropertyDescriptors(over));
}
