import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../money/decimal.js';
import type { MarketRules } from '../../money/market-rules.js';
import { defaultRiskLimits, type RiskLimits } from './limits.js';
import {
  checkOrder,
  formatNumber,
  formatValue,
  groupDigits,
  riskRules,
  type RiskCheck,
  type RiskContext,
  type RiskOrder,
  type RiskRule,
} from './risk-gate.js';

const D = (v: string | number | bigint) => Decimal.from(v);
const NOW = 1_700_000_000_000;

const rules: MarketRules = {
  symbol: 'BTC/USDT',
  base: 'BTC',
  quote: 'USDT',
  tick: D('0.01'),
  step: D('0.00001'),
  minAmount: D('0.00001'),
  minNotional: D('5'),
  maker: D('0.001'),
  taker: D('0.001'),
  priceDecimals: 2,
  amountDecimals: 5,
};

/** A buy of 0.1 BTC at 30,000 (3,000 USDT) that passes every rule with the default limits. */
function ctx(patch: Partial<RiskContext> = {}, order: Partial<RiskOrder> = {}): RiskContext {
  return {
    now: NOW,
    order: {
      symbol: 'BTC/USDT',
      side: 'buy',
      type: 'limit',
      amount: D('0.1'),
      price: D('30000'),
      stopPrice: null,
      refPrice: D('30000'),
      reduceOnly: false,
      ...order,
    },
    rules,
    mark: { price: 30000, time: NOW - 200 },
    positionAmount: D('0.2'),
    otherExposure: 10_000,
    openOrders: 3,
    dayPnl: -100,
    freeBase: D('0.2'),
    freeQuote: D('10000'),
    halt: null,
    ...patch,
  };
}

function checkOf(c: RiskContext, rule: RiskRule, limits: RiskLimits = defaultRiskLimits): RiskCheck {
  const found = checkOrder(c, limits).checks.find((x) => x.rule === rule);
  if (!found) throw new Error(`no ${rule} check`);
  return found;
}

function expectPass(c: RiskCheck, rule: RiskRule, ...numbers: string[]) {
  expect(c.rule).toBe(rule);
  expect(c.passed, c.message).toBe(true);
  for (const n of numbers) expect(c.message).toContain(n);
}

function expectFail(c: RiskCheck, rule: RiskRule, ...numbers: string[]) {
  expect(c.rule).toBe(rule);
  expect(c.passed, c.message).toBe(false);
  for (const n of numbers) expect(c.message).toContain(n);
}

