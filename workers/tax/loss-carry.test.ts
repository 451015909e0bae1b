import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../money/decimal.js';
import { carryLossesForward } from './loss-carry.js';
import { summarise } from './summary.js';
import type { Match, TaxSummary } from './types.js';

function match(gain: number, eligible: boolean): Match {
  return {
    sell_trade: 1,
    sale_date: '2023-01-01',
    lot: 'L1',
    acquired: '2021-01-01',
    qty: Decimal.ONE,
    unit_cost_base: Decimal.ZERO,
    unit_net_proceeds: Decimal.ZERO,
    cost_base: Decimal.ZERO,
    proceeds: Decimal.from(gain),
    gain: Decimal.from(gain),
    days_held: eligible ? 730 : 30,
    twelve_month_anniversary: '2022-01-01',
    discount_eligible: eligible,
    discount_applied: eligible && gain > 0,
  };
}

const year = (...gains: Array<[number, boolean]>): TaxSummary =>
  summarise(
    gains.map(([g, e]) => match(g, e)),
    'AU',
  );
const text = (ys: ReturnType<typeof carryLossesForward>) =>
  ys.map((y) => [y.broughtForward.toString(), y.netCapitalGain.toString(), y.carriedForward.toString()]);

describe('net capital losses carried to later years', () => {
  it('a loss of 1,000 in one year reduces the next year’s short-held gain of 3,000 to 2,000', () => {
    expect(text(carryLossesForward([year([-1000, false]), year([3000, false])], 'AU'))).toEqual([
      ['0', '-1000', '1000'],
      ['1000', '2000', '0'],
    ]);
  });

  it('applies the loss to non-discount gains first, then to eligible gains before the 50% discount', () => {
    // 1,500 brought forward: 1,000 against the short-held gain, 500 against the eligible 4,000, then half.
    expect(text(carryLossesForward([year([-1500, true]), year([1000, false], [4000, true])], 'AU'))).toEqual([
      ['0', '-1500', '1500'],
      ['1500', '1750', '0'],
    ]);
  });

  it('keeps carrying what a small gain leaves, and adds a later loss to it', () => {
    expect(
      text(
        carryLossesForward(
          [year([-1000, false]), year([300, true]), year([-200, false]), year([5000, false])],
          'AU',
        ),
      ),
    ).toEqual([
      ['0', '-1000', '1000'],
      ['1000', '0', '700'],
      ['700', '-900', '900'],
      ['900', '4100', '0'],
    ]);
  });

  it('without a jurisdiction every gain is taxed in full after the carried loss', () => {
    const none = (g: number, e: boolean) => summarise([match(g, e)], 'none');
    expect(text(carryLossesForward([none(-100, true), none(250, true)], 'none'))).toEqual([
      ['0', '-100', '100'],
      ['100', '150', '0'],
    ]);
  });

  it('a year with nothing brought forward keeps its own net; a carried loss only ever lowers a gain', () => {
    const gains = fc.array(fc.tuple(fc.integer({ min: -5000, max: 5000 }), fc.boolean()), { maxLength: 5 });
    fc.assert(
      fc.property(fc.array(gains, { minLength: 1, maxLength: 5 }), (years) => {
        const sums = years.map((g) => year(...g));
        const carried = carryLossesForward(sums, 'AU');
        let carry = Decimal.ZERO;
        for (const [k, s] of sums.entries()) {
          const c = carried[k]!;
          const own = s.net_capital_gain_after_discount;
          expect(c.broughtForward.eq(carry)).toBe(true);
          expect(c.carriedForward.isNegative()).toBe(false);
          if (carry.isZero()) expect(c.netCapitalGain.eq(own)).toBe(true);
          if (own.isNegative()) expect(c.carriedForward.eq(carry.sub(own))).toBe(true);
          else expect(c.netCapitalGain.lte(own) && c.carriedForward.lte(carry)).toBe(true);
          carry = c.carriedForward;
        }
      }),
    );
  });
});
