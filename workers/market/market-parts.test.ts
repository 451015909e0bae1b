import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';
import { CandleSeries, columnsFromRows, type OhlcvRow } from './candle-series.js';
import { timeframeMs } from './timeframes.js';
import { TradeTape } from './trade-tape.js';

describe('CandleSeries', () => {
  const t0 = Date.UTC(2026, 0, 5, 10, 0);

  it('aggregates trades into UTC-aligned candles: open, high, low, close and volume', () => {
    const s = new CandleSeries('5m');
    s.applyTrade(t0 + 1_000, 100, 1);
    s.applyTrade(t0 + 60_000, 103, 2);
    s.applyTrade(t0 + 120_000, 98, 0.5);
    s.applyTrade(t0 + 299_999, 101, 1);
    s.applyTrade(t0 + 300_000, 102, 4);
    expect(s.length).toBe(2);
    expect(s.row(0)).toEqual([t0, 100, 103, 98, 101, 4.5]);
    expect(s.row(1)).toEqual([t0 + 300_000, 102, 102, 102, 102, 4]);
  });

  it('lets exchange klines replace what trades built, and ignores trades older than the last candle', () => {
    const s = new CandleSeries('1m');
    s.applyTrade(t0 + 5_000, 10, 1);
    s.merge(columnsFromRows([[t0, 9, 11, 8, 10.5, 30]]));
    expect(s.row(0)).toEqual([t0, 9, 11, 8, 10.5, 30]);
    s.applyTrade(t0 + 65_000, 12, 1);
    expect(s.applyTrade(t0 + 1_000, 1, 1)).toBe(-1);
    expect(s.row(0)[3]).toBe(8);
    expect(s.length).toBe(2);
  });

  it('merges overlapping, unordered history into one sorted series with the newest data winning', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 1000 })), {
            maxLength: 40,
          }),
          {
            maxLength: 6,
          },
        ),
        (batches) => {
          const s = new CandleSeries('1m', 100);
          const want = new Map<number, number>();
          for (const batch of batches) {
            const rows: OhlcvRow[] = batch.map(([k, p]) => [t0 + k * 60_000, p, p, p, p, 1]);
            s.merge(columnsFromRows(rows));
            for (const [k, p] of batch) want.set(t0 + k * 60_000, p);
          }
          const times = [...want.keys()].sort((a, b) => a - b).slice(-100);
          const got = s.columns();
          expect([...got.time]).toEqual(times);
          times.forEach((t, i) => expect(got.close[i]).toBe(want.get(t)));
        },
      ),
    );
  });

  it('keeps only the newest candles when full', () => {
    const s = new CandleSeries('1m', 50);
    for (let i = 0; i < 120; i++) s.applyTrade(t0 + i * timeframeMs['1m'], i, 1);
    expect(s.length).toBeLessThanOrEqual(50);
    expect(s.row(s.length - 1)[4]).toBe(119);
    const cols = s.columns();
    for (let i = 1; i < cols.time.length; i++) expect(cols.time[i]! - cols.time[i - 1]!).toBe(60_000);
  });
});

describe('TradeTape', () => {
  it('skips trades it already holds, sorts late arrivals and stays bounded', () => {
    const tape = new TradeTape(3);
    const tr = (id: string, time: number) => ({ id, time, price: 1, amount: 1, side: 'buy' as const });
    expect(tape.add([tr('a', 1), tr('b', 2)]).map((t) => t.id)).toEqual(['a', 'b']);
    expect(tape.add([tr('b', 2), tr('c', 3)]).map((t) => t.id)).toEqual(['c']);
    tape.add([tr('z', 0)]);
    expect(tape.recent().map((t) => t.id)).toEqual(['a', 'b', 'c']);
    tape.add([tr('d', 4)]);
    expect(tape.recent().map((t) => t.id)).toEqual(['b', 'c', 'd']);
    // An evicted id may come back (a REST refill) and counts as new again.
    expect(tape.length).toBe(3);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially, is capped, and jitters within the upper half', () => {
    const policy = { baseMs: 100, maxMs: 5_000 };
    expect(backoffDelay(0, policy, () => 0)).toBe(50);
    expect(backoffDelay(0, policy, () => 1)).toBe(100);
    expect(backoffDelay(3, policy, () => 0)).toBe(400);
    expect(backoffDelay(20, policy, () => 1)).toBe(5_000);
    fc.assert(
      fc.property(fc.nat(40), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        const d = backoffDelay(attempt, policy, () => r);
        const ceiling = Math.min(5_000, 100 * 2 ** attempt);
        expect(d).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(d).toBeLessThanOrEqual(ceiling);
      }),
    );
  });
});
