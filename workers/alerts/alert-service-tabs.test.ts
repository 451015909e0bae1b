import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineFailure, engineError } from '../shared/errors.js';
import { LyraDb } from '../store/db.js';
import { AlertService, type AlertBroadcast, type BroadcastLike } from './alert-service.js';
import { FakeMarket, trade } from './alert-service-support.js';
import type { AlertDraft, AlertView } from './api.js';

// The alert service across tabs, after failures and reconnects, and what it writes.

const T0 = Date.UTC(2026, 5, 1, 12);
const running: AlertService[] = [];

afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
});

/** BroadcastChannels of one origin: a message reaches every other member, later. */
class Hub {
  private members = new Set<BroadcastLike>();
  join(): BroadcastLike {
    const self: BroadcastLike = {
      onmessage: null,
      postMessage: (m: AlertBroadcast) => {
        for (const o of this.members)
          if (o !== self) setTimeout(() => o.onmessage?.({ data: structuredClone(m) }), 0);
      },
    };
    this.members.add(self);
    return self;
  }
}

const tick = () => new Promise((r) => setTimeout(r, 5));

function world() {
  const db = new LyraDb(`alerts-tabs-${Math.random()}`);
  const market = new FakeMarket();
  const clock = { now: T0 };
  const hub = new Hub();
  let ids = 0;
  const tab = (opts: { channel?: boolean | BroadcastLike; lead?: boolean } = {}) => {
    const service = new AlertService({
      db,
      market,
      now: () => clock.now,
      newId: () => `id-${++ids}`,
      channel:
        opts.channel === false ? null : opts.channel === true || !opts.channel ? hub.join() : opts.channel,
      config: { tickMs: 1e9, persistMs: 1e9 },
    });
    running.push(service);
    if (opts.lead !== false) void service.lead();
    return service;
  };
  const trades = (...t: Array<[number, number]>) =>
    market.emit({
      type: 'trades',
      symbol: 'BTC/USDT',
      trades: t.map(([at, p]) => trade(at, p)),
      reset: false,
    });
  return { db, market, clock, tab, trades };
}

const priceDraft = (over: Record<string, unknown> = {}): AlertDraft =>
  ({ kind: 'price-cross', symbol: 'BTC/USDT', direction: 'above', level: '70000', ...over }) as AlertDraft;

describe('AlertService across tabs', () => {
  it('a one-shot alert fires once even when another tab makes it reload while the firing is stored', async () => {
    const { tab, clock, trades, db } = world();
    const channel: BroadcastLike = { postMessage: () => undefined, onmessage: null };
    const leader = tab({ channel });
    await leader.ready;
    const v = await leader.create(priceDraft({ repeat: 'once' }));
    const fired: string[] = [];
    leader.subscribe((e) => e.type === 'fired' && fired.push(e.firing.id));
    clock.now = T0 + 10_000;
    trades([T0 + 1000, 69_900]);
    await leader.settled();
    // Another tab changed an alert: its broadcast queues a reload just before the crossing.
    channel.onmessage?.({ data: { type: 'changed' } });
    trades([T0 + 2000, 70_100]);
    await leader.settled();
    trades([T0 + 3000, 69_000], [T0 + 4000, 70_200]);
    await leader.settled();
    expect(fired).toHaveLength(1);
    expect(leader.list()[0]?.spec.enabled).toBe(false);
    expect((await db.alerts.get(v.spec.id))?.spec.enabled).toBe(false);
    expect(await db.alertFirings.count()).toBe(1);
  });

  it('a tab that does not evaluate shows a snooze ending when it ends', async () => {
    const { tab, clock } = world();
    const leader = tab();
    const other = tab({ lead: false });
    await leader.ready;
    const v = await leader.create(priceDraft());
    await leader.update(v.spec.id, { snoozedUntil: T0 + 60_000 });
    await tick();
    await other.settled();
    let seen: AlertView[] = other.list();
    other.subscribe((e) => {
      if (e.type === 'changed') seen = e.alerts;
    });
    expect(seen[0]?.status).toBe('snoozed');
    clock.now = T0 + 61_000;
    await other.tick();
    expect(seen[0]?.status).toBe('armed');
  });

  it('a re-arm in the evaluating tab reaches the other tabs at once', async () => {
    const { tab, clock, trades } = world();
    const leader = tab();
    const other = tab({ lead: false });
    await leader.ready;
    const v = await leader.create(priceDraft());
    clock.now = T0 + 5000;
    trades([T0 + 1000, 69_900], [T0 + 2000, 70_100]);
    await leader.settled();
    await tick();
    await other.settled();
    expect(other.list()[0]?.status).toBe('rearming');
    // Back below the band (0.1 % = 70): re-armed, with no firing to carry the news.
    trades([T0 + 3000, 69_800]);
    await leader.settled();
    expect(leader.list()[0]?.status).toBe('armed');
    await tick();
    await other.settled();
    expect(other.list().find((a) => a.spec.id === v.spec.id)?.status).toBe('armed');
  });

  it('a tab that takes over evaluating starts from the state the previous one stored', async () => {
    const { tab, clock, trades } = world();
    const later = tab({ channel: false, lead: false });
    const first = tab({ channel: false });
    await first.ready;
    await later.ready;
    await first.create(priceDraft());
    clock.now = T0 + 5000;
    trades([T0 + 1000, 69_900], [T0 + 2000, 70_100]);
    await first.settled();
    await first.stop();
    await later.lead();
    expect(later.list()[0]?.firedCount).toBe(1);
    expect(later.list()[0]?.status).toBe('rearming');
  });
});

