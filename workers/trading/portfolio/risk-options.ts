import { valuationAsset } from '../valuation.js';
import type { ReturnInterval, RiskOptions } from './api.js';

/** Crypto trades every day and every hour: annualise by calendar periods unless told otherwise. */
export const periodsPerYearOf: Record<ReturnInterval, number> = { '1d': 365, '1h': 8760 };

export const defaultRiskOptions: RiskOptions = {
  quote: valuationAsset,
  interval: '1d',
  window: 250,
  periodsPerYear: periodsPerYearOf['1d'],
  quantileType: 7,
  riskFree: 0,
  ewmaLambda: 0.94,
  shockThreshold: 0.3,
  rules: { assetMax: 0.4, exchangeMax: 0.6, clusterMax: 0.6, clusterCorrelation: 0.7 },
};

function num(x: unknown, fallback: number, ok: (n: number) => boolean): number {
  const n = typeof x === 'string' && x.trim() !== '' ? Number(x) : x;
  return typeof n === 'number' && Number.isFinite(n) && ok(n) ? n : fallback;
}

const fraction = (n: number) => n > 0 && n <= 1;

/**
 * The risk screen's options, each checked and defaulted on its own: a bad value falls back to the
 * default rather than failing the whole screen, and the conventions the screen states are the ones used.
 * Without a periods-per-year, the interval's calendar count is used (365 daily, 8,760 hourly).
 */
export function readRiskOptions(input: unknown): RiskOptions {
  const x = (input !== null && typeof input === 'object' ? input : {}) as Partial<
    Record<keyof RiskOptions, unknown>
  >;
  const d = defaultRiskOptions;
  const interval: ReturnInterval = x.interval === '1h' ? '1h' : '1d';
  const quote =
    typeof x.quote === 'string' && /^[A-Za-z0-9]{1,16}$/.test(x.quote.trim())
      ? x.quote.trim().toUpperCase()
      : d.quote;
  const rules = (x.rules !== null && typeof x.rules === 'object' ? x.rules : {}) as Record<string, unknown>;
  return {
    quote,
    interval,
    window: Math.floor(num(x.window, d.window, (n) => n >= 2 && n <= 10_000)),
    periodsPerYear: num(x.periodsPerYear, periodsPerYearOf[interval], (n) => n > 0 && n <= 1_000_000),
    quantileType: x.quantileType === 1 || x.quantileType === '1' ? 1 : 7,
    riskFree: num(x.riskFree, d.riskFree, (n) => n > -1 && n < 1),
    ewmaLambda: num(x.ewmaLambda, d.ewmaLambda, (n) => n > 0 && n < 1),
    shockThreshold: num(x.shockThreshold, d.shockThreshold, (n) => n > 0 && n <= 2),
    rules: {
      assetMax: num(rules.assetMax, d.rules.assetMax, fraction),
      exchangeMax: num(rules.exchangeMax, d.rules.exchangeMax, fraction),
      clusterMax: num(rules.clusterMax, d.rules.clusterMax, fraction),
      clusterCorrelation: num(rules.clusterCorrelation, d.rules.clusterCorrelation, (n) => n > -1 && n <= 1),
    },
  };
}

const intervalWords: Record<ReturnInterval, { noun: string; adjective: string }> = {
  '1d': { noun: 'day', adjective: 'daily' },
  '1h': { noun: 'hour', adjective: 'hourly' },
};

export function intervalWord(interval: ReturnInterval): { noun: string; adjective: string } {
  return intervalWords[interval];
}

function percent(x: number): string {
  return `${Number((x * 100).toFixed(4))} %`;
}

/** What the screen states next to the numbers, so they can be reproduced. */
export function conventions(o: RiskOptions): string[] {
  const w = intervalWords[o.interval];
  return [
    `Returns: simple ${w.adjective} returns of ${o.quote} closes over the last ${o.window} ${w.noun}s.`,
    `Historical VaR and CVaR: R quantile type ${o.quantileType}${o.quantileType === 7 ? ' (linear interpolation, the default)' : ' (inverse of the empirical distribution)'}; CVaR is the mean of the returns at or below the VaR quantile.`,
    'Parametric VaR: Gaussian, from the mean and the sample standard deviation.',
    `Annualised with ${o.periodsPerYear} periods a year (${o.periodsPerYear === 365 ? 'crypto trades every day' : o.periodsPerYear === 8760 ? 'crypto trades every hour' : o.periodsPerYear === 252 ? 'trading days' : 'as configured'}); volatility scales by its square root.`,
    `Risk-free rate ${percent(o.riskFree)} a year in Sharpe and Sortino.`,
    `EWMA correlation with lambda ${o.ewmaLambda}; a shock is a pair whose EWMA correlation is more than ${o.shockThreshold} away from its Pearson correlation over the window.`,
  ];
}
