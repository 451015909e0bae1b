import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LyraDb } from '../../store/db.js';
import type { PaperAccount } from '../types.js';
import { EquityRecorder } from './equity-recorder.js';
import { EquityStore, pointsPerBlock } from './equity-store.js';
import type { TradingPort } from './ports.js';

const dbs: LyraDb[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) {
    db.close();
    await Dexie.delete(db.name);
  }
});

function freshDb(): LyraDb {
  const db = new LyraDb(`equity-${Math.random()}`);
  dbs.push(db);
  return db;
}

const t0 = Date.UTC(2026, 3, 1);

function paper(balances: Record<string, string>, at = t0): PaperAccount {
  return {
    id: 'paper:binance',
    exchange: 'binance',
    name: 'Paper (binance)',
    balances,
    reserved: {},
    starting: { ...balances },
    latencyMs: 0,
    createdAt: at,
    resetAt: at,
  };
}

function port(marks: Record<string, number>, leader = true): TradingPort {
  return {
    isLeader: leader,
    liveMark: (s) => (marks[s] ? { price: marks[s], time: t0 } : null),
    activeAccountId: () => 'paper:binance',
    breakerState: () => null,
    preview: () => Promise.reject(new Error('unused')),
    place: () => Promise.reject(new Error('unused')),
  };
}

function recorder(db: LyraDb, trading: TradingPort, clock: { now: number }) {
  let n = 0;
  return new EquityRecorder(
    { db, equity: new EquityStore(db), trading, now: () => clock.now, newId: () => `flow${++n}` },
    { quietMs: 3_600_000 },
  );
}

describe('equity blocks', () => {
  it('appends points to the account’s last block, starting a new one every 1,000 points', async () => {
    const db = freshDb();
    const store = new EquityStore(db);
    const points = Array.from({ length: 2 * pointsPerBlock + 5 }, (_, i) => ({
      accountId: 'a',
      time: t0 + i * 60_000,
      equity: 100 + i,
    }));
    await store.append(points.slice(0, 10));
    await store.append(points.slice(10));
    await store.append([{ accountId: 'b', time: t0, equity: 1 }]);
    const blocks = await db.equityBlocks.where('accountId').equals('a').toArray();
    expect(blocks.map((b) => b.time.length)).toEqual([pointsPerBlock, pointsPerBlock, 5]);
    expect(blocks.map((b) => b.start)).toEqual([
      t0,
      t0 + pointsPerBlock * 60_000,
      t0 + 2 * pointsPerBlock * 60_000,
    ]);
    const all = await store.all();
    expect([...all.get('a')!.values]).toEqual(points.map((p) => p.equity));
    expect(await store.lastPoint('a')).toEqual({ time: points.at(-1)!.time, equity: points.at(-1)!.equity });
  });

  it('never goes back in time: a point at the last time replaces it, an older one is dropped', async () => {
    const db = freshDb();
    const store = new EquityStore(db);
    await store.append([{ accountId: 'a', time: t0 + 10, equity: 5 }]);
    await store.append([
      { accountId: 'a', time: t0 + 10, equity: 6 },
      { accountId: 'a', time: t0 + 5, equity: 7 },
      { accountId: 'a', time: t0 + 20, equity: Number.NaN },
    ]);
    const s = (await store.all()).get('a')!;
    expect([...s.times]).toEqual([t0 + 10]);
    expect([...s.values]).toEqual([6]);
  });
});

