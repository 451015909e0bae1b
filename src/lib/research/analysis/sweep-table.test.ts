import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPValue, nextSort, sortCells, sortValue, type SweepSortKey } from './sweep-table';
import { cell, metrics } from './test-cells';

const score = fc.oneof(fc.double({ min: -10, max: 10, noNaN: true }), fc.constant(NaN));

describe('sorting sweep cells', () => {
  it('orders by the column, with cells lacking a value last in either direction', () => {
    fc.assert(
      fc.property(fc.array(score, { maxLength: 40 }), fc.constantFrom('asc', 'desc'), (scores, dir) => {
        const cells = scores.map((s, i) => cell({ i }, s));
        const order = sortCells(cells, { key: 'score', dir });
        expect([...order].sort((a, b) => a - b)).toEqual(cells.map((_, i) => i));
        const values = order.map((i) => cells[i]?.score as number);
        const firstNaN = values.findIndex((v) => Number.isNaN(v));
        if (firstNaN >= 0) expect(values.slice(firstNaN).every((v) => Number.isNaN(v))).toBe(true);
        const real = firstNaN >= 0 ? values.slice(0, firstNaN) : values;
        for (let k = 1; k < real.length; k++) {
          if (dir === 'asc') expect(real[k]).toBeGreaterThanOrEqual(real[k - 1] as number);
          else expect(real[k]).toBeLessThanOrEqual(real[k - 1] as number);
        }
      }),
    );
  });

  it('keeps the sweep order among ties', () => {
    const cells = [cell({ a: 1 }, 1), cell({ a: 2 }, 2), cell({ a: 3 }, 1)];
    expect(sortCells(cells, { key: 'score', dir: 'desc' })).toEqual([1, 0, 2]);
  });

  it('reads metric, p-value and param columns', () => {
    const c = cell({ fast: 10 }, 1.5, {
      metrics: metrics({ total_return: 0.2, max_drawdown: 0.1, trades: 7 }),
      pValue: 0.01,
      pBonferroni: 0.05,
      pHolm: 0.03,
    });
    const expected: [SweepSortKey, number][] = [
      ['score', 1.5],
      ['total_return', 0.2],
      ['max_drawdown', 0.1],
      ['trades', 7],
      ['pValue', 0.01],
      ['pBonferroni', 0.05],
      ['pHolm', 0.03],
      ['param:fast', 10],
    ];
    for (const [key, v] of expected) expect(sortValue(c, key)).toBe(v);
    expect(sortValue(c, 'param:slow')).toBeNaN();
    expect(() => sortValue(c, 'bogus' as SweepSortKey)).toThrow(/Unknown sweep column/);
  });

  it('flips the same column and starts a new one in its natural direction', () => {
    expect(nextSort({ key: 'score', dir: 'desc' }, 'score')).toEqual({ key: 'score', dir: 'asc' });
    expect(nextSort({ key: 'score', dir: 'desc' }, 'pHolm')).toEqual({ key: 'pHolm', dir: 'asc' });
    expect(nextSort({ key: 'pHolm', dir: 'asc' }, 'total_return')).toEqual({
      key: 'total_return',
      dir: 'desc',
    });
    expect(nextSort({ key: 'score', dir: 'desc' }, 'param:fast')).toEqual({ key: 'param:fast', dir: 'asc' });
  });
});

describe('p-values', () => {
  it('prints four decimals, tiny values as a bound, missing as a dash', () => {
    expect(formatPValue(0.01234)).toBe('0.0123');
    expect(formatPValue(1)).toBe('1.0000');
    expect(formatPValue(0.00001)).toBe('< 0.0001');
    expect(formatPValue(NaN)).toBe('—');
  });
});
