import { describe, expect, it } from 'vitest';
import { candleIndexAt, sameOverlay } from './candle-overlay';

describe('candle overlay', () => {
  it('finds the candle a fill happened in', () => {
    const xs = new Float64Array([100, 160, 220, 0]);
    expect(candleIndexAt(xs, 3, 100, 60)).toBe(0);
    expect(candleIndexAt(xs, 3, 159, 60)).toBe(0);
    expect(candleIndexAt(xs, 3, 160, 60)).toBe(1);
    expect(candleIndexAt(xs, 3, 279, 60)).toBe(2);
    // Before the first candle, after the last one closed, or no candles at all: not drawn.
    expect(candleIndexAt(xs, 3, 99, 60)).toBe(-1);
    expect(candleIndexAt(xs, 3, 280, 60)).toBe(-1);
    expect(candleIndexAt(xs, 0, 100, 60)).toBe(-1);
    expect(candleIndexAt(xs, 3, NaN, 60)).toBe(-1);
  });

  it('compares overlays by what they draw', () => {
    const a = {
      lines: [{ price: 1, side: 'buy' as const, kind: 'limit' as const, label: 'Buy 1' }],
      fills: [],
    };
    expect(sameOverlay(a, { lines: [{ ...a.lines[0]! }], fills: [] })).toBe(true);
    expect(sameOverlay(a, { lines: [{ ...a.lines[0]!, price: 2 }], fills: [] })).toBe(false);
    expect(sameOverlay(a, { lines: [], fills: [] })).toBe(false);
    expect(
      sameOverlay(
        { lines: [], fills: [{ time: 1, price: 1, side: 'buy' }] },
        { lines: [], fills: [{ time: 1, price: 1, side: 'sell' }] },
      ),
    ).toBe(false);
  });
});