describe('the equity recorder', () => {
  it('records every priced account, skips an unchanged one until it has been quiet an hour, and one with an unpriced holding', async () => {
    const db = freshDb();
    const clock = { now: t0 };
    await db.accounts.bulkPut([
      paper({ USDT: '1000', BTC: '0.1' }),
      {
        ...paper({ USDT: '5', XYZ: '3' }),
        id: 'live:x',
        name: 'Main',
        live: { vaultId: 'x', venue: 'live' },
      },
    ]);
    const r = recorder(db, port({ 'BTC/USDT': 50_000 }), clock);
    await r.record(false);
    clock.now += 60_000;
    await r.record(false);
    clock.now += 3_600_000;
    await r.record(false);
    const all = await new EquityStore(db).all();
    expect([...all.get('paper:binance')!.values]).toEqual([6000, 6000]);
    expect([...all.get('paper:binance')!.times]).toEqual([t0, t0 + 3_660_000]);
    // The live account holds XYZ, which has no price: a partial sum would read as a loss.
    expect(all.has('live:x')).toBe(false);
  });

  it('thins the older history when it records, at most once an hour', async () => {
    const db = freshDb();
    const clock = { now: t0 + 10 * 86_400_000 };
    await db.accounts.put(paper({ USDT: '1000' }));
    const store = new EquityStore(db);
    // Ten days of minute snapshots.
    await store.append(
      Array.from({ length: 10 * 1440 }, (_, i) => ({
        accountId: 'paper:binance',
        time: t0 + i * 60_000,
        equity: 1000 + (i % 7),
      })),
    );
    const r = new EquityRecorder({
      db,
      equity: store,
      trading: port({}),
      now: () => clock.now,
      newId: () => 'f',
    });
    await r.record(true);
    const times = (await store.all()).get('paper:binance')!.times;
    // The first two days hourly (plus the first point and the drawdown's peak and trough); the last week
    // and a day as recorded; the new point.
    expect(times.length).toBeGreaterThanOrEqual(2 * 24 + 8 * 1440);
    expect(times.length).toBeLessThanOrEqual(2 * 24 + 8 * 1440 + 4);
    const spy = vi.spyOn(store, 'thin');
    clock.now += 60_000;
    await r.record(true);
    expect(spy).not.toHaveBeenCalled();
  });

  it('stamps a snapshot after reading the balances, not before', async () => {
    const db = freshDb();
    const clock = { now: t0 };
    await db.accounts.put(paper({ USDT: '1000', BTC: '0.1' }));
    const trading = port({ 'BTC/USDT': 50_000 });
    // Reading the prices takes time: the clock moves while the balances are read.
    const slow: TradingPort = {
      ...trading,
      liveMark: (s) => {
        clock.now = t0 + 5_000;
        return trading.liveMark(s);
      },
    };
    await recorder(db, slow, clock).record(true);
    expect(await new EquityStore(db).lastPoint('paper:binance')).toEqual({ time: t0 + 5_000, equity: 6000 });
  });

  it('records nothing in a tab that does not lead', async () => {
    const db = freshDb();
    await db.accounts.put(paper({ USDT: '1000' }));
    await recorder(db, port({}, false), { now: t0 }).record(true);
    expect(await db.equityBlocks.count()).toBe(0);
  });

  it('a paper account’s opening is a deposit with a point after it', async () => {
    const db = freshDb();
    const r = recorder(db, port({}), { now: t0 });
    await r.opened(paper({ USDT: '10000' }));
    const flows = await db.cashFlows.toArray();
    expect(flows).toEqual([
      expect.objectContaining({
        accountId: 'paper:binance',
        asset: 'USDT',
        amount: '10000',
        value: 10000,
        origin: 'auto',
        time: t0,
      }),
    ]);
    const s = (await new EquityStore(db).all()).get('paper:binance')!;
    expect([...s.times]).toEqual([t0]);
    expect([...s.values]).toEqual([10000]);
  });

  it('a reset withdraws the old equity and deposits the new, with a point on each side', async () => {
    const db = freshDb();
    const clock = { now: t0 + 1000 };
    const r = recorder(db, port({ 'BTC/USDT': 50_000 }), clock);
    const before = paper({ USDT: '500', BTC: '0.2' });
    const after = { ...paper({ USDT: '2000' }), resetAt: t0 + 1000 };
    await r.reset(before, after);
    const flows = (await db.cashFlows.toArray()).sort((a, b) => a.value - b.value);
    expect(flows.map((f) => [f.asset, f.amount, f.value, f.time])).toEqual([
      ['BTC', '-0.2', -10_000, t0 + 1000],
      ['USDT', '-500', -500, t0 + 1000],
      ['USDT', '2000', 2000, t0 + 1000],
    ]);
    const s = (await new EquityStore(db).all()).get('paper:binance')!;
    expect([...s.times]).toEqual([t0 + 999, t0 + 1000]);
    expect([...s.values]).toEqual([10_500, 2000]);
  });

  it('fills in a burst make one snapshot after it', async () => {
    const db = freshDb();
    await db.accounts.put(paper({ USDT: '1000' }));
    const pending: Array<() => void> = [];
    let n = 0;
    const r = new EquityRecorder({
      db,
      equity: new EquityStore(db),
      trading: port({}),
      now: () => t0 + n++,
      newId: () => 'x',
      timers: {
        setInterval: () => 0,
        clearInterval: () => undefined,
        setTimeout: (fn) => pending.push(fn),
      },
    });
    r.filled('paper:binance');
    r.filled('paper:binance');
    r.filled('paper:binance');
    expect(pending).toHaveLength(1);
    pending[0]!();
    await r.record(false);
    expect((await new EquityStore(db).all()).get('paper:binance')!.times.length).toBe(1);
  });
});
