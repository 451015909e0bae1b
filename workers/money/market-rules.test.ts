import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MarketInfo } from '../market/types.js';
import { Decimal, dec } from './decimal.js';
import {
  checkMarketRules,
  defaultFeeRate,
  rulesOf,
  snapAmount,
  snapPrice,
  type MarketRules,
  type RuleViolation,
} from './market-rules.js';

const btc: MarketInfo = {
  symbol: 'BTC/USDT',
  id: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  active: true,
  tickSize: 0.01,
  stepSize: 0.00001,
  minAmount: 0.0001,
  minNotional: 5,
  priceDecimals: 2,
  amountDecimals: 5,
  maker: 0.0008,
  taker: null,
};

const rules = rulesOf(btc);
const codes = (v: RuleViolation[]) => v.map((x) => `${x.field}:${x.code}`);

/** The amount suggested by a below-min-notional message ("raise the amount to at least X BTC"). */
function suggestedAmount(v: RuleViolation): Decimal {
  const m = /at least (\S+) /.exec(v.message);
  expect(m, v.message).not.toBeNull();
  return dec(m![1]!);
}

describe('rulesOf', () => {
  it('turns a MarketInfo into exact decimal rules', () => {
    expect(rules.symbol).toBe('BTC/USDT');
    expect(rules.base).toBe('BTC');
    expect(rules.quote).toBe('USDT');
    expect(rules.tick.toString()).toBe('0.01');
    expect(rules.step.toString()).toBe('0.00001');
    expect(rules.minAmount?.toString()).toBe('0.0001');
    expect(rules.minNotional?.toString()).toBe('5');
    expect(rules.maker.toString()).toBe('0.0008');
    // No published taker fee: the stated default, never zero.
    expect(rules.taker.toString()).toBe(defaultFeeRate);
    expect(rules.taker.isPositive()).toBe(true);
    expect(rules.priceDecimals).toBe(2);
    expect(rules.amountDecimals).toBe(5);
  });

  it('reads float precisions written with exponents exactly', () => {
    const r = rulesOf({ ...btc, tickSize: 1e-8, stepSize: 1e-7, minNotional: 0.1, maker: 0, taker: 0.00075 });
    expect(r.tick.toString()).toBe('0.00000001');
    expect(r.step.toString()).toBe('0.0000001');
    expect(r.minNotional?.toString()).toBe('0.1');
    expect(r.maker.isZero()).toBe(true);
    expect(r.taker.toString()).toBe('0.00075');
  });

  it('treats missing, zero or negative minimums as none', () => {
    for (const v of [null, 0, -1]) {
      const r = rulesOf({ ...btc, minAmount: v, minNotional: v });
      expect(r.minAmount).toBeNull();
      expect(r.minNotional).toBeNull();
    }
    const none = rulesOf({ ...btc, maker: null, taker: null });
    expect(none.maker.toString()).toBe(defaultFeeRate);
    expect(none.taker.toString()).toBe(defaultFeeRate);
  });
});

describe('snapPrice and snapAmount', () => {
  it('floors buys and ceils sells to the tick', () => {
    expect(snapPrice(rules, dec('100.129'), 'buy').toString()).toBe('100.12');
    expect(snapPrice(rules, dec('100.121'), 'sell').toString()).toBe('100.13');
    expect(snapPrice(rules, dec('100.12'), 'buy').toString()).toBe('100.12');
    expect(snapPrice(rules, dec('100.12'), 'sell').toString()).toBe('100.12');
    const coarse = rulesOf({ ...btc, tickSize: 0.5 });
    expect(snapPrice(coarse, dec('101.4'), 'buy').toString()).toBe('101');
    expect(snapPrice(coarse, dec('101.1'), 'sell').toString()).toBe('101.5');
  });

  it('floors amounts to the lot', () => {
    expect(snapAmount(rules, dec('0.123456789')).toString()).toBe('0.12345');
    expect(snapAmount(rules, dec('0.12345')).toString()).toBe('0.12345');
    expect(snapAmount(rules, dec('0.000009')).toString()).toBe('0');
    const lots = rulesOf({ ...btc, stepSize: 25 });
    expect(snapAmount(lots, dec('1249.99')).toString()).toBe('1225');
  });

  it('never worsens a limit and never exceeds the asked amount', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.integer({ min: 0, max: 8 }),
        fc.constantFrom(0.01, 0.5, 1e-8, 5, 0.25),
        fc.constantFrom(0.00001, 1, 0.001, 10),
        (units, scale, tickSize, stepSize) => {
          const r = rulesOf({ ...btc, tickSize, stepSize });
          const x = dec(`${units}e-${scale}`);
          const buy = snapPrice(r, x, 'buy');
          const sell = snapPrice(r, x, 'sell');
          expect(buy.lte(x) && x.sub(buy).lt(r.tick) && buy.isMultipleOf(r.tick)).toBe(true);
          expect(sell.gte(x) && sell.sub(x).lt(r.tick) && sell.isMultipleOf(r.tick)).toBe(true);
          const a = snapAmount(r, x);
          expect(a.lte(x) && x.sub(a).lt(r.step) && a.isMultipleOf(r.step)).toBe(true);
        },
      ),
    );
  });
});

