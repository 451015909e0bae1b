import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineFailure, type EngineError } from '../shared/errors.js';
import { LyraDb } from '../store/db.js';
import { AlertService } from './alert-service.js';
import { FakeMarket, FakeTrading, trade } from './alert-service-support.js';
import type { AlertDraft } from './api.js';

const T0 = Date.UTC(2026, 5, 1, 12);
let dbs = 0;
const running: AlertService[] = [];

afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
});

function setup(db = new LyraDb(`alerts-${++dbs}-${Math.random()}`), market = new FakeMarket()) {
  const clock = { now: T0 };
  let ids = 0;
  const trading = new FakeTrading();
  const make = () => {
    const service = new AlertService({
      db,
      market,
      trading,
      now: () => clock.now,
      newId: () => `id-${++ids}-${Math.random().toString(36).slice(2, 6)}`,
      config: { tickMs: 1e9, persistMs: 1e9 },
    });
    running.push(service);
    service.lead();
    return service;
  };
  return { db, market, trading, clock, make, service: make() };
}

const priceDraft = (over: Partial<AlertDraft> = {}): AlertDraft =>
  ({ kind: 'price-cross', symbol: 'BTC/USDT', direction: 'above', level: '70000', ...over }) as AlertDraft;

async function rejection(p: Promise<unknown>): Promise<EngineError> {
  try {
    await p;
  } catch (e) {
    // As the handlers send it across: asData turns the EngineFailure into its EngineError.
    return e instanceof EngineFailure ? e.error : (e as EngineError);
  }
  throw new Error('expected a rejection');
}

