import { describe, expect, it } from 'vitest';
import { CancelledError, ResearchInputError } from '../backtest/errors.js';
import { runBacktest } from '../backtest/engine.js';
import type { Bars, Params } from '../backtest/types.js';
import { sliceBars } from '../data/bars.js';
import { resolveStrategy } from '../strategies/registry.js';
import type { StrategySpec } from '../strategies/spec.js';
import { sweepCells, withParams } from './sweep-cells.js';
import { planSweep } from './sweep-plan.js';
import { closeConfig, daxBars } from './test-support.js';
import {
  inProcessEvaluator,
  walkForward,
  walkForwardWindows,
  type WalkForwardOptions,
} from './walk-forward.js';

const spec: StrategySpec = { kind: 'builtin', id: 'sma-cross', params: {} };
const plan = planSweep(spec, [
  { param: 'fast', values: [5, 10, 20] },
  { param: 'slow', values: [30, 60] },
]);

function options(over: Partial<WalkForwardOptions> = {}): WalkForwardOptions {
  return {
    strategy: spec,
    config: closeConfig,
    mode: 'rolling',
    inSample: 400,
    outOfSample: 200,
    combos: plan.combos,
    objective: 'sharpe',
    ...over,
  };
}

const run = (bars: Bars, o: WalkForwardOptions) =>
  walkForward(bars, o, inProcessEvaluator(o.strategy, o.config));

describe('walkForwardWindows', () => {
  it('steps rolling windows by the out-of-sample length, full windows only', () => {
    expect(walkForwardWindows(1000, 'rolling', 400, 200)).toEqual([
      { isFrom: 0, isTo: 400, oosTo: 600 },
      { isFrom: 200, isTo: 600, oosTo: 800 },
      { isFrom: 400, isTo: 800, oosTo: 1000 },
    ]);
    expect(walkForwardWindows(999, 'rolling', 400, 200).length).toBe(2);
  });

  it('grows anchored windows from bar 0', () => {
    expect(walkForwardWindows(1000, 'anchored', 400, 300)).toEqual([
      { isFrom: 0, isTo: 400, oosTo: 700 },
      { isFrom: 0, isTo: 700, oosTo: 1000 },
    ]);
    expect(walkForwardWindows(999, 'anchored', 300, 350).map((w) => [w.isFrom, w.isTo, w.oosTo])).toEqual([
      [0, 300, 650],
    ]);
    expect(walkForwardWindows(1100, 'anchored', 300, 200).map((w) => [w.isFrom, w.isTo])).toEqual([
      [0, 300],
      [0, 500],
      [0, 700],
      [0, 900],
    ]);
  });
});

