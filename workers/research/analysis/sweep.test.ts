import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CancelledError, ResearchInputError } from '../backtest/errors.js';
import { runBacktest } from '../backtest/engine.js';
import type { BacktestMetrics, Strategy } from '../backtest/types.js';
import { resolveStrategy } from '../strategies/registry.js';
import type { StrategySpec } from '../strategies/spec.js';
import { perBarSharpe, returnStats } from './return-stats.js';
import { bonferroni, deflatedSharpe, holm, meanReturnPValue } from './significance.js';
import { sweepCellOf, sweepCells, withParams } from './sweep-cells.js';
import { planSweep } from './sweep-plan.js';
import { bestIndex, finishSweep, scoreOf } from './sweep.js';
import { closeConfig, daxBars } from './test-support.js';

const smaCross: StrategySpec = { kind: 'builtin', id: 'sma-cross', params: {} };

describe('planSweep', () => {
  it('resolves the spec, fills defaults and skips what sma-cross refuses', () => {
    const plan = planSweep(smaCross, [
      { param: 'fast', from: 10, to: 50, step: 20 },
      { param: 'slow', values: [30, 100] },
    ]);
    expect(plan.strategy.id).toBe('sma-cross');
    // fast 10, 30, 50 x slow 30, 100: 30/30 and 50/30 refused.
    expect(plan.combos).toEqual([
      { fast: 10, slow: 30 },
      { fast: 10, slow: 100 },
      { fast: 30, slow: 100 },
      { fast: 50, slow: 100 },
    ]);
    expect(plan.skipped).toBe(2);
    expect(plan.skippedReason).toContain('fast (30) must be shorter than slow (30)');
  });

  it('refuses a param sma-cross does not have', () => {
    expect(() => planSweep(smaCross, [{ param: 'period', values: [3] }])).toThrow(ResearchInputError);
  });
});

describe('sweepCells', () => {
  const bars = daxBars();
  const combos = [
    { fast: 5, slow: 20 },
    { fast: 10, slow: 50 },
    { fast: 20, slow: 100 },
  ];

  it('gives each combo the metrics of its own backtest and the t-test of its bar returns', () => {
    const seen: number[] = [];
    const cells = sweepCells(bars, smaCross, closeConfig, combos, { onProgress: (d) => seen.push(d) });
    expect(seen).toEqual([1, 2, 3]);
    cells.forEach((cell, c) => {
      const { strategy, params } = resolveStrategy(withParams(smaCross, combos[c]!));
      const run = runBacktest(bars, strategy, params, closeConfig);
      expect(cell.params).toEqual(combos[c]);
      expect(cell.metrics).toEqual(run.metrics);
      expect(cell.error).toBeNull();
      // The t statistic by hand from the equity curve.
      const r = Array.from(
        { length: run.equity.length - 1 },
        (_, t) => run.equity[t + 1]! / run.equity[t]! - 1,
      );
      const m = r.reduce((s, x) => s + x, 0) / r.length;
      const sd = Math.sqrt(r.reduce((s, x) => s + (x - m) ** 2, 0) / (r.length - 1));
      expect(cell.returns.n).toBe(r.length);
      expect(cell.returns.mean).toBeCloseTo(m, 15);
      expect(cell.returns.sd).toBeCloseTo(sd, 15);
      expect(cell.pValue).toBeCloseTo(meanReturnPValue(m, sd, r.length), 12);
      // Per-bar Sharpe annualised is the metrics' Sharpe.
      expect(perBarSharpe(cell.returns) * Math.sqrt(252)).toBeCloseTo(run.metrics.sharpe, 12);
    });
  });

  it('stops between combos when asked', () => {
    let calls = 0;
    expect(() => sweepCells(bars, smaCross, closeConfig, combos, { shouldStop: () => ++calls > 1 })).toThrow(
      CancelledError,
    );
  });

  it('refuses params for a rule set, which has none', () => {
    const rules: StrategySpec = {
      kind: 'rules',
      rules: {
        name: 'r',
        entry: { join: 'and', items: [] },
        exit: { join: 'and', items: [] },
        exits: { stopLoss: null, takeProfit: null, trailing: null },
        size: { kind: 'equity-fraction', fraction: 1 },
      },
    };
    expect(() => withParams(rules, { fast: 3 })).toThrow('a rule set has no parameters to sweep');
    expect(withParams(rules, {})).toBe(rules);
  });
});

