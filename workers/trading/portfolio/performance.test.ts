import { describe, expect, it } from 'vitest';
import type { CashFlow, Series } from './api.js';
import { equityHistory, flowAdjustedIndex, measure, performance, periodStart } from './performance.js';

const H = 3_600_000;
const DAY = 24 * H;
const t0 = Date.UTC(2026, 0, 10);

function series(points: Array<[number, number]>): Series {
  return {
    times: Float64Array.from(points.map((p) => p[0])),
    values: Float64Array.from(points.map((p) => p[1])),
  };
}

function flow(accountId: string, time: number, value: number, origin: CashFlow['origin'] = 'user'): CashFlow {
  return {
    id: `${accountId}-${time}`,
    accountId,
    time,
    asset: 'USDT',
    amount: String(value),
    value,
    note: '',
    origin,
  };
}

describe('performance with deposits and withdrawals', () => {
  it('a deposit is not a gain: equity doubles by a deposit and the return is that of the market alone', () => {
    // 1,000 grows 10 %, then 1,100 is deposited (a point on each side), then everything grows 10 % again.
    const s = series([
      [t0, 1000],
      [t0 + H, 1100],
      [t0 + 2 * H - 1, 1100],
      [t0 + 2 * H, 2200],
      [t0 + 3 * H, 2420],
    ]);
    const history = equityHistory(new Map([['a', s]]), [
      flow('a', t0 - 1, 1000, 'auto'),
      flow('a', t0 + 2 * H, 1100),
    ]);
    const m = measure(history, t0, t0 + 3 * H)!;
    expect(m.twr).toBeCloseTo(0.21, 12);
    expect(m.pnl).toBeCloseTo(100 + 220, 9);
    // Money-weighted: the one rate at which 1,000 over 3 h and 1,100 over the last hour grow into 2,420.
    const r = m.mwr!;
    expect(1000 * (1 + r) + 1100 * (1 + r) ** (1 / 3)).toBeCloseTo(2420, 6);
  });

  it('a withdrawal is not a loss', () => {
    const s = series([
      [t0, 1000],
      [t0 + H - 1, 1000],
      [t0 + H, 400],
      [t0 + 2 * H, 400],
    ]);
    const history = equityHistory(new Map([['a', s]]), [flow('a', t0 - 5, 1000), flow('a', t0 + H, -600)]);
    const m = measure(history, t0, t0 + 2 * H)!;
    expect(m.twr).toBeCloseTo(0, 12);
    expect(m.pnl).toBeCloseTo(0, 9);
    expect([...flowAdjustedIndex(history).values]).toEqual([1, 1, 1, 1]);
  });

  it('an account that appears with money and no recorded deposit brings it in; it is not a gain', () => {
    const a = series([
      [t0, 1000],
      [t0 + DAY, 1010],
    ]);
    // A live account connected half-way with 5,000 on it: no flow was recorded for it.
    const b = series([
      [t0 + DAY / 2, 5000],
      [t0 + DAY, 5000],
    ]);
    const history = equityHistory(
      new Map([
        ['a', a],
        ['b', b],
      ]),
      [flow('a', t0 - 1, 1000, 'auto')],
    );
    // Each account's first value is its opening; a's deposit before its first point is inside it.
    expect(history.flows.map((f) => [f.time, f.amount])).toEqual([
      [t0, 1000],
      [t0 + DAY / 2, 5000],
    ]);
    const m = measure(history, t0, t0 + DAY)!;
    expect(m.pnl).toBeCloseTo(10, 9);
    // The 10 earned in the last half day were earned on 6,000, not on a deposit counted as profit.
    expect(m.twr).toBeCloseTo(10 / 6000, 12);
    // The series is split just before the new account arrives, so the return splits there.
    const ts = [...history.series.times];
    expect(ts).toContain(t0 + DAY / 2 - 1);
  });

  it('sums accounts on the union of their times, each at its latest value', () => {
    const history = equityHistory(
      new Map([
        [
          'a',
          series([
            [t0, 100],
            [t0 + 2 * H, 120],
          ]),
        ],
        [
          'b',
          series([
            [t0 + H, 50],
            [t0 + 3 * H, 40],
          ]),
        ],
      ]),
      [flow('a', t0, 100), flow('b', t0 + H, 50)],
    );
    // b's arrival is split just before it, so its opening is its own sub-period.
    expect([...history.series.times]).toEqual([t0, t0 + H - 1, t0 + H, t0 + 2 * H, t0 + 3 * H]);
    expect([...history.series.values]).toEqual([100, 100, 150, 170, 160]);
  });

  it('the value now counts as the last point of each account', () => {
    const history = equityHistory(
      new Map([['a', series([[t0, 100]])]]),
      [],
      new Map([['a', { time: t0 + H, equity: 105 }]]),
    );
    expect([...history.series.values]).toEqual([100, 105]);
  });

  it('reports every period, shorter histories said so, and the PnL in the quote', () => {
    const now = t0 + 10 * DAY;
    const s = series([
      [t0, 1000],
      [now - 2 * DAY, 1050],
      [now, 1100],
    ]);
    const out = performance(equityHistory(new Map([['a', s]]), [flow('a', t0, 1000, 'auto')]), now, 0.5);
    expect(out.map((p) => p.period)).toEqual(['1D', '1W', '1M', 'YTD', '1Y', 'All']);
    const day = out[0]!;
    expect(day.from).toBe(now - DAY);
    expect(day.twr).toBeCloseTo(1100 / 1050 - 1, 12);
    expect(day.pnl).toBeCloseTo(25, 9);
    expect(day.note).toBeNull();
    const month = out[2]!;
    expect(month.from).toBe(t0);
    expect(month.note).toMatch(/History starts 2026-01-10/);
    expect(out[5]!.twr).toBeCloseTo(0.1, 12);
    expect(out[5]!.note).toBeNull();
  });

  it('says so when there is no history', () => {
    const out = performance(equityHistory(new Map(), []), t0, 1);
    expect(out.every((p) => p.twr === null && p.note !== null)).toBe(true);
  });

  it('YTD starts on 1 January UTC', () => {
    expect(periodStart('YTD', Date.UTC(2026, 6, 4, 12), 0)).toBe(Date.UTC(2026, 0, 1));
  });
});