describe('checkOrder', () => {
  it('passes a sound order on every rule, evaluating each one in order', () => {
    const d = checkOrder(ctx(), defaultRiskLimits);
    expect(d.checks.map((c) => c.rule)).toEqual(riskRules);
    expect(d.checks.filter((c) => !c.passed).map((c) => c.message)).toEqual([]);
    expect(d.ok).toBe(true);
    expect(d.firstFailure).toBeNull();
  });

  it('evaluates every rule even after a failure, and reports the first failure', () => {
    const d = checkOrder(
      ctx({ halt: { reason: 'the kill switch was pressed' }, openOrders: 50 }),
      defaultRiskLimits,
    );
    expect(d.ok).toBe(false);
    expect(d.checks).toHaveLength(riskRules.length);
    expect(d.firstFailure?.rule).toBe('halted');
    expect(d.checks.filter((c) => !c.passed).map((c) => c.rule)).toEqual(['halted', 'open-orders']);
  });

  describe('halted', () => {
    it('passes when armed', () => expectPass(checkOf(ctx(), 'halted'), 'halted'));
    it('fails with the reason when halted', () => {
      const c = checkOf(ctx({ halt: { reason: 'equity fell 1,050 since 00:00 UTC.' } }), 'halted');
      expectFail(c, 'halted', 'equity fell 1,050 since 00:00 UTC');
      expect(c.message).toBe('Trading is halted: equity fell 1,050 since 00:00 UTC.');
    });
    it('fails when the halt state is unreadable', () => {
      expectFail(checkOf(ctx({ halt: undefined as never }), 'halted'), 'halted', 'unreadable');
    });
    it('fails when a breaker setting is unusable', () => {
      const limits = { ...defaultRiskLimits, coolDownMs: NaN };
      expectFail(checkOf(ctx(), 'halted', limits), 'halted', 'Re-arm cool-down');
    });
  });

  describe('market-limits', () => {
    it('passes an order on the tick and lot above the minimums', () => {
      expectPass(
        checkOf(ctx(), 'market-limits'),
        'market-limits',
        '0.1 BTC',
        '30,000 USDT',
        '0.01',
        '0.00001',
      );
    });
    it('fails off the lot and the tick, listing every violation', () => {
      const c = checkOf(ctx({}, { amount: D('0.123456'), price: D('30000.005') }), 'market-limits');
      expectFail(c, 'market-limits', '0.00001', '0.12345', '0.01');
      expect(c.details.violations).toBe(2);
      expect(c.details['amount off-lot']).toContain('0.12345');
      expect(c.details['price off-tick']).toContain('0.01');
    });
    it('fails below the minimum order value, with the numbers', () => {
      const c = checkOf(ctx({}, { amount: D('0.0001') }), 'market-limits');
      expectFail(c, 'market-limits', '3.00 USDT', 'minimum of 5 USDT');
      expect(c.details['amount below-min-notional']).toBeDefined();
    });
    it('fails a limit order without a price and a market order with one', () => {
      expectFail(checkOf(ctx({}, { price: null }), 'market-limits'), 'market-limits', 'needs a limit price');
      expectFail(
        checkOf(ctx({}, { type: 'market' }), 'market-limits'),
        'market-limits',
        'takes no limit price',
      );
      expectFail(
        checkOf(ctx({}, { type: 'stop-limit', stopPrice: null }), 'market-limits'),
        'market-limits',
        'needs a trigger price',
      );
    });
    it('fails rules of another market', () => {
      expectFail(checkOf(ctx({}, { symbol: 'ETH/USDT' }), 'market-limits'), 'market-limits', 'ETH/USDT');
    });
  });

  describe('stale-data', () => {
    it('passes fresh data', () => {
      expectPass(checkOf(ctx(), 'stale-data'), 'stale-data', '200 ms', '10 s');
    });
    it('fails data older than the limit', () => {
      const c = checkOf(ctx({ mark: { price: 30000, time: NOW - 12_500 } }), 'stale-data');
      expectFail(c, 'stale-data', '12.5 s', '10 s');
      expect(c.details.ageMs).toBe(12_500);
    });
    it('fails without a mark, or with one from the future', () => {
      expectFail(checkOf(ctx({ mark: null }), 'stale-data'), 'stale-data', 'no market price for BTC/USDT');
      expectFail(
        checkOf(ctx({ mark: { price: 30000, time: NOW + 60_000 } }), 'stale-data'),
        'stale-data',
        '60 s',
      );
    });
    it('passes at exactly the limit', () => {
      expectPass(
        checkOf(ctx({ mark: { price: 30000, time: NOW - 10_000 } }), 'stale-data'),
        'stale-data',
        '10 s',
      );
    });
  });

  describe('price-band', () => {
    it('passes a limit near the mark', () => {
      expectPass(
        checkOf(ctx({}, { price: D('30600'), refPrice: D('30600') }), 'price-band'),
        'price-band',
        '30,600 USDT',
        '2 % above',
        '30,000',
        '5 % band',
      );
    });
    it('passes exactly at the band edge', () => {
      expectPass(
        checkOf(ctx({}, { price: D('28500'), refPrice: D('28500') }), 'price-band'),
        'price-band',
        '5 % below',
      );
    });
    it('fails a limit beyond the band', () => {
      expectFail(
        checkOf(ctx({}, { price: D('31600'), refPrice: D('31600') }), 'price-band'),
        'price-band',
        '31,600 USDT',
        '5.34 % above',
        '30,000',
        '5 % band',
      );
    });
    it('fails a trigger beyond the band', () => {
      const c = checkOf(
        ctx(
          {},
          {
            type: 'stop-limit',
            side: 'sell',
            price: D('29900'),
            stopPrice: D('25000'),
            refPrice: D('29900'),
          },
        ),
        'price-band',
      );
      expectFail(c, 'price-band', 'Trigger price 25,000 USDT', '16.67 % below');
    });
    it('passes market orders, which have no price to check', () => {
      expectPass(checkOf(ctx({}, { type: 'market', price: null }), 'price-band'), 'price-band', 'market');
    });
  });

  describe('order-notional', () => {
    it('passes an order within the limit', () => {
      expectPass(
        checkOf(ctx({}, { amount: D('0.04') }), 'order-notional'),
        'order-notional',
        'Order value 1,200 USDT is within the 10,000 USDT limit',
      );
    });
    it('fails an order over the limit and says how much would fit', () => {
      const c = checkOf(ctx({}, { amount: D('0.4') }), 'order-notional');
      expectFail(
        c,
        'order-notional',
        'Order value 12,000 USDT is over the limit of 10,000 USDT',
        '0.33333 BTC',
      );
      expect(c.details.notional).toBe('12000');
    });
    it('shows a value a hair over the limit as over it', () => {
      const c = checkOf(
        ctx({}, { amount: D('1'), price: D('10000.01'), refPrice: D('10000.01') }),
        'order-notional',
      );
      expectFail(c, 'order-notional', '10,000.01 USDT is over the limit of 10,000 USDT');
    });
  });

  describe('position', () => {
    it('passes a position within the limit at the mark', () => {
      expectPass(checkOf(ctx(), 'position'), 'position', '0.3 BTC', '9,000 USDT', '25,000 USDT');
    });
    it('fails a position over the limit at the mark', () => {
      const c = checkOf(
        ctx({ positionAmount: D('0.7'), freeBase: D('0.7') }, { amount: D('0.2') }),
        'position',
      );
      expectFail(c, 'position', '0.9 BTC', '27,000 USDT', '25,000 USDT');
      expect(c.details.after).toBe('0.9');
    });
    it('always passes a sell that lowers the position, even above the limit', () => {
      const c = checkOf(
        ctx({ positionAmount: D('5'), freeBase: D('5') }, { side: 'sell', amount: D('0.1') }),
        'position',
      );
      expectPass(c, 'position', 'from 5 to 4.9 BTC');
    });
    it('fails when the position is negative', () => {
      expectFail(checkOf(ctx({ positionAmount: D('-1') }), 'position'), 'position', '-1');
    });
  });

  describe('gross-exposure', () => {
    it('passes within the limit', () => {
      expectPass(
        checkOf(ctx(), 'gross-exposure'),
        'gross-exposure',
        '19,000 USDT',
        '9,000',
        '10,000',
        '50,000 USDT',
      );
    });
    it('fails over the limit', () => {
      expectFail(
        checkOf(ctx({ otherExposure: 45_000 }), 'gross-exposure'),
        'gross-exposure',
        '54,000 USDT',
        '9,000',
        '45,000',
        '50,000 USDT',
      );
    });
    it('passes an order that lowers the exposure even when over the limit', () => {
      expectPass(
        checkOf(ctx({ otherExposure: 90_000 }, { side: 'sell', amount: D('0.1') }), 'gross-exposure'),
        'gross-exposure',
        'lowers',
      );
    });
  });

  describe('open-orders', () => {
    it('passes below the count', () => {
      expectPass(
        checkOf(ctx({ openOrders: 49 }), 'open-orders'),
        'open-orders',
        'open order 50 of at most 50',
      );
    });
    it('fails at the count', () => {
      expectFail(
        checkOf(ctx({ openOrders: 50 }), 'open-orders'),
        'open-orders',
        '50 orders are open',
        'limit is 50',
      );
    });
  });

  describe('daily-loss', () => {
    it('passes while the loss is below the limit', () => {
      expectPass(checkOf(ctx({ dayPnl: -999.5 }), 'daily-loss'), 'daily-loss', '-999.5 USDT', '1,000 USDT');
      expectPass(checkOf(ctx({ dayPnl: 250 }), 'daily-loss'), 'daily-loss', '+250 USDT');
    });
    it('fails a risk-increasing order once the loss reaches the limit', () => {
      expectFail(checkOf(ctx({ dayPnl: -1000 }), 'daily-loss'), 'daily-loss', '1,000 USDT', '00:00 UTC');
      expectFail(checkOf(ctx({ dayPnl: -1234.5 }), 'daily-loss'), 'daily-loss', '1,234.5 USDT', '1,000 USDT');
    });
    it('passes an order that lowers a position after the limit', () => {
      expectPass(
        checkOf(ctx({ dayPnl: -2000 }, { side: 'sell', amount: D('0.1') }), 'daily-loss'),
        'daily-loss',
        '2,000 USDT',
        'lowers a position',
      );
    });
  });

  describe('balance', () => {
    it('passes a buy the free quote covers with the taker fee', () => {
      const c = checkOf(ctx({ freeQuote: D('3003') }), 'balance');
      expectPass(c, 'balance', '3,003 USDT', '0.1 BTC');
      expect(c.details).toMatchObject({ needQuote: '3003', fee: '3' });
    });
    it('fails a buy one cent short of cost plus fee', () => {
      expectFail(
        checkOf(ctx({ freeQuote: D('3002.99') }), 'balance'),
        'balance',
        '3,003 USDT',
        '3,000 plus a 3 taker fee',
        '3,002.99 USDT is free',
      );
    });
    it('passes a sell of what is held and fails one of more', () => {
      expectPass(checkOf(ctx({}, { side: 'sell', amount: D('0.2') }), 'balance'), 'balance', '0.2 BTC');
      expectFail(
        checkOf(ctx({}, { side: 'sell', amount: D('0.25') }), 'balance'),
        'balance',
        '0.25 BTC',
        '0.2 BTC',
      );
    });
  });

  describe('reduce-only', () => {
    it('passes orders that are not reduce-only', () => {
      expectPass(checkOf(ctx(), 'reduce-only'), 'reduce-only');
    });
    it('passes a reduce-only sell within the position', () => {
      expectPass(
        checkOf(ctx({}, { side: 'sell', amount: D('0.15'), reduceOnly: true }), 'reduce-only'),
        'reduce-only',
        '0.15 BTC',
        '0.2 BTC',
      );
    });
    it('fails a reduce-only sell larger than the position', () => {
      expectFail(
        checkOf(ctx({}, { side: 'sell', amount: D('0.3'), reduceOnly: true }), 'reduce-only'),
        'reduce-only',
        '0.3 BTC',
        '0.2 BTC',
      );
    });
    it('fails a reduce-only buy and a reduce-only sell with nothing held', () => {
      expectFail(checkOf(ctx({}, { reduceOnly: true }), 'reduce-only'), 'reduce-only', 'must be a sell');
      expectFail(
        checkOf(ctx({ positionAmount: D(0) }, { side: 'sell', reduceOnly: true }), 'reduce-only'),
        'reduce-only',
        'no BTC is held',
      );
    });
  });

  it('fails the checks of a limit setting that is unusable, naming it', () => {
    const c = checkOf(ctx(), 'order-notional', { ...defaultRiskLimits, maxOrderNotional: 'lots' });
    expectFail(c, 'order-notional', 'Max order value');
  });

  it('never throws, even on garbage, and refuses it', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (a, b) => {
        const d = checkOrder(a as RiskContext, b as RiskLimits);
        expect(d.ok).toBe(false);
        expect(d.checks.map((c) => c.rule)).toEqual(riskRules);
      }),
    );
    const partial = { ...ctx(), order: undefined } as unknown as RiskContext;
    expect(checkOrder(partial, defaultRiskLimits).ok).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------
// Properties.

const lots = (max: number) => fc.integer({ min: 0, max }).map((n) => D(n).mul(rules.step));

describe('checkOrder properties', () => {
  it('a risk-increasing order that passes never leaves the position above the limit at the mark', () => {
    let passed = 0;
    fc.assert(
      fc.property(
        lots(5_000_000),
        lots(2_000_000).filter((a) => a.isPositive()),
        fc.integer({ min: 100_000, max: 10_000_000 }).map((cents) => cents / 100),
        fc.integer({ min: 1, max: 200_000 }),
        fc.constantFrom('buy' as const, 'sell' as const),
        fc.constantFrom('market' as const, 'limit' as const),
        (position, amount, mark, maxPosition, side, type) => {
          const markDec = D(mark);
          // Risk-increasing: every buy, and a sell of more than is held.
          fc.pre(side === 'buy' || amount.gt(position));
          const limits = {
            ...defaultRiskLimits,
            maxPositionNotional: String(maxPosition),
            maxOrderNotional: '1000000000000',
            maxGrossExposure: '1000000000000',
          };
          const c = ctx(
            {
              positionAmount: position,
              freeBase: position,
              freeQuote: D('1e12'),
              mark: { price: mark, time: NOW },
            },
            {
              side,
              type,
              amount,
              price: type === 'limit' ? markDec : null,
              refPrice: markDec,
            },
          );
          const d = checkOrder(c, limits);
          const after = side === 'buy' ? position.add(amount) : position.sub(amount);
          const within = after.abs().mul(markDec).lte(maxPosition);
          const positionCheck = d.checks.find((x) => x.rule === 'position')!;
          if (positionCheck.passed) expect(within).toBe(true);
          if (d.ok) {
            expect(within).toBe(true);
            passed++;
          }
          // The rule is exact: it refuses only what is over.
          expect(positionCheck.passed).toBe(within);
        },
      ),
      { numRuns: 500 },
    );
    expect(passed).toBeGreaterThan(0);
  });

  type Corruption = (c: RiskContext, l: Record<string, unknown>, bad: number, badDec: Decimal) => void;
  const corruptions: Record<string, Corruption> = {
    amount: (c, _l, _b, d) => void (c.order.amount = d),
    zeroAmount: (c) => void (c.order.amount = Decimal.ZERO),
    price: (c, _l, _b, d) => void (c.order.price = d),
    stopPrice: (c, _l, _b, d) => void (c.order.stopPrice = d),
    refPrice: (c, _l, _b, d) => void (c.order.refPrice = d),
    zeroRefPrice: (c) => void (c.order.refPrice = Decimal.ZERO),
    markPrice: (c, _l, b) => void (c.mark = { price: b, time: c.now }),
    markTime: (c, _l, b) => void (c.mark = { price: 30000, time: Number.isFinite(b) ? NaN : b }),
    now: (c, _l, b) => void (c.now = b),
    position: (c, _l, _b, d) => void (c.positionAmount = d),
    otherExposure: (c, _l, b) => void (c.otherExposure = b),
    openOrders: (c, _l, b) => void (c.openOrders = b),
    fractionalOpenOrders: (c) => void (c.openOrders = 2.5),
    dayPnl: (c, _l, b) => void (c.dayPnl = Number.isFinite(b) ? NaN : b),
    freeBase: (c, _l, _b, d) => void (c.freeBase = d),
    freeQuote: (c, _l, _b, d) => void (c.freeQuote = d),
    taker: (c, _l, _b, d) => void (c.rules = { ...c.rules, taker: d }),
    maker: (c, _l, _b, d) => void (c.rules = { ...c.rules, maker: d }),
    halt: (c) => void (c.halt = undefined as never),
    tick: (c, _l, _b, d) => void (c.rules = { ...c.rules, tick: d }),
    step: (c, _l, _b, d) => void (c.rules = { ...c.rules, step: d }),
    minAmount: (c, _l, _b, d) => void (c.rules = { ...c.rules, minAmount: d }),
    minNotional: (c, _l, _b, d) => void (c.rules = { ...c.rules, minNotional: d }),
    ...Object.fromEntries(
      (Object.keys(defaultRiskLimits) as Array<keyof RiskLimits>).map((field): [string, Corruption] => [
        `limit ${field}`,
        (_c, l, b) => void (l[field] = b),
      ]),
    ),
  };

  /** Orders of every shape that pass with the default limits. */
  const bases: Array<() => RiskContext> = [
    () => ctx(),
    () => ctx({}, { side: 'sell', amount: D('0.15') }),
    () => ctx({}, { type: 'market', price: null, refPrice: D('30010') }),
    () =>
      ctx(
        {},
        { type: 'stop-limit', side: 'sell', price: D('29500'), stopPrice: D('29600'), refPrice: D('29500') },
      ),
    () => ctx({}, { side: 'sell', reduceOnly: true, amount: D('0.2') }),
  ];

  it('every base order passes before it is corrupted', () => {
    for (const base of bases) expect(checkOrder(base(), defaultRiskLimits).firstFailure).toBeNull();
  });

  it('never passes when any input is NaN, infinite or negative', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: bases.length - 1 }),
        fc.constantFrom(...Object.keys(corruptions)),
        fc.constantFrom(NaN, Infinity, -Infinity, -1, -0.5, -1e9, -Number.MIN_VALUE),
        fc.bigInt({ min: -(10n ** 20n), max: -1n }),
        fc.integer({ min: 0, max: 12 }),
        (baseIndex, corruption, bad, units, scale) => {
          const c = bases[baseIndex]!();
          const l: Record<string, unknown> = { ...defaultRiskLimits };
          corruptions[corruption]!(c, l, bad, D(units).div(D(10n ** BigInt(scale)), scale, 'down'));
          const d = checkOrder(c, l as unknown as RiskLimits);
          expect(d.ok, `${corruption}: ${bad}`).toBe(false);
          expect(d.firstFailure).not.toBeNull();
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('message formatting', () => {
  it('groups digits', () => {
    expect(groupDigits('1234567.891')).toBe('1,234,567.891');
    expect(groupDigits('-12345')).toBe('-12,345');
    expect(groupDigits('999')).toBe('999');
    expect(groupDigits('-100')).toBe('-100');
  });
  it('rounds toward the verdict and trims zeros', () => {
    expect(formatNumber(12000)).toBe('12,000');
    expect(formatNumber(0.1 * 3, 2, 'ceil')).toBe('0.3');
    expect(formatNumber(10000.001, 2, 'ceil')).toBe('10,000.01');
    expect(formatNumber(9999.999, 2, 'floor')).toBe('9,999.99');
    expect(formatNumber(-0.001)).toBe('0');
    expect(formatValue(D('12000.004'), 'ceil')).toBe('12,000.01');
    expect(formatValue(D('0.000123456789'))).toBe('0.00012346');
    expect(formatValue(0.5)).toBe('0.5');
  });
});
