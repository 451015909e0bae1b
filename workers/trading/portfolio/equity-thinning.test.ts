import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../bench/random.js';
import { LyraDb } from '../../store/db.js';
import type { CashFlow, Series } from './api.js';
import { indexAtOrBefore } from './equity-series.js';
import { EquityStore, pointsPerBlock, thinEveryMs } from './equity-store.js';
import { defaultThinning, thinHistory } from './equity-thinning.js';
import { equityHistory, flowAdjustedIndex, performance } from './performance.js';
import { drawdown } from './risk-report.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const t0 = Date.UTC(2025, 0, 1);
const days = 400;
/** An hour boundary: every period then starts on a boundary or in the raw part. */
const now = t0 + days * DAY;

/**
 * Two accounts over 400 days: one recorded every minute, one every 5 minutes 30 s off the minute and
 * not at all on quiet days, with deposits and withdrawals at odd times (and one before the second
 * account's history starts), and a crash in the middle so the drawdown is not trivial.
 */
function synthetic(): { series: Map<string, Series>; flows: CashFlow[] } {
  const rand = mulberry32(11);
  const flows: CashFlow[] = [];
  const flow = (accountId: string, time: number, value: number): void => {
    flows.push({
      id: `f${flows.length}`,
      accountId,
      time,
      asset: 'USDT',
      amount: String(value),
      value,
      note: '',
      origin: 'user',
    });
  };
  for (let i = 0; i < 60; i++) {
    const time = t0 + Math.floor(rand() * days * DAY) + 17_123;
    flow(i % 2 ? 'a' : 'b', time, rand() < 0.5 ? 2000 : -1500);
  }
  flow('b', t0 - DAY, 5000);
  flows.sort((x, y) => x.time - y.time);
  const build = (id: string, step: number, offset: number, skipQuiet: boolean): Series => {
    const times: number[] = [];
    const values: number[] = [];
    let v = 50_000;
    let k = 0;
    const own = flows.filter((f) => f.accountId === id);
    for (let t = t0 + offset; t < now - 30_000; t += step) {
      if (skipQuiet && Math.floor((t - t0) / DAY) % 9 === 4) continue;
      while (k < own.length && own[k]!.time <= t) v += own[k++]!.value;
      const day = (t - t0) / DAY;
      v *= 1 + (rand() - 0.5) * 0.002 + (day > 200 && day < 203 ? -0.0004 : 0.000002);
      times.push(t);
      values.push(v);
    }
    return { times: Float64Array.from(times), values: Float64Array.from(values) };
  };
  return {
    series: new Map([
      ['a', build('a', MIN, 0, false)],
      ['b', build('b', 5 * MIN, 30_000, true)],
    ]),
    flows,
  };
}

function merged(series: Map<string, Series>, changed: Map<string, Series>): Map<string, Series> {
  return new Map([...series].map(([id, s]) => [id, changed.get(id) ?? s]));
}

const close = (a: number | null, b: number | null) => {
  expect(a === null).toBe(b === null);
  if (a !== null && b !== null) expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
};

