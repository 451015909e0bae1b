import { describe, expect, it } from 'vitest';
import { Decimal, dec } from '../money/decimal.js';
import { summarise } from './summary.js';
import type { Match, TaxSummary } from './types.js';

/** A match that only carries what the summary reads: its gain and discount eligibility. */
function match(gain: number | string, eligible: boolean): Match {
  return {
    sell_trade: 1,
    sale_date: '2023-01-01',
    lot: 'L1',
    acquired: '2021-01-01',
    qty: Decimal.ONE,
    unit_cost_base: Decimal.ZERO,
    unit_net_proceeds: Decimal.ZERO,
    cost_base: Decimal.ZERO,
    proceeds: dec(gain),
    gain: dec(gain),
    days_held: 730,
    twelve_month_anniversary: '2022-01-01',
    discount_eligible: eligible,
    discount_applied: eligible && dec(gain).isPositive(),
  };
}

function text(s: TaxSummary): Record<string, string> {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, (v as Decimal).toString()]));
}

describe('netting losses the ATO way', () => {
  it('takes losses from non-discount gains first and discounts what is left of the eligible gains', () => {
    // non-discount 100, eligible 300, losses 40: 100 - 40 = 60 non-discount; 60 + 300 / 2 = 210.
    const s = summarise([match(100, false), match(300, true), match(-40, false)], 'AU');
    expect(text(s)).toEqual({
      gross_gains: '400',
      losses: '40',
      nondiscount_gains: '100',
      discount_eligible_gains: '300',
      net_realised: '360',
      net_capital_gain_after_discount: '210',
    });
  });

  it('takes the rest from eligible gains when losses exceed the non-discount gains', () => {
    // losses 150: 100 from non-discount, 50 from eligible; (300 - 50) / 2 = 125.
    const s = summarise([match(100, false), match(300, true), match(-150, true)], 'AU');
    expect(s.net_capital_gain_after_discount.toString()).toBe('125');
    expect(s.net_realised.toString()).toBe('250');
    expect(s.losses.toString()).toBe('150');
  });

  it('never discounts a loss: losses larger than all gains leave a negative net, the loss carried forward', () => {
    // losses 500 against gains 400: 100 is not absorbed, and it stays 100 (not 50).
    const s = summarise([match(100, false), match(300, true), match(-500, true)], 'AU');
    expect(s.net_capital_gain_after_discount.toString()).toBe('-100');
    expect(s.net_realised.toString()).toBe('-100');
  });

  it('counts every gain in full without a jurisdiction', () => {
    const s = summarise([match(100, false), match(300, true), match(-150, true)], 'none');
    expect(text(s)).toEqual({
      gross_gains: '400',
      losses: '150',
      nondiscount_gains: '400',
      discount_eligible_gains: '0',
      net_realised: '250',
      net_capital_gain_after_discount: '250',
    });
  });

  it('gives zeros for no matches', () => {
    expect(Object.values(text(summarise([], 'AU')))).toEqual(['0', '0', '0', '0', '0', '0']);
  });

  it('keeps exact cents and halves of cents', () => {
    const s = summarise([match('0.03', true), match('0.1', false), match('-0.05', false)], 'AU');
    // 0.10 - 0.05 = 0.05 non-discount; 0.03 / 2 = 0.015.
    expect(s.net_capital_gain_after_discount.toString()).toBe('0.065');
  });
});