describe('AlertService writes and lateness', () => {
  it('stores alert rows only when their crossing state changed, not on every price', async () => {
    const { tab, clock, trades, db } = world();
    const s = tab({ channel: false });
    await s.ready;
    const v = await s.create(priceDraft());
    clock.now = T0 + 2000;
    trades([T0 + 1500, 69_000]);
    await s.stop();
    const first = await db.alerts.get(v.spec.id);
    expect(first?.state?.channels['']?.side).toBe('below');
    clock.now = T0 + 40_000;
    await s.lead();
    trades([T0 + 30_000, 69_100], [T0 + 35_000, 69_200]);
    await s.stop();
    expect((await db.alerts.get(v.spec.id))?.updatedAt).toBe(first?.updatedAt);
    await s.lead();
    trades([T0 + 39_000, 70_500]);
    await s.stop();
    expect((await db.alerts.get(v.spec.id))?.state?.firedCount).toBe(1);
  });

  it('takes only the kind fields from a draft: the id, creation time, snooze and switch are its own', async () => {
    const { tab } = world();
    const s = tab({ channel: false });
    await s.ready;
    const v = await s.create(
      priceDraft({ id: 'chosen', createdAt: 1, enabled: false, snoozedUntil: T0 + 3_600_000 }),
    );
    expect(v.spec.id).not.toBe('chosen');
    expect(v.spec.createdAt).toBe(T0);
    expect(v.spec.enabled).toBe(true);
    expect(v.spec.snoozedUntil).toBeNull();
  });

  it('a poll the exchange could not answer (an EngineFailure) marks what arrives after it late', async () => {
    const { tab, clock, market } = world();
    const s = tab({ channel: false });
    await s.ready;
    await s.create(priceDraft({ symbol: 'ETH/USDT', level: '3000' }));
    market.trades.set('ETH/USDT', [trade(T0 + 100, 2990)]);
    clock.now = T0 + 1000;
    await s.tick();
    market.trades.set('ETH/USDT', () => {
      throw new EngineFailure(engineError('offline', 'The exchange is not reachable right now.', true));
    });
    clock.now = T0 + 4100;
    await s.tick();
    market.trades.set('ETH/USDT', [trade(T0 + 9000, 3001)]);
    clock.now = T0 + 10_200;
    await s.tick();
    await s.settled();
    const h = await s.history();
    expect(h.total).toBe(1);
    expect(h.firings[0]?.late).toBe(true);
  });

  it('an indicator candle that spans a reconnect is live: it is news when it closes', async () => {
    const { tab, clock, market } = world();
    const s = tab({ channel: false });
    await s.ready;
    await s.create({
      kind: 'indicator',
      indicator: 'rsi',
      symbol: 'ETH/USDT',
      timeframe: '1m',
      condition: 'above',
      level: 70,
    });
    const start = T0 - 40 * 60_000;
    const rows: Array<[number, number, number, number, number, number]> = [];
    for (let i = 0; i < 40; i++) rows.push([start + i * 60_000, 3001 - i, 3001 - i, 3000 - i, 3000 - i, 10]);
    market.candleRows.set('ETH/USDT|1m', rows);
    clock.now = T0 + 1000;
    await s.tick();
    const status = (connection: 'offline' | 'live') =>
      market.emit({
        type: 'status',
        status: {
          exchange: 'sandbox',
          connection,
          since: clock.now,
          lastMessageAt: null,
          retryAt: null,
          error: null,
        },
      });
    clock.now = T0 + 10_000;
    status('offline');
    clock.now = T0 + 30_000;
    status('live');
    // The candle opened at T0, before the reconnect, and closes at T0 + 1 min, after it.
    market.candleRows.set('ETH/USDT|1m', [...rows, [T0, 2961, 3200, 2961, 3200, 5]]);
    clock.now = T0 + 62_000;
    await s.tick();
    await s.settled();
    const h = await s.history();
    expect(h.total).toBe(1);
    expect(h.firings[0]?.late).toBe(false);
  });
});
