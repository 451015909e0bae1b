import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PendingOrder } from '../../research/backtest/sim-context.js';
import { Decimal } from '../../money/decimal.js';
import { rulesOf } from '../../money/market-rules.js';
import { BTC } from '../test-support.js';
import { sizeOrder } from './size-order.js';

const rules = rulesOf(BTC);
const bar = (close: number) => ({ i: 10, time: 600_000, close, volume: 5 });
const buy = (fraction: number, equity: number): PendingOrder => ({
  action: 'buy',
  reason: 'signal',
  size: { kind: 'equity-fraction', fraction },
  units: NaN,
  equity,
});
const sell = (units: number): PendingOrder => ({
  action: 'sell',
  reason: 'signal',
  size: null,
  units,
  equity: 0,
});

describe('a strategy order as a market order', () => {
  it('buys what the backtest would, fee included, snapped down to the lot and always affordable', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 10_000_000 }),
        fc.integer({ min: 100, max: 10_000_000 }),
        fc.integer({ min: 1, max: 100 }),
        (cashCents, priceCents, percent) => {
          const cash = cashCents / 100;
          const close = priceCents / 100;
          const f = percent / 100;
          const sized = sizeOrder(buy(f, cash), { cash, position: Decimal.ZERO }, bar(close), rules);
          // The backtest's units: S / (price x (1 + fee)) with S = min(f x equity, cash).
          const exact = Math.min(f * cash, cash) / (close * 1.001);
          if (exact < 0.001) {
            expect(sized.ok).toBe(false);
            return;
          }
          expect(sized.ok).toBe(true);
          if (!sized.ok) return;
          const amount = Decimal.from(sized.order.amount);
          expect(amount.isMultipleOf('0.001')).toBe(true);
          expect(amount.toNumber()).toBeLessThanOrEqual(exact * (1 + 1e-12));
          expect(amount.toNumber()).toBeGreaterThan(exact - 0.001);
          expect(amount.toNumber() * close * 1.001).toBeLessThanOrEqual(cash * (1 + 1e-12));
          expect(sized.order).toMatchObject({ symbol: 'BTC/USDT', side: 'buy', type: 'market' });
        },
      ),
    );
  });

  it('prices a buy at the ask when it is above the close, so the cash covers it there (the headroom rule)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 10_000_000 }),
        fc.integer({ min: 100, max: 10_000_000 }),
        fc.integer({ min: -300, max: 300 }),
        (cashCents, priceCents, bps) => {
          const cash = cashCents / 100;
          const close = priceCents / 100;
          const ask = Decimal.from(close * (1 + bps / 1e4)).roundToStep('0.01', 'floor');
          const asked: Decimal[] = [];
          const quote = (amount: Decimal) => {
            asked.push(amount);
            return ask;
          };
          const live = { cash, position: Decimal.ZERO };
          const atClose = sizeOrder(buy(1, cash), live, bar(close), rules);
          const sized = sizeOrder(buy(1, cash), live, bar(close), rules, quote);
          if (!atClose.ok) return;
          // The ask is asked for the amount sized at the close.
          expect(asked.map(String)).toEqual([atClose.order.amount]);
          if (!ask.gt(close)) {
            expect(sized).toEqual(atClose);
            return;
          }
          if (!sized.ok) {
            expect(sized.reason).toMatch(/less than one lot|minimum/);
            return;
          }
          const amount = Decimal.from(sized.order.amount);
          expect(amount.mul(ask).mul('1.001').lte(Decimal.from(cash).mul('1.000000000001'))).toBe(true);
          expect(amount.toNumber()).toBeGreaterThan(cash / (ask.toNumber() * 1.001) - 0.001 - 1e-9);
          expect(amount.lte(atClose.order.amount)).toBe(true);
          if (amount.lt(atClose.order.amount))
            expect(sized.headroom).toEqual({ price: ask, unshrunk: Decimal.from(atClose.order.amount) });
          else expect(sized.headroom).toBeUndefined();
        },
      ),
    );
  });

  it('sizes at the close when there is no book to price a buy, and never prices a sell', () => {
    const live = { cash: 1000, position: Decimal.from('2') };
    expect(sizeOrder(buy(1, 1000), live, bar(100), rules, () => null)).toEqual(
      sizeOrder(buy(1, 1000), live, bar(100), rules),
    );
    const never = () => {
      throw new Error('a sell is not priced');
    };
    expect(sizeOrder(sell(NaN), live, bar(100), rules, never)).toMatchObject({
      ok: true,
      order: { amount: '2' },
    });
  });

  it('sells exactly what is held when asked for all, and never more than held', () => {
    const held = Decimal.from('0.123');
    const all = sizeOrder(sell(NaN), { cash: 0, position: held }, bar(100), rules);
    expect(all).toMatchObject({ ok: true, order: { side: 'sell', amount: '0.123' } });
    const more = sizeOrder(sell(5), { cash: 0, position: held }, bar(100), rules);
    expect(more).toMatchObject({ ok: true, order: { amount: '0.123' } });
    const part = sizeOrder(sell(0.0505), { cash: 0, position: held }, bar(100), rules);
    expect(part).toMatchObject({ ok: true, order: { amount: '0.05' } });
  });

  it('says why when nothing can be sent', () => {
    const flat = sizeOrder(sell(NaN), { cash: 100, position: Decimal.ZERO }, bar(100), rules);
    expect(flat).toEqual({ ok: false, reason: 'The run holds no BTC to sell.' });
    const broke = sizeOrder(buy(1, 0), { cash: 0, position: Decimal.ZERO }, bar(100), rules);
    expect(broke).toEqual({ ok: false, reason: 'No USDT is free to buy BTC with.' });
    const tiny = sizeOrder(buy(1, 0.05), { cash: 0.05, position: Decimal.ZERO }, bar(100), rules);
    expect(tiny.ok).toBe(false);
    if (!tiny.ok) expect(tiny.reason).toMatch(/less than one lot \(0\.001 BTC\)/);
    const strict = rulesOf({ ...BTC, minNotional: 10 });
    const small = sizeOrder(buy(1, 5), { cash: 5, position: Decimal.ZERO }, bar(100), strict);
    expect(small.ok).toBe(false);
    if (!small.ok) expect(small.reason).toMatch(/below the BTC\/USDT minimum order of 10 USDT/);
  });
});
