import { describe, expect, it } from 'vitest';
import { historicalCvar, historicalVar, parametricVar } from '../../research/stats/index.js';
import type { Insufficient, Series } from './api.js';
import { alignReturns, type Closes } from './candle-returns.js';
import { valueHoldings, type AccountHoldings } from './holdings.js';
import type { PricePoint } from './marks.js';
import { conventions, defaultRiskOptions, readRiskOptions } from './risk-options.js';
import {
  concentrationRules,
  correlation,
  drawdown,
  equityStats,
  exposure,
  guarded,
  tooShort,
  valueAtRisk,
} from './risk-report.js';

const DAY = 86_400_000;
const t0 = Date.UTC(2026, 0, 1);
const marks: Record<string, number> = { 'BTC/USDT': 50_000, 'ETH/USDT': 2_000, 'SOL/USDT': 100 };
const prices = (s: string): PricePoint | null =>
  marks[s] ? { price: marks[s], time: t0, source: 'ticker' } : null;

function holdings(...accounts: Array<[string, string, Record<string, string>]>): AccountHoldings[] {
  return accounts.map(([id, exchange, amounts]) => ({ id, label: id, venue: 'paper', exchange, amounts }));
}

function closes(values: number[], step = DAY): Closes {
  return new Map(values.map((v, i) => [t0 + i * step, v]));
}

function wave(n: number, phase: number, amp: number): number[] {
  return Array.from({ length: n }, (_, i) => 100 * (1 + amp * Math.sin(i / 3 + phase)) * (1 + 0.001 * i));
}

describe('risk statistics that need history', () => {
  it('say how much they need, in words', () => {
    const o = defaultRiskOptions;
    expect(tooShort('VaR', 6, 20, o).message).toBe(
      'VaR needs at least 20 daily returns; there are 6. Switch to hourly or wait.',
    );
    expect(tooShort('VaR', 1, 20, { ...o, interval: '1h' }).message).toBe(
      'VaR needs at least 20 hourly returns; there is 1. Wait for more history.',
    );
    const r = alignReturns([{ asset: 'BTC', closes: closes(wave(7, 0, 0.05)) }], 250);
    const v = valueAtRisk(r, 1, () => 0.5, 1000, o) as Insufficient;
    expect(v).toMatchObject({ insufficient: true, have: 6, need: 20 });
    const c = correlation(r, o) as Insufficient;
    expect(c.message).toMatch(/at least 2 priced assets/);
    const two = alignReturns(
      [
        { asset: 'BTC', closes: closes(wave(12, 0, 0.05)) },
        { asset: 'ETH', closes: closes(wave(12, 1, 0.05)) },
      ],
      250,
    );
    expect((correlation(two, o) as Insufficient).message).toBe(
      'Correlation needs at least 20 daily returns; there are 11. Switch to hourly or wait.',
    );
    const equity: Series = { times: Float64Array.of(t0, t0 + DAY), values: Float64Array.of(1, 1.01) };
    expect((equityStats(equity, o) as Insufficient).message).toBe(
      'Equity statistics needs at least 10 daily returns; there is 1. Switch to hourly or wait.',
    );
    expect((drawdown({ times: Float64Array.of(t0), values: Float64Array.of(1) }) as Insufficient).need).toBe(
      2,
    );
  });

  it('VaR of today’s holdings is that of their weighted returns, as a fraction and in money', () => {
    const btc = wave(61, 0, 0.04);
    const eth = wave(61, 2, 0.06);
    const r = alignReturns(
      [
        { asset: 'BTC', closes: closes(btc) },
        { asset: 'ETH', closes: closes(eth) },
        { asset: 'NOHISTORY', closes: new Map() },
      ],
      50,
    );
    expect(r.periods).toBe(50);
    expect(r.notes[0]).toMatch(/NOHISTORY: no price history/);
    const w: Record<string, number> = { BTC: 0.5, ETH: 0.25 };
    const v = valueAtRisk(r, 3, (a) => w[a] ?? 0, 10_000, { ...defaultRiskOptions, quantileType: 1 });
    if ('insufficient' in v) throw new Error(v.message);
    const p = Array.from({ length: 50 }, (_, t) => {
      const rb = btc[11 + t]! / btc[10 + t]! - 1;
      const re = eth[11 + t]! / eth[10 + t]! - 1;
      return 0.5 * rb + 0.25 * re;
    });
    expect(v.var95).toBeCloseTo(historicalVar(p, 0.95, 1), 12);
    expect(v.cvar99).toBeCloseTo(historicalCvar(p, 0.99, 1), 12);
    expect(v.param95).toBeCloseTo(parametricVar(p, 0.95), 12);
    expect(v.var95Value).toBeCloseTo(v.var95 * 10_000, 9);
    expect(v.n).toBe(50);
  });

  it('cash alone has nothing at risk', () => {
    const v = valueAtRisk(alignReturns([], 250), 0, () => 0, 1000, defaultRiskOptions);
    expect(v).toMatchObject({ var95: 0, cvar99: 0, n: 0 });
    const none = valueAtRisk(
      alignReturns([{ asset: 'BTC', closes: new Map() }], 250),
      1,
      () => 1,
      1000,
      defaultRiskOptions,
    );
    expect(none).toMatchObject({ insufficient: true, have: 0, need: 20 });
  });
});