describe('flows matched to their own account (review fixes)', () => {
  const flat = (from: number, to: number, value: number, step = H) => {
    const points: Array<[number, number]> = [];
    for (let t = from; t <= to; t += step) points.push([t, value]);
    return series(points);
  };

  it('a flow of an account with no recorded equity is left out with a note, not booked as a loss', () => {
    // Scenario A: A flat at 1,000; B never recorded (an unpriced dust token); +500 recorded on B.
    const history = equityHistory(
      new Map([['A', flat(t0, t0 + 4 * H, 1000)]]),
      [flow('B', t0 + 2 * H, 500)],
      new Map(),
      (id) => `Account ${id}`,
    );
    const m = measure(history, t0, t0 + 4 * H)!;
    expect(m.twr).toBeCloseTo(0, 12);
    expect(m.pnl).toBeCloseTo(0, 9);
    expect(history.notes.join(' ')).toMatch(/1 deposit or withdrawal of Account B is left out/);
  });

  it('a flow dated before an account’s first point is inside its opening value, not a gain', () => {
    // Scenario C: A flat; B connected with 10,000, then an older deposit of 1,000 recorded on B.
    const history = equityHistory(
      new Map([
        ['A', flat(t0, t0 + 4 * H, 1000)],
        ['B', flat(t0 + 2 * H, t0 + 4 * H, 10_000)],
      ]),
      [flow('B', t0 + H, 1000)],
    );
    const m = measure(history, t0, t0 + 4 * H)!;
    expect(m.twr).toBeCloseTo(0, 12);
    expect(m.pnl).toBeCloseTo(0, 9);
    expect(history.notes).toEqual([]);
  });

  it('a flow between the point before the period and its start counts (its value is not in the start)', () => {
    // Flat account; +500 deposited at 120 between points at 100 and 200; the period starts at 130.
    const history = equityHistory(
      new Map([
        [
          'a',
          series([
            [t0 + 100, 1000],
            [t0 + 200, 1500],
          ]),
        ],
      ]),
      [flow('a', t0 + 120, 500)],
    );
    const m = measure(history, t0 + 130, t0 + 200)!;
    expect(m.twr).toBeCloseTo(0, 12);
    expect(m.pnl).toBeCloseTo(0, 9);
    expect(m.from).toBe(t0 + 130);
  });

  it('the flow-adjusted index restarts after the equity is wiped out instead of staying at 0', () => {
    const history = equityHistory(
      new Map([
        [
          'a',
          series([
            [t0, 1000],
            [t0 + H, 0],
            [t0 + 2 * H - 1, 0],
            [t0 + 2 * H, 500],
            [t0 + 3 * H, 550],
          ]),
        ],
      ]),
      [flow('a', t0 + 2 * H, 500)],
    );
    const index = flowAdjustedIndex(history);
    expect([...index.values]).toEqual([1, 0, 0, 1, 1.1]);
  });
});
