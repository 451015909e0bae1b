import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResearchInputError } from '../backtest/errors.js';
import type { ParamSpec, Params } from '../backtest/types.js';
import { countGrid, estimateSweep, expandGrid, MAX_COMBINATIONS, MAX_SWEEP_BYTES } from './grid.js';

const specs: ParamSpec[] = [
  { name: 'fast', label: 'Fast SMA', default: 10, min: 1, max: 500, step: 1, integer: true },
  { name: 'slow', label: 'Slow SMA', default: 50, min: 2, max: 2000, step: 1, integer: true },
  { name: 'k', label: 'Band width', default: 2, min: 0.5, max: 4, step: 0.1, integer: false },
];
const base: Params = { fast: 10, slow: 50, k: 2 };

function inputError(run: () => unknown): ResearchInputError {
  try {
    run();
  } catch (e) {
    if (e instanceof ResearchInputError) return e;
    throw e;
  }
  throw new Error('expected a ResearchInputError');
}

describe('expandGrid', () => {
  it('makes every combination over the base params, first axis outermost', () => {
    const g = expandGrid(
      [
        { param: 'fast', from: 5, to: 15, step: 5 },
        { param: 'slow', values: [40, 60] },
      ],
      base,
      specs,
    );
    expect(g.combos).toEqual([
      { fast: 5, slow: 40, k: 2 },
      { fast: 5, slow: 60, k: 2 },
      { fast: 10, slow: 40, k: 2 },
      { fast: 10, slow: 60, k: 2 },
      { fast: 15, slow: 40, k: 2 },
      { fast: 15, slow: 60, k: 2 },
    ]);
    expect(g.axes).toEqual([
      { param: 'fast', values: [5, 10, 15] },
      { param: 'slow', values: [40, 60] },
    ]);
    expect(g.skipped).toBe(0);
    expect(g.skippedReason).toBeNull();
  });

  it('counts steps instead of accumulating them, so fractional steps land on clean values', () => {
    const g = expandGrid([{ param: 'k', from: 0.5, to: 1.1, step: 0.1 }], base, specs);
    expect(g.axes[0]!.values).toEqual([0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1]);
  });

  it('skips and counts the combinations the strategy refuses, with the first reason', () => {
    const g = expandGrid(
      [
        { param: 'fast', from: 10, to: 50, step: 10 },
        { param: 'slow', from: 20, to: 60, step: 20 },
      ],
      base,
      specs,
      (p) => ((p.fast as number) < (p.slow as number) ? [] : [`fast ${p.fast} must be below slow ${p.slow}`]),
    );
    for (const c of g.combos) expect(c.fast as number).toBeLessThan(c.slow as number);
    expect(g.combos.length + g.skipped).toBe(15);
    // fast 10..50 against slow 20, 40, 60: refused 20/20, 30/20, 40/20, 50/20, 40/40, 50/40.
    expect(g.skipped).toBe(6);
    expect(g.skippedReason).toBe('fast 20 must be below slow 20');
  });

  it('has as many combinations as the product of the axes, each distinct', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 5 }),
        (a, b, step) => {
          const axes = [
            { param: 'fast', from: 1, to: 1 + (a - 1) * step, step },
            { param: 'slow', values: Array.from({ length: b }, (_, i) => 100 + i) },
          ];
          const g = expandGrid(axes, base, specs);
          expect(g.combos.length).toBe(a * b);
          expect(countGrid(axes, specs)).toBe(a * b);
          expect(new Set(g.combos.map((c) => `${c.fast}/${c.slow}`)).size).toBe(a * b);
        },
      ),
    );
  });

  it('refuses bad axes with the field and how to fix them', () => {
    let e = inputError(() => expandGrid([{ param: 'period', from: 1, to: 5, step: 1 }], base, specs));
    expect(e.field).toBe('axes[0].param');
    expect(e.message).toContain('sweep one of: fast, slow, k');
    e = inputError(() => expandGrid([{ param: 'fast', from: 1, to: 5, step: 0 }], base, specs));
    expect(e.field).toBe('axes[0].step');
    expect(e.message).toContain('step must be above 0');
    e = inputError(() => expandGrid([{ param: 'fast', from: 9, to: 5, step: 1 }], base, specs));
    expect(e.message).toContain('swap them');
    e = inputError(() => expandGrid([{ param: 'fast', from: 1, to: 600, step: 100 }], base, specs));
    expect(e.message).toContain("outside Fast SMA's range 1 to 500");
    e = inputError(() => expandGrid([{ param: 'fast', from: 1, to: 3, step: 0.5 }], base, specs));
    expect(e.message).toContain('whole numbers only, got 1.5');
    e = inputError(() => expandGrid([{ param: 'slow', values: [] }], base, specs));
    expect(e.message).toContain('no values');
    e = inputError(() =>
      expandGrid(
        [
          { param: 'fast', values: [1] },
          { param: 'fast', values: [2] },
        ],
        base,
        specs,
      ),
    );
    expect(e.field).toBe('axes[1].param');
    e = inputError(() => expandGrid([], base, specs));
    expect(e.field).toBe('axes');
  });

  it(`refuses more than ${MAX_COMBINATIONS} combinations before making any`, () => {
    const e = inputError(() =>
      expandGrid(
        [
          { param: 'fast', from: 1, to: 500, step: 1 },
          { param: 'slow', from: 2, to: 1000, step: 1 },
        ],
        base,
        specs,
      ),
    );
    expect(e.message).toContain('499,500 combinations');
    expect(e.message).toContain('use larger steps or fewer axes (slow alone has 999 values)');
  });
});

describe('estimateSweep', () => {
  it('adds the workers’ working sets to the results', () => {
    const e = estimateSweep(1000, 200_000, 2);
    expect(e.bytes).toBe(200_000 * 8 * 12 * 2 + 1000 * 1024);
    expect(e.ok).toBe(true);
    expect(e.message).toBeNull();
    expect(estimateSweep([{ a: 1 }, { a: 2 }], 10, 1).combinations).toBe(2);
  });

  it('refuses too many combinations, too much memory and an empty grid, saying how to fit', () => {
    const many = estimateSweep(MAX_COMBINATIONS + 1, 1000, 2);
    expect(many.ok).toBe(false);
    expect(many.message).toContain('use larger steps or fewer axes');
    // 2 M bars x 96 bytes x 8 workers is about 1.43 GB; with the results it tips over 1.5 GB.
    const big = estimateSweep(150_000, 2_000_000, 8);
    expect(big.bytes).toBeGreaterThan(MAX_SWEEP_BYTES);
    expect(big.ok).toBe(false);
    expect(big.message).toContain('use 7 workers instead of 8');
    const huge = estimateSweep(10, 20_000_000, 1);
    expect(huge.ok).toBe(false);
    expect(huge.message).toContain('shorter date range');
    expect(estimateSweep(0, 1000, 2).message).toContain('no combinations');
  });
});