describe('AlertService', () => {
  it('refuses an alert on a symbol the exchange does not list, suggesting the market meant', async () => {
    const { service, db } = setup();
    await service.ready;
    const e = await rejection(service.create(priceDraft({ symbol: 'btcusdt' })));
    expect(e.code).toBe('invalid-alert');
    expect(e.message).toContain('"btcusdt" is not a market on this exchange');
    expect(e.message).toContain('"BTC/USDT"');
    expect(e.details?.symbol).toContain('not a market');
    expect(await db.alerts.count()).toBe(0);
  });

  it('fires once per crossing and stores the firing with the state, so a restart does not fire it again', async () => {
    const { service, market, clock, make, db } = setup();
    await service.ready;
    const view = await service.create(priceDraft());
    const fired: string[] = [];
    service.subscribe((e) => e.type === 'fired' && fired.push(e.firing.message));
    clock.now = T0 + 1000;
    market.emit({ type: 'trades', symbol: 'BTC/USDT', trades: [trade(T0 + 500, 69_900)], reset: false });
    market.emit({ type: 'trades', symbol: 'BTC/USDT', trades: [trade(T0 + 900, 70_050)], reset: false });
    await service.settled();
    expect(fired).toHaveLength(1);
    expect(fired[0]).toContain('70,000');
    const row = await db.alerts.get(view.spec.id);
    expect(row?.state?.firedCount).toBe(1);
    expect(row?.state?.channels['']?.armedUp).toBe(false);
    expect(service.list()[0]?.status).toBe('rearming');

    // A new engine on the same database: the price still above the level fires nothing.
    await service.stop();
    const again = make();
    await again.ready;
    const firedAgain: unknown[] = [];
    again.subscribe((e) => e.type === 'fired' && firedAgain.push(e));
    clock.now = T0 + 5000;
    market.emit({ type: 'trades', symbol: 'BTC/USDT', trades: [trade(T0 + 4000, 70_120)], reset: false });
    await again.settled();
    expect(firedAgain).toHaveLength(0);
    expect((await again.history()).total).toBe(1);
    // Back below the band (0.1 % = 70) re-arms; the next crossing fires again.
    market.emit({ type: 'trades', symbol: 'BTC/USDT', trades: [trade(T0 + 4500, 69_900)], reset: false });
    market.emit({ type: 'trades', symbol: 'BTC/USDT', trades: [trade(T0 + 4800, 70_001)], reset: false });
    await again.settled();
    expect(firedAgain).toHaveLength(1);
    expect((await again.history()).total).toBe(2);
  });

  it('writes a firing and the new state in one transaction: when the firing cannot be stored, neither is', async () => {
    const db = new LyraDb(`alerts-tx-${Math.random()}`);
    const market = new FakeMarket();
    const clock = { now: T0 + 1000 };
    const service = new AlertService({
      db,
      market,
      now: () => clock.now,
      newId: (() => {
        let n = 0;
        // The alert gets 'a1'; the firing gets 'taken', an id the history already holds, then fresh ones.
        return () => (++n === 1 ? 'a1' : n === 2 ? 'taken' : `f${n}`);
      })(),
      config: { tickMs: 1e9, persistMs: 1e9 },
    });
    running.push(service);
    service.lead();
    await service.ready;
    await service.create(priceDraft());
    await db.alertFirings.put({
      id: 'taken',
      alertId: 'other',
      name: 'other',
      kind: 'price-cross',
      symbol: 'BTC/USDT',
      time: 1,
      message: 'older',
      value: 1,
      late: false,
      sound: false,
      disabled: false,
      firedAt: 1,
    });
    // After the alert's creation, so the crossing fires.
    clock.now = T0 + 2000;
    const error = console.error;
    console.error = () => undefined;
    try {
      market.emit({ type: 'trades', symbol: 'BTC/USDT', trades: [trade(T0 + 1500, 69_900)], reset: false });
      market.emit({ type: 'trades', symbol: 'BTC/USDT', trades: [trade(T0 + 1900, 70_050)], reset: false });
      await service.settled();
    } finally {
      console.error = error;
    }
    const firingsOf = () => db.alertFirings.where('alertId').equals('a1').count();
    expect(service.list()[0]?.firedCount).toBe(1);
    expect((await db.alerts.get('a1'))?.state).toBeNull();
    expect(await firingsOf()).toBe(0);
    // The next save (the timer's, or stopping) stores the state with its firing, never without it.
    await service.stop();
    expect((await db.alerts.get('a1'))?.state?.firedCount).toBe(1);
    expect(await firingsOf()).toBe(1);
  });

  it('a one-shot alert is stored disabled once it fired', async () => {
    const { service, market, clock, db } = setup();
    await service.ready;
    const v = await service.create(priceDraft({ repeat: 'once', direction: 'below', level: '100' }));
    clock.now = T0 + 2000;
    market.emit({
      type: 'trades',
      symbol: 'BTC/USDT',
      trades: [trade(T0 + 1000, 101), trade(T0 + 1500, 99)],
      reset: false,
    });
    await service.settled();
    expect((await db.alerts.get(v.spec.id))?.spec.enabled).toBe(false);
    expect((await db.alerts.get(v.spec.id))?.status).toBe('disabled');
    expect(service.list()[0]?.status).toBe('disabled');
  });

  it('a snoozed alert watches but does not fire; after the snooze it fires on the next crossing', async () => {
    const { service, market, clock } = setup();
    await service.ready;
    const v = await service.create(priceDraft());
    const snoozed = await service.update(v.spec.id, { snoozedUntil: T0 + 60_000 });
    expect(snoozed.status).toBe('snoozed');
    expect(snoozed.spec.snoozedUntil).toBe(T0 + 60_000);
    clock.now = T0 + 2000;
    market.emit({
      type: 'trades',
      symbol: 'BTC/USDT',
      trades: [trade(T0 + 1000, 69_000), trade(T0 + 1500, 70_500)],
      reset: false,
    });
    await service.settled();
    expect((await service.history()).total).toBe(0);
    clock.now = T0 + 70_000;
    expect(service.list()[0]?.status).toBe('rearming');
    market.emit({
      type: 'trades',
      symbol: 'BTC/USDT',
      trades: [trade(T0 + 65_000, 69_000), trade(T0 + 66_000, 70_200)],
      reset: false,
    });
    await service.settled();
    const h = await service.history();
    expect(h.total).toBe(1);
    expect(h.firings[0]?.time).toBe(T0 + 66_000);
  });

  it('polls symbols that are not focused, backs off when a poll fails, and fires from the polled trades', async () => {
    const { service, market, clock } = setup();
    await service.ready;
    await service.create(priceDraft());
    await service.create(priceDraft({ symbol: 'ETH/USDT', level: '3000', direction: 'either' }));
    market.trades.set('ETH/USDT', [trade(T0 + 100, 2990)]);
    clock.now = T0 + 1000;
    await service.tick();
    expect(market.tradeCalls.map((c) => c.symbol)).toEqual(['ETH/USDT']);
    // Not due again before the poll interval.
    clock.now = T0 + 2000;
    await service.tick();
    expect(market.tradeCalls).toHaveLength(1);
    market.trades.set('ETH/USDT', [trade(T0 + 3500, 3001)]);
    clock.now = T0 + 4100;
    await service.tick();
    await service.settled();
    const h = await service.history();
    expect(h.total).toBe(1);
    expect(h.firings[0]?.symbol).toBe('ETH/USDT');
    expect(h.firings[0]?.late).toBe(false);

    market.trades.set('ETH/USDT', () => {
      throw { code: 'network', message: 'down', retryable: true };
    });
    clock.now = T0 + 7200;
    await service.tick();
    const calls = market.tradeCalls.length;
    clock.now = T0 + 10_300; // one interval later: still backing off (2 x 3 s after one failure)
    await service.tick();
    expect(market.tradeCalls).toHaveLength(calls);
    clock.now = T0 + 13_300;
    await service.tick();
    expect(market.tradeCalls).toHaveLength(calls + 1);
  });

  it('marks firings evaluated on data that arrived after being offline as late', async () => {
    const { service, market, clock } = setup();
    await service.ready;
    await service.create(priceDraft({ direction: 'either' }));
    clock.now = T0 + 1000;
    market.emit({ type: 'trades', symbol: 'BTC/USDT', trades: [trade(T0 + 900, 69_000)], reset: false });
    const status = (connection: 'offline' | 'live') => ({
      type: 'status' as const,
      status: {
        exchange: 'sandbox',
        connection,
        since: clock.now,
        lastMessageAt: null,
        retryAt: null,
        error: null,
      },
    });
    market.emit(status('offline'));
    clock.now = T0 + 30_000;
    market.emit(status('live'));
    // The tape after reconnecting holds a trade from while the app was offline.
    market.emit({ type: 'trades', symbol: 'BTC/USDT', trades: [trade(T0 + 20_000, 70_500)], reset: true });
    await service.settled();
    const h = await service.history();
    expect(h.total).toBe(1);
    expect(h.firings[0]?.late).toBe(true);
    expect(h.firings[0]?.message).toContain('after the engine was offline');
  });

  it('fires order-filled alerts from trading snapshots once per fill', async () => {
    const { service, trading, clock } = setup();
    await service.ready;
    await service.create({ kind: 'order-filled' });
    const fill = {
      id: 'f1',
      orderId: 'o1',
      accountId: 'paper:sandbox',
      symbol: 'BTC/USDT',
      side: 'buy' as const,
      price: '70000',
      amount: '0.1',
      quote: '7000',
      fee: '7',
      feeAsset: 'USDT',
      liquidity: 'taker' as const,
      time: T0 + 500,
    };
    clock.now = T0 + 1000;
    const snap = { fills: [fill], account: null, breaker: null, equity: null, updatedAt: clock.now };
    trading.send(snap);
    trading.send(snap);
    await service.settled();
    const h = await service.history();
    expect(h.total).toBe(1);
    expect(h.firings[0]?.message).toContain('Filled: bought 0.1 BTC/USDT');
  });

  it('deletes with undo, pages and filters the history, and clears it', async () => {
    const { service, market, clock } = setup();
    await service.ready;
    const a = await service.create(priceDraft({ direction: 'either', hysteresis: 0 }));
    let t = T0;
    for (const p of [69_000, 71_000, 69_000, 71_000]) {
      t += 1000;
      clock.now = t;
      market.emit({ type: 'trades', symbol: 'BTC/USDT', trades: [trade(t, p)], reset: false });
    }
    await service.settled();
    const page = await service.history({ limit: 2 });
    expect(page.total).toBe(3);
    expect(page.firings.map((f) => f.time)).toEqual([T0 + 4000, T0 + 3000]);
    expect((await service.history({ alertId: 'nope' })).total).toBe(0);

    const removed = await service.remove(a.spec.id);
    expect(service.list()).toHaveLength(0);
    const back = await service.restore(removed);
    expect(back.firedCount).toBe(3);
    expect(service.list()).toHaveLength(1);
    expect(await service.clearHistory(a.spec.id)).toBe(3);
    expect((await service.history()).total).toBe(0);
  });

  it('fetches closed candles for indicator alerts after each close and fires on the candle that crosses', async () => {
    const { service, market, clock } = setup();
    await service.ready;
    await service.create({
      kind: 'indicator',
      indicator: 'rsi',
      symbol: 'ETH/USDT',
      timeframe: '1m',
      condition: 'above',
      level: 70,
    });
    const start = T0 - 40 * 60_000;
    const rows: Array<[number, number, number, number, number, number]> = [];
    for (let i = 0; i < 40; i++) {
      const close = 3000 - i;
      rows.push([start + i * 60_000, close + 1, close + 1, close, close, 10]);
    }
    // The candle still open must not count: it would cross already.
    const open: [number, number, number, number, number, number] = [T0, 2961, 3200, 2961, 3200, 5];
    market.candleRows.set('ETH/USDT|1m', [...rows, open]);
    clock.now = T0 + 1000;
    await service.tick();
    await service.settled();
    expect(market.candleCalls).toHaveLength(1);
    expect((await service.history()).total).toBe(0);
    // Nothing is fetched again before the next close.
    clock.now = T0 + 30_000;
    await service.tick();
    expect(market.candleCalls).toHaveLength(1);
    // That candle closes up 239: RSI jumps far above 70.
    market.candleRows.set('ETH/USDT|1m', [...rows, open, [T0 + 60_000, 3200, 3200, 3200, 3200, 1]]);
    clock.now = T0 + 62_000;
    await service.tick();
    await service.settled();
    expect(market.candleCalls).toHaveLength(2);
    const h = await service.history();
    expect(h.total).toBe(1);
    expect(h.firings[0]?.kind).toBe('indicator');
    expect(h.firings[0]?.time).toBe(T0 + 60_000);
  });
});
