import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CancelledError, ResearchInputError } from '../backtest/errors.js';
import type { BacktestMetrics, BacktestResult, SimTrade } from '../backtest/types.js';
import { monteCarlo } from './monte-carlo.js';
import { seededRandom } from './random.js';

function trade(returnPct: number): SimTrade {
  return {
    entryIndex: 0,
    exitIndex: 1,
    entryTime: 0,
    exitTime: 1,
    entryPrice: 1,
    exitPrice: 1 + returnPct,
    units: 1,
    pnl: returnPct,
    returnPct,
    fees: 0,
    bars: 1,
    exitReason: 'signal',
  };
}

/** Just what the Monte Carlo reads from a backtest: trades, the equity curve and the start equity. */
function resultWith(tradeReturns: number[], equity: number[] = [1, 1.01, 0.99, 1.02, 1.05]): BacktestResult {
  return {
    time: Float64Array.from(equity, (_, i) => i),
    equity: Float64Array.from(equity),
    drawdown: new Float64Array(equity.length),
    position: new Float64Array(equity.length),
    signals: [],
    fills: [],
    trades: tradeReturns.map(trade),
    metrics: { start_equity: 1 } as BacktestMetrics,
    error: null,
    conventions: [],
  };
}

const ordered = (q: { p5: number; p25: number; p50: number; p75: number; p95: number }) =>
  q.p5 <= q.p25 && q.p25 <= q.p50 && q.p50 <= q.p75 && q.p75 <= q.p95;

