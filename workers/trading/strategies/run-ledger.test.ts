import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../money/decimal.js';
import { runPosition, type RunOrderFill } from './run-ledger.js';

const step = fc.record({
  buy: fc.boolean(),
  lots: fc.integer({ min: 0, max: 5000 }),
  price: fc.integer({ min: 1, max: 100_000 }),
  /** Sells: the share of what is held, in percent (100: all of it). */
  share: fc.integer({ min: 1, max: 100 }),
});

describe('a run’s position from its own fills', () => {
  it('is the exact sum of its fills, with the entry of the buys since it was last flat', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const fills: RunOrderFill[] = [];
        let held = 0n;
        let entry = NaN;
        let entryBar: number | null = null;
        steps.forEach((s, k) => {
          const price = s.price / 100;
          const lots = s.buy ? BigInt(s.lots) : (held * BigInt(s.share)) / 100n;
          const filled = Decimal.from(lots).mul('0.001');
          fills.push({
            id: `o${k}`,
            barTime: k * 60_000,
            seq: 0,
            side: s.buy ? 'buy' : 'sell',
            filled,
            cost: filled.mul(price),
            fee: Decimal.ZERO,
          });
          if (lots === 0n) return;
          if (s.buy) {
            const a = Number(held) / 1000;
            const b = Number(lots) / 1000;
            entry = held === 0n ? price : (a * entry + b * price) / (a + b);
            if (held === 0n) entryBar = k * 60_000;
            held += lots;
          } else {
            held -= lots;
            if (held === 0n) {
              entry = NaN;
              entryBar = null;
            }
          }
        });
        const p = runPosition(fills);
        expect(p.position.eq(Decimal.from(held).mul('0.001'))).toBe(true);
        expect(p.entryBarTime).toBe(entryBar);
        if (Number.isNaN(entry)) expect(p.entryPrice).toBeNaN();
        else expect(p.entryPrice).toBeCloseTo(entry, 9);
      }),
    );
  });

  it('a hundred fills of 0.001 make exactly 0.1', () => {
    const fills = Array.from({ length: 100 }, (_, k) => ({
      id: `o${k}`,
      barTime: k,
      seq: 0,
      side: 'buy' as const,
      filled: Decimal.from('0.001'),
      cost: Decimal.from('0.1'),
      fee: Decimal.ZERO,
    }));
    expect(runPosition(fills).position.toString()).toBe('0.1');
  });
});
