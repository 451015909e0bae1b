import { describe, expect, it } from 'vitest';
import { lookaheadCheck } from '../analysis/lookahead.js';
import { monteCarlo } from '../analysis/monte-carlo.js';
import { sweepCells } from '../analysis/sweep-cells.js';
import { closeConfig, daxBars } from '../analysis/test-support.js';
import { runBacktest } from '../backtest/engine.js';
import { ResearchInputError } from '../backtest/errors.js';
import { sliceBars } from '../data/bars.js';
import { resolveStrategy } from '../strategies/registry.js';
import type { StrategySpec } from '../strategies/spec.js';
import { runTask, taskSize, type PoolTask } from './tasks.js';

const strategy: StrategySpec = { kind: 'builtin', id: 'sma-cross', params: { fast: 10, slow: 50 } };
const base = { datasetKey: 'dax', strategy, config: closeConfig };

describe('runTask', () => {
  const dax = daxBars();

  it('sweeps the combos over the named range of the loaded bars', () => {
    const combos = [
      { fast: 5, slow: 20 },
      { fast: 8, slow: 40 },
    ];
    const range = { from: 100, to: 900 };
    const seen: number[] = [];
    const result = runTask({ ...base, kind: 'sweep', combos, range }, dax, {
      onProgress: (d) => seen.push(d),
    });
    expect(result).toEqual({
      kind: 'sweep',
      cells: sweepCells(sliceBars(dax, 100, 900), strategy, closeConfig, combos),
    });
    expect(seen).toEqual([1, 2]);
    expect(taskSize({ ...base, kind: 'sweep', combos })).toBe(2);
  });

  it('runs a backtest with its overlays, a Monte Carlo and a lookahead check', () => {
    const { strategy: s, params } = resolveStrategy(strategy);
    const backtest = runTask({ ...base, kind: 'backtest' }, dax);
    const direct = runBacktest(dax, s, params, closeConfig, { overlays: true });
    expect(backtest).toEqual({ kind: 'backtest', result: direct });
    expect(Object.keys(direct.overlays ?? {})).toEqual(['SMA 10', 'SMA 50']);

    const mc = runTask({ ...base, kind: 'monte-carlo', runs: 200, method: 'bars', seed: 4 }, dax);
    expect(mc).toEqual({
      kind: 'monte-carlo',
      result: monteCarlo(runBacktest(dax, s, params, closeConfig), { runs: 200, method: 'bars', seed: 4 }),
    });

    const look = runTask({ ...base, kind: 'lookahead', checkpoints: 5 }, dax);
    expect(look).toEqual({
      kind: 'lookahead',
      result: lookaheadCheck(dax, s, params, closeConfig, { checkpoints: 5 }),
    });
    expect(look.kind === 'lookahead' && look.result.ok).toBe(true);
  });

  it('refuses a range outside the loaded bars and an unknown kind', () => {
    const error = (() => {
      try {
        runTask({ ...base, kind: 'backtest', range: { from: 10, to: 5000 } }, dax);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ResearchInputError);
    expect((error as ResearchInputError).field).toBe('range');
    expect((error as Error).message).toContain('0 <= from < to <= 1860');
    expect(() => runTask({ ...base, kind: 'tea' } as unknown as PoolTask, dax)).toThrow(
      "unknown pool task kind 'tea'",
    );
  });
});