describe('exposure and concentration', () => {
  it('exposure leaves the quote out; the rules say the numbers', () => {
    const valued = valueHoldings(
      holdings(['a', 'binance', { USDT: '2000', BTC: '0.1' }], ['b', 'kraken', { ETH: '1', SOL: '10' }]),
      'USDT',
      prices,
    );
    expect(valued.total).toBe(10_000);
    const e = exposure(valued, 'USDT');
    expect(e.gross).toBe(8000);
    expect(e.net).toBe(8000);
    expect(e.byAsset.map((s) => [s.key, s.weight])).toEqual([
      ['BTC', 0.5],
      ['ETH', 0.2],
      ['SOL', 0.1],
    ]);
    expect(e.byAccount.map((s) => [s.key, s.value])).toEqual([
      ['a', 5000],
      ['b', 3000],
    ]);

    const btc = wave(30, 0, 0.05);
    const r = alignReturns(
      [
        { asset: 'BTC', closes: closes(btc) },
        { asset: 'ETH', closes: closes(btc.map((x) => x * 0.04)) },
        { asset: 'SOL', closes: closes(wave(30, 1.5, 0.05)) },
      ],
      250,
    );
    const corr = correlation(r, defaultRiskOptions);
    const rules = concentrationRules(valued, 'USDT', corr, defaultRiskOptions);
    expect(rules.map((x) => [x.id, x.status, x.value, x.limit])).toEqual([
      ['asset', 'warn', 0.5, 0.4],
      ['exchange', 'warn', 0.7, 0.6],
      ['cluster', 'warn', 0.7, 0.6],
    ]);
    expect(rules[0]!.detail).toBe('BTC is 50.0 % of the portfolio; the limit is 40.0 %.');
    expect(rules[1]!.detail).toBe('binance holds 70.0 % of the portfolio; the limit is 60.0 %.');
    expect(rules[2]!.detail).toMatch(/^BTC, ETH move together \(correlation at least 0.7\) and are 70.0 %/);

    const relaxed = readRiskOptions({ rules: { assetMax: 0.6, exchangeMax: 0.8, clusterMax: 0.9 } });
    expect(concentrationRules(valued, 'USDT', corr, relaxed).map((x) => x.status)).toEqual([
      'pass',
      'pass',
      'pass',
    ]);

    // Without enough history the cluster rule is not a pass: it says it could not be checked and why.
    const short = correlation(
      alignReturns([{ asset: 'BTC', closes: closes(btc.slice(0, 5)) }], 250),
      defaultRiskOptions,
    );
    const unchecked = concentrationRules(valued, 'USDT', short, relaxed)[2]!;
    expect(unchecked.status).toBe('unknown');
    expect(unchecked.detail).toMatch(/^Not checked: /);
  });
});

describe('risk options', () => {
  it('default to 252 a year for daily returns (8,760 hourly) and state them', () => {
    expect(readRiskOptions({})).toEqual(defaultRiskOptions);
    expect(readRiskOptions({}).periodsPerYear).toBe(252);
    expect(readRiskOptions({ interval: '1h' }).periodsPerYear).toBe(8760);
    expect(readRiskOptions({ periodsPerYear: 365, quantileType: 1, window: -3 })).toMatchObject({
      periodsPerYear: 365,
      quantileType: 1,
      window: 250,
    });
    const text = conventions(readRiskOptions({ riskFree: 0.04 })).join(' ');
    expect(text).toMatch(/R quantile type 7/);
    expect(text).toMatch(/252 periods a year \(trading days\)/);
    expect(text).toMatch(/Risk-free rate 4 % a year/);
    expect(text).toMatch(/lambda 0.94/);
  });
});

