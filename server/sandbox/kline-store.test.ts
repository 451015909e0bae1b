import { describe, expect, it } from 'vitest';
import { DAY, HOUR, INTERVALS, MINUTE, type Interval } from './intervals.js';
import { KlineStore } from './kline-store.js';

const iv = (name: string): Interval => {
  const i = INTERVALS.get(name);
  if (i === undefined) throw new Error(name);
  return i;
};

describe('intervals', () => {
  it('align to UTC like Binance', () => {
    const t = Date.UTC(2024, 4, 15, 13, 47, 12, 345); // Wednesday
    expect(iv('1m').floor(t)).toBe(Date.UTC(2024, 4, 15, 13, 47));
    expect(iv('15m').floor(t)).toBe(Date.UTC(2024, 4, 15, 13, 45));
    expect(iv('4h').floor(t)).toBe(Date.UTC(2024, 4, 15, 12));
    expect(iv('1d').floor(t)).toBe(Date.UTC(2024, 4, 15));
    // Weeks open on Monday 00:00 UTC.
    expect(iv('1w').floor(t)).toBe(Date.UTC(2024, 4, 13));
    expect(new Date(iv('1w').floor(t)).getUTCDay()).toBe(1);
    expect(iv('1w').floor(Date.UTC(2024, 4, 13))).toBe(Date.UTC(2024, 4, 13));
    expect(iv('1w').floor(Date.UTC(2024, 4, 12, 23, 59))).toBe(Date.UTC(2024, 4, 6));
    expect(iv('1M').floor(t)).toBe(Date.UTC(2024, 4, 1));
    expect(iv('1M').next(Date.UTC(2024, 11, 1))).toBe(Date.UTC(2025, 0, 1));
    expect(iv('1M').prev(Date.UTC(2024, 0, 1))).toBe(Date.UTC(2023, 11, 1));
  });

  it('has every Binance interval from 1m to 1M', () => {
    expect([...INTERVALS.keys()]).toEqual([
      '1m',
      '3m',
      '5m',
      '15m',
      '30m',
      '1h',
      '2h',
      '4h',
      '6h',
      '8h',
      '12h',
      '1d',
      '3d',
      '1w',
      '1M',
    ]);
  });
});