describe('walkForward', () => {
  const dax = daxBars();

  it.each(['rolling', 'anchored'] as const)(
    '%s: picks the in-sample best and reports only the out-of-sample bars, stitched',
    async (mode) => {
      const o = options({ mode });
      const result = await run(dax, o);
      const windows = walkForwardWindows(dax.time.length, mode, 400, 200);
      expect(result.windows.length).toBe(windows.length);
      expect(result.equity.length).toBe(1 + windows.length * 200);
      expect(result.equity[0]).toBe(closeConfig.capital);
      expect(result.time[0]).toBe(dax.time[399]);
      expect(result.time[result.time.length - 1]).toBe(dax.time[windows[windows.length - 1]!.oosTo - 1]);

      let start = closeConfig.capital;
      windows.forEach((w, k) => {
        // The best params on the in-sample bars alone, by an independent in-process sweep.
        const cells = sweepCells(sliceBars(dax, w.isFrom, w.isTo), spec, closeConfig, plan.combos);
        const sharpes = cells.map((c) => c.metrics.sharpe);
        const best = sharpes.indexOf(Math.max(...sharpes));
        const window = result.windows[k]!;
        expect(window.params).toEqual(plan.combos[best]);
        expect(window.inSampleScore).toBe(sharpes[best]);
        expect(window.inSample).toEqual({ from: dax.time[w.isFrom], to: dax.time[w.isTo - 1] });
        expect(window.outOfSample).toEqual({ from: dax.time[w.isTo], to: dax.time[w.oosTo - 1] });

        // The out-of-sample equity is the run over in-sample + out-of-sample bars, rescaled at the seam.
        const { strategy, params } = resolveStrategy(withParams(spec, window.params as Params));
        const full = runBacktest(sliceBars(dax, w.isFrom, w.oosTo), strategy, params, closeConfig);
        const anchor = w.isTo - w.isFrom - 1;
        for (let j = 0; j <= 200; j++) {
          const got = result.equity[k * 200 + j]!;
          const want = (start * full.equity[anchor + j]!) / full.equity[anchor]!;
          expect(Math.abs(got - want) / want).toBeLessThan(1e-12);
        }
        expect(window.metrics.start_equity).toBe(start);
        expect(window.metrics.total_return).toBeCloseTo(
          full.equity[anchor + 200]! / full.equity[anchor]! - 1,
          12,
        );
        start = result.equity[(k + 1) * 200]!;
      });
      // The stitched metrics compound the windows' returns.
      const product = result.windows.reduce((p, w) => p * (1 + w.metrics.total_return), 1);
      expect(result.metrics.total_return).toBeCloseTo(product - 1, 12);
      expect(result.metrics.bars).toBe(result.equity.length);
      expect(Math.max(...result.drawdown)).toBeCloseTo(result.metrics.max_drawdown, 15);
    },
  );

  it('never lets a window see bars after its out-of-sample end', async () => {
    const o = options();
    const a = await run(dax, o);
    // Scramble everything after the first window's out-of-sample end.
    const tampered = sliceBars(dax, 0, dax.time.length);
    for (let i = 600; i < tampered.close.length; i++) {
      const v = tampered.close[i]! * (i % 2 === 0 ? 1.3 : 0.7);
      tampered.close[i] = tampered.open[i] = tampered.high[i] = tampered.low[i] = v;
    }
    const b = await run(tampered, o);
    expect(b.windows[0]).toEqual(a.windows[0]);
    expect(b.equity.subarray(0, 201)).toEqual(a.equity.subarray(0, 201));
    expect(b.equity[400]).not.toBe(a.equity[400]);
  });

  it('reports progress up to the total and stops when asked', async () => {
    const seen: number[] = [];
    const o = options();
    // (1860 - 400) / 200: 7 full out-of-sample windows, each a sweep plus one run.
    const total = walkForwardWindows(dax.time.length, 'rolling', 400, 200).length * (plan.combos.length + 1);
    expect(total).toBe(49);
    await walkForward(dax, o, inProcessEvaluator(spec, closeConfig), {
      onProgress: (done, all) => {
        expect(all).toBe(total);
        seen.push(done);
      },
    });
    expect(seen[seen.length - 1]).toBe(total);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
    let calls = 0;
    await expect(
      walkForward(dax, o, inProcessEvaluator(spec, closeConfig), { shouldStop: () => ++calls > 3 }),
    ).rejects.toBeInstanceOf(CancelledError);
  });

  it('refuses windows that cannot work, saying how to fix them', async () => {
    const fails = async (o: WalkForwardOptions, text: string, field: string) => {
      const error = await run(dax, o).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResearchInputError);
      expect((error as ResearchInputError).message).toContain(text);
      expect((error as ResearchInputError).field).toBe(field);
    };
    // slow 60 needs 59 bars of warm-up.
    await fails(options({ inSample: 60 }), 'use at least 61 bars', 'inSample');
    await fails(options({ inSample: 1500, outOfSample: 500 }), 'needs at least 2000 bars', 'outOfSample');
    await fails(options({ outOfSample: 0 }), 'at least 1', 'outOfSample');
    await fails(options({ inSample: 100.5 }), 'whole number', 'inSample');
    await fails(options({ combos: [] }), 'no combinations', 'axes');
  });
});
