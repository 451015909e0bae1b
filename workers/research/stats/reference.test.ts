import { describe, expect, it } from 'vitest';
import {
  downsideDeviation,
  historicalCvar,
  historicalVar,
  maxDrawdown,
  mean,
  parametricVar,
  riskMetrics,
  sampleSd,
  simpleReturns,
  type RiskMetrics,
} from './index.js';
import { referenceAssets, referenceMetrics, referencePrices, relClose } from './test-support/reference.js';

// The R reference (test/fixtures/reference/README.md): every metric of every index to 1e-12 relative,
// counts and indices exactly.
const { prices } = referencePrices();

describe.each(referenceAssets)('%s against the R reference', (name) => {
  const expected = referenceMetrics[name] as Record<string, number | string>;
  const returns = simpleReturns(prices[name] as Float64Array);
  const metrics = riskMetrics(returns) as unknown as Record<string, number>;
  const numericKeys = Object.keys(expected).filter((k) => typeof expected[k] === 'number');

  it('covers every numeric metric of the reference', () => {
    expect(numericKeys.length).toBe(20);
    for (const key of numericKeys) expect(metrics, key).toHaveProperty(key);
  });

  it.each(numericKeys)('%s', (key) => {
    const want = expected[key] as number;
    const got = metrics[key] as number;
    if (Number.isInteger(want) && key !== 'final_equity') expect(got).toBe(want);
    else expect(relClose(got, want), `${key}: ${got} vs ${want}`).toBe(true);
  });

  it('gives the same numbers through the single-purpose functions', () => {
    const e = expected as Record<keyof RiskMetrics, number>;
    const pairs: [number, number][] = [
      [mean(returns), e.mean_daily],
      [sampleSd(returns), e.sd_daily_sample],
      [downsideDeviation(returns), e.downside_deviation_daily],
      [historicalVar(returns, 0.95), e.var95_hist_type7],
      [historicalVar(returns, 0.99), e.var99_hist_type7],
      [historicalVar(returns, 0.95, 1), e.var95_hist_type1],
      [historicalVar(returns, 0.99, 1), e.var99_hist_type1],
      [historicalCvar(returns, 0.95), e.cvar95_hist],
      [parametricVar(returns, 0.95), e.var95_param_gaussian],
      [parametricVar(returns, 0.99), e.var99_param_gaussian],
      [maxDrawdown(returns).maxDrawdown, e.max_drawdown],
    ];
    for (const [got, want] of pairs) expect(relClose(got, want), `${got} vs ${want}`).toBe(true);
    const mdd = maxDrawdown(returns);
    expect([mdd.peakIndex, mdd.troughIndex]).toEqual([e.mdd_peak_index, e.mdd_trough_index]);
  });

  it('adds cagr, calmar and cvar99 consistent with the reference figures', () => {
    const e = expected as Record<string, number>;
    const years = (e.n_returns as number) / 252;
    expect(relClose(metrics.cagr as number, (e.final_equity as number) ** (1 / years) - 1)).toBe(true);
    expect(
      relClose(metrics.calmar_annualised as number, (metrics.cagr as number) / (e.max_drawdown as number)),
    ).toBe(true);
    expect(metrics.cvar99_hist).toBeGreaterThanOrEqual(e.var99_hist_type7 as number);
    expect(metrics.cvar99_hist).toBeGreaterThan(e.cvar95_hist as number);
  });
});

describe('riskMetrics options', () => {
  const returns = simpleReturns(prices.DAX as Float64Array);
  const base = riskMetrics(returns);

  it('uses the excess return over the per-period risk-free rate for Sharpe and Sortino only', () => {
    const withRf = riskMetrics(returns, { riskFree: 0.03 });
    const excess = base.mean_daily - 0.03 / 252;
    expect(relClose(withRf.sharpe_annualised, (excess / base.sd_daily_sample) * Math.sqrt(252))).toBe(true);
    expect(relClose(withRf.sortino_daily, excess / base.downside_deviation_daily)).toBe(true);
    expect(withRf.vol_annualised).toBe(base.vol_annualised);
    expect(withRf.var95_hist_type7).toBe(base.var95_hist_type7);
  });

  it('annualises with the given periods per year', () => {
    const crypto = riskMetrics(returns, { periodsPerYear: 365 });
    expect(relClose(crypto.vol_annualised, base.sd_daily_sample * Math.sqrt(365))).toBe(true);
    expect(relClose(crypto.cagr, base.final_equity ** (365 / returns.length) - 1)).toBe(true);
  });

  it('says how much history it needs when given too little, and which return is not a number', () => {
    expect(() => riskMetrics([0.01])).toThrow(/at least 2 returns.*got 1/);
    expect(() => riskMetrics([0.01, NaN, 0.02])).toThrow(/return 1 is NaN/);
  });

  it('reports undefined ratios as NaN rather than infinities', () => {
    const up = riskMetrics([0.01, 0.02, 0.03]);
    expect(up.max_drawdown).toBe(0);
    expect(up.calmar_annualised).toBeNaN();
    expect(up.sortino_daily).toBeNaN();
    const flat = riskMetrics([0.01, 0.01, 0.01]);
    expect(flat.sharpe_annualised).toBeNaN();
  });
});