describe('KlineStore', () => {
  const origin = Date.UTC(2024, 0, 1); // a Monday
  const make = () => new KlineStore(origin, 1000, 10);

  it('builds 1m candles from trades and fills quiet minutes with the last close', () => {
    const k = make();
    k.addTrade(origin + 5_000, 1001, 2, 20.02, true, 1);
    k.addTrade(origin + 20_000, 999, 1, 9.99, false, 2);
    k.addTrade(origin + 50_000, 1003, 3, 30.09, true, 3);
    k.rollTo(origin + 3 * MINUTE + 1);
    const rows = k.query(iv('1m'), { limit: 10 });
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatchObject({
      openTime: origin,
      closeTime: origin + MINUTE - 1,
      open: 1001,
      high: 1003,
      low: 999,
      close: 1003,
      volume: 6,
      trades: 3,
      takerBuyVolume: 5,
      firstTradeId: 1,
      lastTradeId: 3,
    });
    expect(rows[0]?.quoteVolume).toBeCloseTo(60.1, 9);
    expect(rows[1]).toMatchObject({
      open: 1003,
      high: 1003,
      low: 1003,
      close: 1003,
      volume: 0,
      trades: 0,
      firstTradeId: -1,
    });
    expect(rows[3]?.openTime).toBe(origin + 3 * MINUTE);
  });

  it('aggregates higher intervals from 1m candles', () => {
    const k = make();
    // One trade per minute for 3 hours, price = minute index.
    for (let i = 0; i < 180; i++) k.addTrade(origin + i * MINUTE + 1, 2000 + i, 1, 1, i % 2 === 0, i + 1);
    k.rollTo(origin + 180 * MINUTE - 1);
    const hours = k.query(iv('1h'), { limit: 10 });
    expect(hours.map((h) => [h.openTime, h.open, h.high, h.low, h.close, h.volume, h.trades])).toEqual([
      [origin, 2000, 2059, 2000, 2059, 60, 60],
      [origin + HOUR, 2060, 2119, 2060, 2119, 60, 60],
      [origin + 2 * HOUR, 2120, 2179, 2120, 2179, 60, 60],
    ]);
    expect(hours[1]?.firstTradeId).toBe(61);
    expect(hours[1]?.lastTradeId).toBe(120);
    expect(hours[1]?.closeTime).toBe(origin + 2 * HOUR - 1);
    const five = k.query(iv('5m'), { limit: 1000 });
    expect(five).toHaveLength(36);
    expect(five[0]).toMatchObject({ open: 2000, close: 2004, high: 2004, low: 2000, volume: 5 });
  });

  it('selects by startTime / endTime / limit like Binance', () => {
    const k = make();
    k.rollTo(origin + 100 * MINUTE);
    const m = iv('1m');
    expect(k.query(m, { limit: 500 })).toHaveLength(101);
    // Most recent `limit`, ending with the open candle.
    const last3 = k.query(m, { limit: 3 });
    expect(last3.map((c) => c.openTime)).toEqual([98, 99, 100].map((i) => origin + i * MINUTE));
    // startTime: first candles opening at or after it (a mid-minute start skips that minute).
    expect(k.query(m, { startTime: origin + 10 * MINUTE, limit: 2 }).map((c) => c.openTime)).toEqual([
      origin + 10 * MINUTE,
      origin + 11 * MINUTE,
    ]);
    expect(k.query(m, { startTime: origin + 10 * MINUTE + 1, limit: 1 })[0]?.openTime).toBe(
      origin + 11 * MINUTE,
    );
    // endTime: candles opening at or before it.
    expect(k.query(m, { endTime: origin + 20 * MINUTE + 5, limit: 2 }).map((c) => c.openTime)).toEqual([
      origin + 19 * MINUTE,
      origin + 20 * MINUTE,
    ]);
    expect(
      k.query(m, { startTime: origin + 5 * MINUTE, endTime: origin + 7 * MINUTE, limit: 100 }),
    ).toHaveLength(3);
    // Before the history and after now: clipped, never invented.
    expect(k.query(m, { startTime: origin - DAY, limit: 2 })[0]?.openTime).toBe(origin);
    expect(k.query(m, { startTime: origin + DAY, limit: 2 })).toEqual([]);
    expect(k.query(m, { endTime: origin - 1, limit: 2 })).toEqual([]);
  });

  it('aggregates weeks from the Monday and days from midnight, including the open candle', () => {
    const k = new KlineStore(origin + 2 * DAY, 500, 10); // history starts on a Wednesday
    k.addTrade(origin + 2 * DAY + 1, 510, 1, 1, true, 1);
    k.addTrade(origin + 8 * DAY + 1, 490, 1, 1, true, 2);
    k.rollTo(origin + 8 * DAY + 12 * HOUR);
    const weeks = k.query(iv('1w'), { limit: 10 });
    expect(weeks.map((w) => [w.openTime, w.open, w.close])).toEqual([
      [origin, 510, 510],
      [origin + 7 * DAY, 510, 490],
    ]);
    const days = k.query(iv('1d'), { limit: 100 });
    expect(days).toHaveLength(7);
    expect(days.at(-1)?.openTime).toBe(origin + 8 * DAY);
    expect(days.at(-1)?.closeTime).toBe(origin + 9 * DAY - 1);
  });

  it('grows past its initial capacity and bumps its version on trades', () => {
    const k = make();
    const v0 = k.version;
    k.addTrade(origin + 1, 1000, 1, 1, true, 1);
    expect(k.version).toBe(v0 + 1);
    k.rollTo(origin + 5 * DAY);
    expect(k.length).toBe(5 * 1440 + 1);
    expect(k.query(iv('1d'), { limit: 10 })).toHaveLength(6);
  });
});
