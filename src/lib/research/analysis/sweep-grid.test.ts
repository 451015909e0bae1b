import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SweepCell, SweepResult } from '$workers/api';
import { sweepGrid } from './sweep-grid';
import { cell } from './test-cells';

function result(axes: SweepResult['axes'], cells: SweepResult['cells']): SweepResult {
  return { cells, best: 0, deflatedSharpe: null, axes, workers: 1, elapsedMs: 1 };
}

describe('sweep grid', () => {
  it('puts each cell at its first-axis row and second-axis column', () => {
    const axes = [
      { param: 'fast', values: [5, 10] },
      { param: 'slow', values: [20, 30, 40] },
    ];
    const cells: SweepCell[] = [];
    for (const f of [5, 10])
      for (const s of [20, 30, 40]) cells.push(cell({ fast: f, slow: s }, f * 100 + s));
    // The worker may return cells in any order.
    cells.reverse();
    const g = sweepGrid(result(axes, cells));
    expect(g.rowParam).toBe('fast');
    expect(g.colParam).toBe('slow');
    expect(Array.from(g.scores)).toEqual([520, 530, 540, 1020, 1030, 1040]);
    for (let k = 0; k < 6; k++) expect(cells[g.cellIndex[k] as number]?.score).toBe(g.scores[k]);
  });

  it('leaves combinations the strategy skipped empty, and failed runs without a score', () => {
    const axes = [
      { param: 'fast', values: [10, 20] },
      { param: 'slow', values: [15, 30] },
    ];
    // fast 20 / slow 15 is invalid for a crossover and never ran; fast 10 / slow 30 threw.
    const cells = [
      cell({ fast: 10, slow: 15 }, 1),
      cell({ fast: 10, slow: 30 }, 2, { error: 'boom' }),
      cell({ fast: 20, slow: 30 }, 3),
    ];
    const g = sweepGrid(result(axes, cells));
    expect(Array.from(g.cellIndex)).toEqual([0, 1, -1, 2]);
    expect(g.scores[0]).toBe(1);
    expect(g.scores[1]).toBeNaN();
    expect(g.scores[2]).toBeNaN();
    expect(g.scores[3]).toBe(3);
  });

  it('draws a one-axis sweep as a single row', () => {
    const g = sweepGrid(
      result(
        [{ param: 'period', values: [7, 14, 21] }],
        [7, 14, 21].map((p) => cell({ period: p }, p / 7)),
      ),
    );
    expect(g.rowParam).toBeNull();
    expect(g.rowValues).toEqual([]);
    expect(g.colValues).toEqual([7, 14, 21]);
    expect(Array.from(g.scores)).toEqual([1, 2, 3]);
  });

  it('shows the best over a third axis, or one slice of it', () => {
    const axes = [
      { param: 'a', values: [1, 2] },
      { param: 'b', values: [1, 2] },
      { param: 'c', values: [1, 2, 3] },
    ];
    const cells: SweepCell[] = [];
    for (const a of [1, 2])
      for (const b of [1, 2])
        for (const c of [1, 2, 3]) cells.push(cell({ a, b, c }, a * 10 + b + (c === 2 ? 5 : c)));
    const best = sweepGrid(result(axes, cells));
    expect(best.sliceParam).toBe('c');
    expect(best.sliceValues).toEqual([1, 2, 3]);
    expect(Array.from(best.scores)).toEqual([16, 17, 26, 27]);
    expect(cells[best.cellIndex[0] as number]?.params.c).toBe(2);
    const slice = sweepGrid(result(axes, cells), { kind: 'value', value: 3 });
    expect(Array.from(slice.scores)).toEqual([14, 15, 24, 25]);
    expect(() => sweepGrid(result(axes, cells), { kind: 'value', value: 9 })).toThrow(
      /not a value of this sweep/,
    );
  });

  it('the best over a slice is never below any cell in it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 8, maxLength: 8 }),
        (scores) => {
          const axes = [
            { param: 'a', values: [1, 2] },
            { param: 'b', values: [1, 2] },
            { param: 'c', values: [1, 2] },
          ];
          const cells: SweepCell[] = [];
          let i = 0;
          for (const a of [1, 2])
            for (const b of [1, 2])
              for (const c of [1, 2]) cells.push(cell({ a, b, c }, scores[i++] as number));
          const g = sweepGrid(result(axes, cells));
          for (const c of cells) {
            const k = ((c.params.a as number) - 1) * 2 + ((c.params.b as number) - 1);
            expect(g.scores[k]).toBeGreaterThanOrEqual(c.score);
          }
        },
      ),
    );
  });

  it('matches values that picked up float noise on the way', () => {
    const g = sweepGrid(
      result([{ param: 'k', values: [0.1, 0.3] }], [cell({ k: 0.1 }, 1), cell({ k: 0.1 + 0.2 }, 2)]),
    );
    expect(Array.from(g.scores)).toEqual([1, 2]);
  });

  it('says so when there is nothing to draw', () => {
    expect(() => sweepGrid(result([], []))).toThrow(/no axes/);
  });
});
