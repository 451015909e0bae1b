import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { riskMetrics } from '../stats/risk-metrics.js';
import { barReturns, backtestMetrics } from './metrics.js';
import type { SimTrade } from './types.js';

function trade(pnl: number): SimTrade {
  return {
    entryIndex: 0,
    exitIndex: 1,
    entryTime: 0,
    exitTime: 1,
    entryPrice: 1,
    exitPrice: 1,
    units: 1,
    pnl,
    returnPct: pnl,
    fees: 0,
    bars: 1,
    exitReason: 'signal',
  };
}

const metricsOf = (equity: number[], trades: SimTrade[] = [], capital = equity[0] ?? 1, ppy = 252) =>
  backtestMetrics({
    capital,
    equity: Float64Array.from(equity),
    position: new Float64Array(equity.length).fill(1),
    trades,
    feesPaid: 0,
    periodsPerYear: ppy,
  });

const curveArb = fc
  .array(fc.double({ min: -0.2, max: 0.25, noNaN: true }), { minLength: 3, maxLength: 400 })
  .map((rs) => {
    const e = [1000];
    for (const r of rs) e.push(e.at(-1)! * (1 + r));
    return e;
  });

describe('backtestMetrics', () => {
  it('agrees with the R-checked risk statistics on the same bar returns', () => {
    fc.assert(
      fc.property(curveArb, (equity) => {
        const m = metricsOf(equity);
        const ref = riskMetrics(barReturns(Float64Array.from(equity)));
        const close = (a: number, b: number) =>
          expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
        close(m.volatility_annualised, ref.vol_annualised);
        if (ref.sd_daily_sample > 1e-12) close(m.sharpe, ref.sharpe_annualised);
        if (ref.downside_deviation_daily > 0) close(m.sortino, ref.sortino_annualised);
        close(m.max_drawdown, ref.max_drawdown);
      }),
      { numRuns: 300 },
    );
  });

  it('measures total return and CAGR from the starting capital over n - 1 periods', () => {
    const m = metricsOf([100, 110, 121, 133.1], [], 100, 3);
    expect(m.total_return).toBeCloseTo(0.331, 12);
    // Three periods at 3 a year is one year: CAGR = total return.
    expect(m.cagr).toBeCloseTo(0.331, 12);
    expect(m.final_equity).toBe(133.1);
  });

  it('counts the longest run of bars below an earlier peak', () => {
    const m = metricsOf([10, 12, 11, 11.5, 12, 13, 9, 10, 12, 12.9, 13, 14]);
    // Bars 6..9 sit below the peak of 13 (bar 10 equals it): four bars.
    expect(m.max_drawdown_duration_bars).toBe(4);
    expect(m.max_drawdown).toBeCloseTo(1 - 9 / 13, 12);
  });

  it('gives 0 Sharpe when returns do not vary and infinite ratios for gains without downside', () => {
    const flat = metricsOf([5, 5, 5, 5]);
    expect(flat.sharpe).toBe(0);
    expect(flat.sortino).toBe(0);
    expect(flat.calmar).toBe(0);
    const rising = metricsOf([1, 2, 4, 8]);
    expect(rising.sharpe).toBe(0);
    expect(rising.sortino).toBe(Infinity);
    expect(rising.calmar).toBe(Infinity);
  });

  it('computes win rate, profit factor and expectancy from trade PnLs', () => {
    const m = metricsOf([1, 2], [trade(30), trade(-10), trade(0), trade(20)]);
    expect(m.win_rate).toBe(0.5);
    expect(m.profit_factor).toBe(5);
    expect(m.expectancy).toBe(10);
    expect(metricsOf([1, 2], [trade(3)]).profit_factor).toBe(Infinity);
    const none = metricsOf([1, 2]);
    expect(
      Number.isNaN(none.profit_factor) && Number.isNaN(none.win_rate) && Number.isNaN(none.expectancy),
    ).toBe(true);
  });

  it('measures exposure as the share of bars holding a position', () => {
    const m = backtestMetrics({
      capital: 1,
      equity: Float64Array.of(1, 1, 1, 1),
      position: Float64Array.of(0, 2, 0.5, 0),
      trades: [],
      feesPaid: 0,
      periodsPerYear: 252,
    });
    expect(m.exposure).toBe(0.5);
  });
});