describe('thinning the equity history', () => {
  const { series, flows } = synthetic();
  const thinned = merged(series, thinHistory(series, flows, now));
  const before = equityHistory(series, flows);
  const after = equityHistory(thinned, flows);

  it('keeps every point of the last week, one an hour for a year and one a day beyond', () => {
    const a = thinned.get('a')!;
    expect(series.get('a')!.times.length).toBe(days * 1440);
    // 8 raw days, 359 hourly days, 33 daily ones, and a few anchors around flows and the drawdown.
    const bound = 8 * 1440 + 359 * 24 + 33 + 4 * flows.length + 10;
    expect(a.times.length).toBeLessThanOrEqual(bound);
    expect(a.times.length).toBeGreaterThan(8 * 1440 + 359 * 24);
    // Strictly increasing, the week as recorded.
    for (let i = 1; i < a.times.length; i++) expect(a.times[i]! > a.times[i - 1]!).toBe(true);
    const week = series.get('a')!.times.filter((t) => t > now - 7 * DAY);
    expect(a.times.slice(a.times.length - week.length)).toEqual(week);
  });

  it('leaves the time- and money-weighted return and PnL of every period unchanged', () => {
    const p0 = performance(before, now, 1);
    const p1 = performance(after, now, 1);
    expect(p1.map((p) => p.period)).toEqual(p0.map((p) => p.period));
    for (let i = 0; i < p0.length; i++) {
      close(p1[i]!.twr, p0[i]!.twr);
      close(p1[i]!.mwr, p0[i]!.mwr);
      close(p1[i]!.pnl, p0[i]!.pnl);
      expect(p1[i]!.from).toBe(p0[i]!.from);
    }
    // The flows matter: the returns are not just the change in equity.
    expect(
      Math.abs(p0[5]!.twr! - (before.series.values.at(-1)! / before.series.values[0]! - 1)),
    ).toBeGreaterThan(0.01);
  });

  it('leaves the flow-adjusted index at every kept time and its max and current drawdown unchanged', () => {
    const i0 = flowAdjustedIndex(before);
    const i1 = flowAdjustedIndex(after);
    for (let j = 0; j < i1.times.length; j += 97) {
      const k = indexAtOrBefore(i0.times, i1.times[j]!);
      close(i1.values[j]!, i0.values[k]!);
    }
    const d0 = drawdown(i0);
    const d1 = drawdown(i1);
    if (!('max' in d0) || !('max' in d1)) throw new Error('no drawdown');
    expect(d0.max).toBeGreaterThan(0.05);
    close(d1.max, d0.max);
    close(d1.current, d0.current);
  });

  it('is stable: thinning thinned history at the same time changes nothing', () => {
    expect(thinHistory(thinned, flows, now).size).toBe(0);
  });

  it('keeps the result when thinned hour by hour, as the recorder does', () => {
    let s = new Map([...series].map(([id, x]) => [id, x]));
    // The first pass thins most; later ones an hour more each.
    for (let t = now - 5 * HOUR; t <= now; t += HOUR) s = merged(s, thinHistory(s, flows, t));
    const p0 = performance(before, now, 1);
    const p1 = performance(equityHistory(s, flows), now, 1);
    for (let i = 0; i < p0.length; i++) close(p1[i]!.twr, p0[i]!.twr);
    const d0 = drawdown(flowAdjustedIndex(before));
    const d1 = drawdown(flowAdjustedIndex(equityHistory(s, flows)));
    if (!('max' in d0) || !('max' in d1)) throw new Error('no drawdown');
    close(d1.max, d0.max);
  });
});

describe('thinning the stored history', () => {
  let db: LyraDb;
  afterEach(async () => {
    db.close();
    await Dexie.delete(db.name);
  });

  it('rewrites the old blocks in one pass, at most once an hour, and bounds what a view reads', async () => {
    db = new LyraDb(`thin-${Math.random()}`);
    const { series, flows } = synthetic();
    const rows = [];
    for (const [accountId, s] of series)
      for (let i = 0; i < s.times.length; i += pointsPerBlock)
        rows.push({
          accountId,
          start: s.times[i]!,
          time: s.times.slice(i, i + pointsPerBlock),
          equity: s.values.slice(i, i + pointsPerBlock),
        });
    await db.equityBlocks.bulkPut(rows);
    await db.cashFlows.bulkPut(flows);
    const store = new EquityStore(db, defaultThinning);
    expect(await store.thinIfDue(now)).toBeGreaterThan(400_000);
    const stored = await store.all();
    const expected = merged(series, thinHistory(series, flows, now));
    for (const id of ['a', 'b']) expect(stored.get(id)).toEqual(expected.get(id));
    // A view reads about 20 blocks an account, not 576.
    expect(await db.equityBlocks.count()).toBeLessThanOrEqual(2 * 21);
    // Appending goes on after the rewritten blocks.
    await store.append([{ accountId: 'a', time: now, equity: 1 }]);
    expect(await store.lastPoint('a')).toEqual({ time: now, equity: 1 });
    // Not again within the hour, here or after a reload; again after it.
    expect(await store.thinIfDue(now + MIN)).toBeNull();
    expect(await new EquityStore(db).thinIfDue(now + MIN)).toBeNull();
    expect(await new EquityStore(db).thinIfDue(now + thinEveryMs)).toBeGreaterThan(0);
  });
});