describe('risk-free rate', () => {
  it('is refused on its field outside -1..1 (4 meaning 4 %) instead of silently becoming 0', () => {
    expect(() => readRiskOptions({ riskFree: 4 })).toThrow(/0\.04 for 4 %/);
    let caught: unknown = null;
    try {
      readRiskOptions({ riskFree: '4' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({
      error: { code: 'invalid-input', retryable: false, details: { field: 'riskFree' } },
    });
    expect(() => readRiskOptions({ riskFree: 'abc' })).toThrow(/fraction/);
    expect(readRiskOptions({ riskFree: -0.01 }).riskFree).toBe(-0.01);
    expect(readRiskOptions({ riskFree: '' }).riskFree).toBe(0);
  });
});

describe('drawdown and equity statistics', () => {
  it('come from the flow-adjusted equity', () => {
    const values = Float64Array.of(1, 1.1, 0.99, 1.05, 1.2, 1.08);
    const times = Float64Array.from(values, (_, i) => t0 + i * DAY);
    const d = drawdown({ times, values });
    if ('insufficient' in d) throw new Error(d.message);
    expect(d.max).toBeCloseTo(0.1, 12);
    expect(d.current).toBeCloseTo(0.1, 12);
    const long = Float64Array.from({ length: 40 }, (_, i) => 1 + 0.01 * Math.sin(i));
    const s = equityStats(
      { times: Float64Array.from(long, (_, i) => t0 + i * DAY), values: long },
      defaultRiskOptions,
    );
    if ('insufficient' in s) throw new Error(s.message);
    expect(s.n).toBe(39);
    expect(s.vol).toBeGreaterThan(0);
  });
});

describe('assets with a short history', () => {
  it('are left out before the times are intersected, with a note naming the weight VaR leaves out', () => {
    const long = closes(wave(41, 0, 0.03));
    const short = new Map([...closes(wave(41, 1, 0.05))].slice(-6));
    const r = alignReturns(
      [
        { asset: 'BTC', closes: long },
        { asset: 'ETH', closes: closes(wave(41, 2, 0.04)) },
        { asset: 'NEW', closes: short },
      ],
      30,
      20,
      (a) => (a === 'NEW' ? 0.125 : 0.4),
    );
    expect(r.assets).toEqual(['BTC', 'ETH']);
    expect(r.periods).toBe(30);
    expect(r.notes.join(' ')).toMatch(
      /NEW: only 6 closes .*21 needed.*leaves out its 12\.5 % of the portfolio/,
    );
  });
});

describe('risk sections that cannot be computed (review fixes)', () => {
  const index = (values: number[]): Series => ({
    times: Float64Array.from(values.map((_, i) => t0 + i * DAY)),
    values: Float64Array.from(values),
  });

  it('equity statistics after a wipe-out use the returns since the restart, or say what they lack', () => {
    const o = { ...defaultRiskOptions, window: 100 };
    // 1 ... 0 (wiped out) ... restart at 1: a return from 0 is undefined and must not reach the metrics.
    const few = equityStats(index([1, 1.01, 0, 1, 1.02, 1.01]), o);
    expect(few).toMatchObject({ insufficient: true });
    expect((few as Insufficient).message).toMatch(
      /wiped out on 2026-01-03.*needs at least 10 daily returns; there are 2/,
    );
    const after = Array.from({ length: 15 }, (_, i) => 1 + 0.01 * Math.sin(i));
    const ok = equityStats(index([1, 1.01, 0, ...after]), o);
    if ('insufficient' in ok) throw new Error(ok.message);
    expect(ok.n).toBe(14);
    expect(Number.isFinite(ok.vol)).toBe(true);
    expect(equityStats(index([1, NaN, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]), o)).toMatchObject({
      insufficient: true,
    });
  });

  it('the drawdown of a wiped-out index is 100 % there and restarts with the new money', () => {
    const d = drawdown(index([1, 1.2, 0, 1, 0.9]));
    if ('insufficient' in d) throw new Error(d.message);
    expect(d.max).toBe(1);
    expect(d.current).toBeCloseTo(0.1, 12);
    expect(drawdown(index([1, Infinity, 1]))).toMatchObject({ insufficient: true });
  });

  it('a statistic that throws becomes a section with a message', () => {
    expect(
      guarded('VaR', () => {
        throw new RangeError('quantile type must be 1 or 7, got 3');
      }),
    ).toEqual({
      insufficient: true,
      have: 0,
      need: 0,
      message: 'VaR could not be computed: quantile type must be 1 or 7, got 3.',
    });
  });
});
