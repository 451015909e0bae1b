import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { moneyWeightedReturn } from './money-weighted-return.js';
import { timeWeightedReturn } from './time-weighted-return.js';

const DAY = 86_400_000;
const t0 = Date.UTC(2025, 0, 1);

describe('timeWeightedReturn', () => {
  it('chains sub-period returns with flows taken at the end of their sub-period', () => {
    // 100 -> 110 (+10 %), then a deposit of 50 lands by day 2 where the value is 165: (165 - 50) / 110.
    const points = [
      { time: t0, value: 100 },
      { time: t0 + DAY, value: 110 },
      { time: t0 + 2 * DAY, value: 165 },
    ];
    const twr = timeWeightedReturn(points, [{ time: t0 + 2 * DAY, amount: 50 }]);
    expect(twr).toBeCloseTo(1.1 * (115 / 110) - 1, 15);
    // A flow at the very first point belongs to no sub-period; one after the last is outside the span.
    expect(
      timeWeightedReturn(points, [
        { time: t0, amount: 999 },
        { time: t0 + 2 * DAY, amount: 50 },
        { time: t0 + 3 * DAY, amount: 7 },
      ]),
    ).toBe(twr);
  });

  it('a deposit followed by no market move is not performance', () => {
    const points = [
      { time: t0, value: 1000 },
      { time: t0 + 5 * DAY, value: 1500 },
    ];
    expect(timeWeightedReturn(points, [{ time: t0 + DAY, amount: 500 }])).toBe(0);
  });

  it('with no flows equals end / start - 1, whatever the path', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 30 }),
        (values) => {
          const points = values.map((value, i) => ({ time: t0 + i * DAY, value }));
          const twr = timeWeightedReturn(points, []) as number;
          const direct = (values.at(-1) as number) / (values[0] as number) - 1;
          expect(Math.abs(twr - direct)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(direct)));
        },
      ),
    );
  });

  it('is null with fewer than two points or a non-positive base, and sorts its input', () => {
    expect(timeWeightedReturn([{ time: t0, value: 1 }], [])).toBeNull();
    expect(
      timeWeightedReturn(
        [
          { time: t0, value: 0 },
          { time: t0 + DAY, value: 10 },
        ],
        [],
      ),
    ).toBeNull();
    expect(
      timeWeightedReturn(
        [
          { time: t0 + DAY, value: 120 },
          { time: t0, value: 100 },
        ],
        [],
      ),
    ).toBeCloseTo(0.2, 15);
  });
});

describe('moneyWeightedReturn', () => {
  it('solves the IRR with a mid-period deposit', () => {
    // 100 for a year plus 100 for half of it grows to 220: 100 x^2 + 100 x = 220 with x = sqrt(1 + r).
    const x = (-1 + Math.sqrt(1 + 8.8)) / 2;
    const mwr = moneyWeightedReturn({ time: t0, value: 100 }, [{ time: t0 + 182.5 * DAY, amount: 100 }], {
      time: t0 + 365 * DAY,
      value: 220,
    });
    expect(mwr?.annualised).toBeCloseTo(x * x - 1, 12);
    expect(mwr?.period).toBeCloseTo(x * x - 1, 12);
  });

  it('annualises over Actual/365 and reports the period return beside it', () => {
    const mwr = moneyWeightedReturn({ time: t0, value: 100 }, [], { time: t0 + 730 * DAY, value: 121 });
    expect(mwr?.annualised).toBeCloseTo(0.1, 12);
    expect(mwr?.period).toBeCloseTo(0.21, 12);
  });

  it('counts withdrawals as money taken out', () => {
    // 100 in, 60 out at mid-year, 50 left at the end: 100 x^2 - 60 x = 50.
    const x = (60 + Math.sqrt(3600 + 20000)) / 200;
    const mwr = moneyWeightedReturn({ time: t0, value: 100 }, [{ time: t0 + 182.5 * DAY, amount: -60 }], {
      time: t0 + 365 * DAY,
      value: 50,
    });
    expect(mwr?.annualised).toBeCloseTo(x * x - 1, 12);
  });

  it('with no flows equals the two-point TWR', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e6, noNaN: true }),
        fc.double({ min: 0.05, max: 20, noNaN: true }),
        fc.integer({ min: 1, max: 3650 }),
        (start, growth, days) => {
          const end = { time: t0 + days * DAY, value: start * growth };
          const mwr = moneyWeightedReturn({ time: t0, value: start }, [], end);
          const twr = timeWeightedReturn([{ time: t0, value: start }, end], []) as number;
          expect(mwr).not.toBeNull();
          expect(Math.abs((mwr?.period as number) - twr)).toBeLessThanOrEqual(
            1e-12 * Math.max(1, Math.abs(twr)),
          );
        },
      ),
    );
  });

  it('is null when the span is empty or no rate can explain the end value', () => {
    expect(moneyWeightedReturn({ time: t0, value: 100 }, [], { time: t0, value: 110 })).toBeNull();
    // Money only ever added, yet nothing left and no negative rate reaches exactly zero.
    expect(
      moneyWeightedReturn({ time: t0, value: 100 }, [{ time: t0 + DAY, amount: 50 }], {
        time: t0 + 2 * DAY,
        value: 0,
      }),
    ).toBeNull();
  });
});