describe('scoreOf and bestIndex', () => {
  it('ranks NaN last, Infinity first, and the first of equals', () => {
    expect(bestIndex([NaN, 1, 3, 3, NaN])).toBe(2);
    expect(bestIndex([1, Infinity, 5])).toBe(1);
    expect(bestIndex([NaN, NaN])).toBe(-1);
    expect(bestIndex([])).toBe(-1);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double({ noNaN: true }), fc.constant(NaN))), (scores) => {
        const b = bestIndex(scores);
        const numbers = scores.filter((s) => !Number.isNaN(s));
        if (numbers.length === 0) expect(b).toBe(-1);
        else {
          expect(scores[b]).toBe(Math.max(...numbers));
          expect(scores.indexOf(scores[b]!)).toBe(b);
        }
      }),
    );
  });

  it('reads the objective from the metrics', () => {
    const m = { sharpe: 1.5, total_return: 0.2, cagr: 0.1, calmar: 2, sortino: NaN } as BacktestMetrics;
    expect(scoreOf(m, 'sharpe')).toBe(1.5);
    expect(scoreOf(m, 'calmar')).toBe(2);
    expect(scoreOf(m, 'sortino')).toBeNaN();
  });
});

describe('finishSweep', () => {
  const bars = daxBars();
  const plan = planSweep(smaCross, [
    { param: 'fast', from: 5, to: 30, step: 5 },
    { param: 'slow', from: 40, to: 120, step: 20 },
  ]);
  const drafts = sweepCells(bars, smaCross, closeConfig, plan.combos);

  it('scores, adjusts, picks the best and deflates its Sharpe over every trial', () => {
    const result = finishSweep(drafts, plan.axes, 'sharpe', 2, 123);
    expect(result.cells.length).toBe(drafts.length);
    expect(result.workers).toBe(2);
    expect(result.elapsedMs).toBe(123);
    expect(result.axes).toEqual([
      { param: 'fast', values: [5, 10, 15, 20, 25, 30] },
      { param: 'slow', values: [40, 60, 80, 100, 120] },
    ]);
    const sharpes = drafts.map((d) => d.metrics.sharpe);
    expect(result.cells.map((c) => c.score)).toEqual(sharpes);
    expect(result.best).toBe(sharpes.indexOf(Math.max(...sharpes)));
    const p = drafts.map((d) => d.pValue);
    expect(result.cells.map((c) => c.pBonferroni)).toEqual(bonferroni(p));
    expect(result.cells.map((c) => c.pHolm)).toEqual(holm(p));
    const dsr = deflatedSharpe({
      sharpes: drafts.map((d) => perBarSharpe(d.returns)),
      best: result.best,
      T: bars.time.length - 1,
      skewness: drafts[result.best]!.returns.skewness,
      kurtosis: drafts[result.best]!.returns.kurtosis,
    })!;
    expect(result.deflatedSharpe!.trials).toBe(drafts.length);
    expect(result.deflatedSharpe!.probability).toBe(dsr.probability);
    expect(result.deflatedSharpe!.sharpe).toBeCloseTo(result.cells[result.best]!.metrics.sharpe, 12);
    expect(result.deflatedSharpe!.expectedMaxSharpe).toBeCloseTo(dsr.expectedMaxSharpe * Math.sqrt(252), 12);
  });

  it('ranks a cell with an error last and leaves it out of the trials', () => {
    const clean = finishSweep(drafts, plan.axes, 'total_return', 1, 0);
    const returns = drafts.map((d) => d.metrics.total_return);
    const runnerUp = returns.indexOf(Math.max(...returns.filter((_, i) => i !== clean.best)));
    const broken = drafts.map((d, i) => (i === clean.best ? { ...d, error: 'bar 9: boom' } : d));
    const result = finishSweep(broken, plan.axes, 'total_return', 1, 0);
    expect(result.cells[clean.best]!.score).toBeNaN();
    expect(result.cells[clean.best]!.error).toBe('bar 9: boom');
    expect(result.best).toBe(runnerUp);
    expect(result.deflatedSharpe!.trials).toBe(drafts.length - 1);
  });

  it('leaves a failed run out of Bonferroni and Holm: its p-value is NaN, the others are corrected for fewer tests', () => {
    // sma-cross 5/40 that throws at bar 1500: its equity stops there, long enough for a t statistic.
    const { strategy: sma, params } = resolveStrategy(withParams(smaCross, { fast: 5, slow: 40 }));
    const breaks: Strategy = {
      ...sma,
      prepare(b, p) {
        const prepared = sma.prepare(b, p);
        return {
          onBar(ctx) {
            if (ctx.i === 1500) throw new Error('boom');
            prepared.onBar(ctx);
          },
        };
      },
    };
    const failedRun = runBacktest(bars, breaks, params, closeConfig);
    expect(failedRun.error?.i).toBe(1500);
    const failed = sweepCellOf(params, failedRun);
    expect(failed.error).toBe('bar 1500: boom');
    expect(failed.pValue).toBeNaN();

    const withFailed = [...drafts, failed];
    const result = finishSweep(withFailed, plan.axes, 'sharpe', 1, 0);
    const last = result.cells[drafts.length]!;
    expect(last.pValue).toBeNaN();
    expect(last.pBonferroni).toBeNaN();
    expect(last.pHolm).toBeNaN();
    // The clean cells are corrected exactly as without the failed one.
    const clean = finishSweep(drafts, plan.axes, 'sharpe', 1, 0);
    expect(result.cells.slice(0, drafts.length).map((c) => c.pBonferroni)).toEqual(
      clean.cells.map((c) => c.pBonferroni),
    );
    expect(result.cells.slice(0, drafts.length).map((c) => c.pHolm)).toEqual(clean.cells.map((c) => c.pHolm));
    const smallest = Math.min(...drafts.map((d) => d.pValue));
    expect(Math.min(...result.cells.map((c) => c.pBonferroni).filter((p) => !Number.isNaN(p)))).toBe(
      Math.min(1, smallest * drafts.length),
    );
  });

  it('leaves out a cell marked failed even when its draft carries a p-value', () => {
    const broken = drafts.map((d, i) => (i === 0 ? { ...d, error: 'bar 9: boom' } : d));
    expect(Number.isNaN(broken[0]!.pValue)).toBe(false);
    const result = finishSweep(broken, plan.axes, 'sharpe', 1, 0);
    expect(result.cells[0]!.pValue).toBeNaN();
    expect(result.cells[0]!.pBonferroni).toBeNaN();
    expect(result.cells[0]!.pHolm).toBeNaN();
    const rest = drafts.slice(1).map((d) => d.pValue);
    expect(result.cells.slice(1).map((c) => c.pBonferroni)).toEqual(bonferroni(rest));
    expect(result.cells.slice(1).map((c) => c.pHolm)).toEqual(holm(rest));
  });

  it('has no best and no deflated Sharpe without a score', () => {
    const result = finishSweep(
      drafts.slice(0, 2).map((d) => ({ ...d, error: 'x' })),
      plan.axes,
      'sharpe',
      1,
      0,
    );
    expect(result.best).toBe(-1);
    expect(result.deflatedSharpe).toBeNull();
  });

  it('computes return moments that match a direct computation', () => {
    const e = Float64Array.from([100, 102, 101, 105, 104, 108, 107]);
    const r = [...e.subarray(1)].map((v, t) => v / e[t]! - 1);
    const m = r.reduce((s, x) => s + x, 0) / r.length;
    const c2 = r.reduce((s, x) => s + (x - m) ** 2, 0) / r.length;
    const c3 = r.reduce((s, x) => s + (x - m) ** 3, 0) / r.length;
    const c4 = r.reduce((s, x) => s + (x - m) ** 4, 0) / r.length;
    const s = returnStats(e);
    expect(s.skewness).toBeCloseTo(c3 / c2 ** 1.5, 12);
    expect(s.kurtosis).toBeCloseTo(c4 / c2 ** 2, 12);
  });
});