describe('monteCarlo', () => {
  it('keeps its percentiles ordered everywhere, drawdowns within [0, 1)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -0.3, max: 0.5, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer(),
        (returns, runs, seed) => {
          const mc = monteCarlo(resultWith(returns), { runs, method: 'trades', seed, capital: 1000 });
          expect(ordered(mc.finalEquity)).toBe(true);
          expect(ordered(mc.maxDrawdown)).toBe(true);
          expect(mc.maxDrawdown.p5).toBeGreaterThanOrEqual(0);
          expect(mc.maxDrawdown.p95).toBeLessThan(1);
          expect(mc.fan.step.length).toBe(returns.length + 1);
          for (let f = 0; f < mc.fan.step.length; f++) {
            const q = {
              p5: mc.fan.p5[f]!,
              p25: mc.fan.p25[f]!,
              p50: mc.fan.p50[f]!,
              p75: mc.fan.p75[f]!,
              p95: mc.fan.p95[f]!,
            };
            expect(ordered(q)).toBe(true);
          }
          expect(mc.fan.p50[0]).toBe(1000);
          expect(mc.histogram.counts.reduce((s, c) => s + c, 0)).toBe(runs);
          expect(mc.histogram.edges.length).toBe(mc.histogram.counts.length + 1);
          expect(mc.lossProbability).toBeGreaterThanOrEqual(0);
          expect(mc.lossProbability).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('gives every run the same path when there is one return to draw', () => {
    const mc = monteCarlo(resultWith([0.02, 0.02, 0.02, 0.02]), {
      runs: 500,
      method: 'trades',
      seed: 1,
      capital: 100,
    });
    const final = 100 * 1.02 ** 4;
    for (const v of Object.values(mc.finalEquity)) expect(v).toBeCloseTo(final, 10);
    for (const v of Object.values(mc.maxDrawdown)) expect(v).toBe(0);
    expect(mc.lossProbability).toBe(0);
    expect(mc.histogram.counts).toEqual([500]);
    for (let s = 0; s <= 4; s++) {
      expect(mc.fan.p5[s]).toBeCloseTo(100 * 1.02 ** s, 10);
      expect(mc.fan.p95[s]).toBe(mc.fan.p5[s]);
    }
    const losing = monteCarlo(resultWith([-0.1, -0.1]), {
      runs: 20,
      method: 'trades',
      seed: 1,
      capital: 100,
    });
    expect(losing.lossProbability).toBe(1);
    expect(losing.maxDrawdown.p50).toBeCloseTo(1 - 0.9 ** 2, 12);
  });

  it('repeats exactly from the same seed, and differs with another', () => {
    const r = resultWith([0.05, -0.03, 0.01, 0.08, -0.06, 0.02]);
    const a = monteCarlo(r, { runs: 300, method: 'trades', seed: 99 });
    const b = monteCarlo(r, { runs: 300, method: 'trades', seed: 99 });
    const c = monteCarlo(r, { runs: 300, method: 'trades', seed: 100 });
    expect(b).toEqual(a);
    expect(c.finalEquity).not.toEqual(a.finalEquity);
  });

  it('draws with replacement as many returns as the backtest had, in the generator’s order', () => {
    const returns = [0.1, -0.05, 0.03];
    const mc = monteCarlo(resultWith(returns), { runs: 1, method: 'trades', seed: 5, capital: 10 });
    const r = seededRandom(5);
    let equity = 10;
    for (let k = 0; k < returns.length; k++) equity *= 1 + returns[r.index(returns.length)]!;
    expect(mc.finalEquity.p50).toBe(equity);
  });

  it('resamples bar returns over as many steps as the backtest has returns', () => {
    const equity = [100, 101, 102.01, 103.0301];
    const mc = monteCarlo(resultWith([], equity), { runs: 50, method: 'bars', seed: 3 });
    // Every bar return is 1 %: each path is the backtest's own curve, from its start equity of 1.
    expect(mc.fan.step).toEqual(Float64Array.from([0, 1, 2, 3]));
    expect(mc.finalEquity.p5).toBeCloseTo(1.01 ** 3, 12);
    expect(mc.finalEquity.p95).toBeCloseTo(1.01 ** 3, 12);
  });

  it('thins the fan to at most maxFanPoints steps, first and last kept', () => {
    const returns = Array.from({ length: 100 }, (_, i) => (i % 7) / 100 - 0.02);
    const mc = monteCarlo(resultWith(returns), { runs: 200, method: 'trades', seed: 11, maxFanPoints: 11 });
    expect([...mc.fan.step]).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(mc.fan.p50[10]).toBe(mc.finalEquity.p50);
    expect(mc.fan.p95[10]).toBe(mc.finalEquity.p95);
  });

  it('reports progress up to the total and stops when asked', () => {
    const seen: number[] = [];
    monteCarlo(resultWith([0.01, -0.01]), {
      runs: 1000,
      method: 'trades',
      seed: 1,
      onProgress: (d) => seen.push(d),
    });
    expect(seen[seen.length - 1]).toBe(1000);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
    let calls = 0;
    expect(() =>
      monteCarlo(resultWith([0.01]), {
        runs: 1000,
        method: 'trades',
        seed: 1,
        shouldStop: () => ++calls > 3,
      }),
    ).toThrow(CancelledError);
  });

  it('refuses what it cannot resample, saying what to do instead', () => {
    expect(() => monteCarlo(resultWith([]), { runs: 10, method: 'trades', seed: 1 })).toThrow(
      'resample its bar returns instead',
    );
    expect(() => monteCarlo(resultWith([0.1]), { runs: 0, method: 'trades', seed: 1 })).toThrow(
      ResearchInputError,
    );
    expect(() => monteCarlo(resultWith([0.1]), { runs: 10.5, method: 'trades', seed: 1 })).toThrow(
      'whole number',
    );
    expect(() => monteCarlo(resultWith([0.1]), { runs: 10, method: 'trades', seed: 1, capital: -5 })).toThrow(
      'positive',
    );
  });

  it.each([1.7, -0.5, 2 ** 53, -(2 ** 53), Infinity, NaN])(
    'refuses the seed %s: a seed is a safe whole number',
    (seed) => {
      const error = (() => {
        try {
          monteCarlo(resultWith([0.1, -0.05]), { runs: 10, method: 'trades', seed });
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(error).toBeInstanceOf(ResearchInputError);
      expect((error as ResearchInputError).field).toBe('seed');
      expect((error as ResearchInputError).message).toContain('whole number');
    },
  );

  it('gives every whole-number seed its own paths, the high bits and the sign included', () => {
    // 40 distinct trade returns: the median path of 25 runs differs between any two streams.
    const r = resultWith(Array.from({ length: 40 }, (_, k) => 0.05 * Math.sin(k * 1.3) + k * 1e-4));
    const finals = (seed: number) => Array.from(monteCarlo(r, { runs: 25, method: 'trades', seed }).fan.p50);
    const seeds = [0, 1, -1, 2 ** 32, 2 ** 32 + 1, -(2 ** 32), 2 ** 53 - 1, -(2 ** 53 - 1)];
    const all = seeds.map(finals);
    for (let a = 0; a < seeds.length; a++)
      for (let b = a + 1; b < seeds.length; b++)
        expect(all[a], `${seeds[a]} vs ${seeds[b]}`).not.toEqual(all[b]);
  });
});