describe('checkMarketRules', () => {
  it('reports nothing for a valid order', () => {
    expect(checkMarketRules(rules, dec('0.01'), dec('65000.12'))).toEqual([]);
    expect(checkMarketRules(rules, dec('0.0001'), dec('50000'), dec('49000.5'))).toEqual([]);
    // Market order: no limit price to check, the estimate only feeds the notional check.
    expect(checkMarketRules(rules, dec('0.001'), dec('65000.123'), null, false)).toEqual([]);
    expect(checkMarketRules(rules, dec('0.001'), null)).toEqual([]);
  });

  it('refuses amounts that are not positive and stops there', () => {
    for (const a of ['0', '-0.001']) {
      const v = checkMarketRules(rules, dec(a), dec('0.001'));
      expect(codes(v)).toEqual(['amount:not-positive']);
    }
  });

  it('reports an off-tick price with a suggestion on the tick', () => {
    const v = checkMarketRules(rules, dec('0.01'), dec('65000.123'));
    expect(codes(v)).toEqual(['price:off-tick']);
    expect(v[0]!.message).toContain('0.01 USDT');
    expect(v[0]!.message).toContain('try 65000.12');
  });

  it('reports an off-tick or non-positive trigger as stopPrice', () => {
    expect(codes(checkMarketRules(rules, dec('0.01'), dec('65000'), dec('64000.005')))).toEqual([
      'stopPrice:off-tick',
    ]);
    expect(codes(checkMarketRules(rules, dec('0.01'), null, dec('0')))).toEqual(['stopPrice:not-positive']);
    expect(codes(checkMarketRules(rules, dec('0.01'), dec('-1')))).toEqual(['price:not-positive']);
  });

  it('does not tick-check the price of a market order', () => {
    const v = checkMarketRules(rules, dec('0.01'), dec('65000.123'), null, false);
    expect(v).toEqual([]);
  });

  it('reports an off-lot amount with the floored amount as a suggestion', () => {
    const v = checkMarketRules(rules, dec('0.123456'), dec('65000'));
    expect(codes(v)).toEqual(['amount:off-lot']);
    expect(v[0]!.message).toContain('0.00001 BTC');
    expect(v[0]!.message).toContain('try 0.12345');
  });

  it('reports an amount below the minimum', () => {
    const v = checkMarketRules(rules, dec('0.00009'), dec('100000'));
    expect(codes(v)).toEqual(['amount:below-min-amount']);
    expect(v[0]!.message).toContain('0.0001 BTC');
  });

  it('reports an order value below the minimum notional, with an amount that passes', () => {
    const price = dec('30000');
    const v = checkMarketRules(rules, dec('0.0001'), price);
    expect(codes(v)).toEqual(['amount:below-min-notional']);
    expect(v[0]!.message).toContain('3.00 USDT');
    const suggested = suggestedAmount(v[0]!);
    // 5 / 30000 = 0.000166…, up to the lot: 0.00017.
    expect(suggested.toString()).toBe('0.00017');
    expect(checkMarketRules(rules, suggested, price)).toEqual([]);
    // And it is the smallest one: one lot less is below the minimum again.
    expect(codes(checkMarketRules(rules, suggested.sub(rules.step), price))).toEqual([
      'amount:below-min-notional',
    ]);
  });

  it('checks the notional against the estimated price of a market order too', () => {
    const v = checkMarketRules(rules, dec('0.0001'), dec('30000.005'), null, false);
    expect(codes(v)).toEqual(['amount:below-min-notional']);
  });

  it('reports several violations at once', () => {
    const v = checkMarketRules(rules, dec('0.000011'), dec('100.001'), dec('99.999'));
    expect(codes(v).sort()).toEqual(
      [
        'amount:off-lot',
        'amount:below-min-amount',
        'price:off-tick',
        'stopPrice:off-tick',
        'amount:below-min-notional',
      ].sort(),
    );
  });

  it('without minimums only tick and lot matter', () => {
    const bare: MarketRules = rulesOf({ ...btc, minAmount: null, minNotional: null });
    expect(checkMarketRules(bare, dec('0.00001'), dec('0.01'))).toEqual([]);
  });

  it('the suggested minimum-notional amount always passes and is the smallest lot that does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom(
          { tickSize: 0.01, stepSize: 0.00001, priceDecimals: 2, amountDecimals: 5 },
          { tickSize: 0.5, stepSize: 0.001, priceDecimals: 1, amountDecimals: 3 },
          { tickSize: 0.0001, stepSize: 1, priceDecimals: 4, amountDecimals: 0 },
          { tickSize: 1e-8, stepSize: 0.1, priceDecimals: 8, amountDecimals: 1 },
        ),
        fc.constantFrom(1, 5, 10, 0.5, 100),
        (ticks, lots, precision, minNotional) => {
          const r = rulesOf({ ...btc, ...precision, minAmount: null, minNotional });
          const price = r.tick.mul(ticks);
          const amount = r.step.mul(lots);
          const v = checkMarketRules(r, amount, price);
          const below = amount.mul(price).lt(r.minNotional!);
          expect(codes(v)).toEqual(below ? ['amount:below-min-notional'] : []);
          if (!below) return;
          const suggested = suggestedAmount(v[0]!);
          expect(checkMarketRules(r, suggested, price)).toEqual([]);
          expect(suggested.sub(r.step).mul(price).lt(r.minNotional!)).toBe(true);
        },
      ),
    );
  });
});
