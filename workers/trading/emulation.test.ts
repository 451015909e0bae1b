import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../money/decimal.js';
import { followTrail, isTriggered } from './emulation.js';
import type { OrderRecord, Trail } from './types.js';

const d = Decimal.from;
const tick = d('0.01');

describe('conditional order triggers', () => {
  it('a sell stop triggers at or below its stop, a buy stop at or above', () => {
    expect(isTriggered({ type: 'stop-market', side: 'sell', stopPrice: '100' }, d('100.01'))).toBe(false);
    expect(isTriggered({ type: 'stop-market', side: 'sell', stopPrice: '100' }, d('100'))).toBe(true);
    expect(isTriggered({ type: 'stop-limit', side: 'buy', stopPrice: '100' }, d('99.99'))).toBe(false);
    expect(isTriggered({ type: 'stop-limit', side: 'buy', stopPrice: '100' }, d('100.5'))).toBe(true);
  });

  it('a sell take-profit triggers at or above its target, a buy take-profit at or below', () => {
    expect(isTriggered({ type: 'take-profit', side: 'sell', stopPrice: '110' }, d('109.99'))).toBe(false);
    expect(isTriggered({ type: 'take-profit', side: 'sell', stopPrice: '110' }, d('110'))).toBe(true);
    expect(isTriggered({ type: 'take-profit-limit', side: 'buy', stopPrice: '90' }, d('90.01'))).toBe(false);
    expect(isTriggered({ type: 'take-profit-limit', side: 'buy', stopPrice: '90' }, d('89'))).toBe(true);
  });

  it('plain market and limit orders have no trigger', () => {
    expect(isTriggered({ type: 'limit', side: 'buy', stopPrice: '1' }, d('1'))).toBe(false);
  });

  it('a 2 % trailing sell stop follows the high and triggers 2 % below it', () => {
    let order: Pick<OrderRecord, 'side' | 'trail' | 'stopPrice' | 'type'> = {
      type: 'trailing-stop',
      side: 'sell',
      trail: { kind: 'percent', value: '2', extreme: null },
      stopPrice: null,
    };
    for (const p of ['100', '105', '103', '110']) {
      const next = followTrail(order, d(p), tick);
      if (next) order = { ...order, ...next };
    }
    expect(order.trail?.extreme).toBe('110');
    expect(order.stopPrice).toBe('107.8');
    expect(isTriggered(order, d('107.81'))).toBe(false);
    expect(isTriggered(order, d('107.8'))).toBe(true);
  });

  it('a trailing buy stop by distance follows the low', () => {
    const trail: Trail = { kind: 'distance', value: '5', extreme: null };
    let order = { side: 'buy' as const, trail, stopPrice: null as string | null };
    for (const p of ['100', '95', '97']) {
      const next = followTrail(order, d(p), tick);
      if (next) order = { ...order, ...next };
    }
    expect(order.stopPrice).toBe('100');
  });

  it('a trailing sell stop never moves down (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 50 }),
        (cents) => {
          let order = {
            side: 'sell' as const,
            trail: { kind: 'percent', value: '1.5', extreme: null } as Trail,
            stopPrice: null as string | null,
          };
          let previous: Decimal | null = null;
          for (const c of cents) {
            const next = followTrail(order, d(c).div(100, 2, 'down'), tick);
            if (next) order = { ...order, ...next };
            const stop = order.stopPrice === null ? null : d(order.stopPrice);
            if (previous && stop) expect(stop.gte(previous)).toBe(true);
            previous = stop;
          }
        },
      ),
    );
  });
});
