import { EngineFailure, engineError } from '../../shared/errors.js';
import { valuationAsset } from '../valuation.js';
import type { ReturnInterval, RiskOptions } from './api.js';

/**
 * Annualisation unless told otherwise: 252 trading days a year for daily returns (the convention the
 * issue and the R reference state; 365 for crypto is an option), and 8,760 for hourly returns, which only
 * crypto has around the clock (252 x 24 would assume hours that never trade).
 */
export const periodsPerYearOf: Record<ReturnInterval, number> = { '1d': 252, '1h': 8760 };

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
 * Without a periods-per-year, the interval's default is used (252 daily, 8,760 hourly). A risk-free rate
 * outside -1..1 is refused on its field: it is most likely a percentage (4 for 4 %), and silently using
 * 0 instead would state a rate the user did not choose.
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
    riskFree: riskFreeOf(x.riskFree),
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

function riskFreeOf(x: unknown): number {
  if (x === undefined || x === null || (typeof x === 'string' && x.trim() === ''))
    return defaultRiskOptions.riskFree;
  const n = typeof x === 'string' ? Number(x) : x;
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw new EngineFailure(
      engineError('invalid-input', 'Enter the risk-free rate as a fraction, like 0.04 for 4 %.', false, {
        field: 'riskFree',
      }),
    );
  if (n < -1 || n > 1)
    throw new EngineFailure(
      engineError(
        'invalid-input',
        `A risk-free rate of ${n} is ${n * 100} % a year: enter it as a fraction between -1 and 1, like ${n / 100} for ${n} %.`,
        false,
        { field: 'riskFree' },
      ),
    );
  return n;
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
    `Returns: simple ${w.adjective} returns of each holding's closes in ${o.quote}, over the last ${o.window} ${w.noun}s.`,
    `Historical VaR and CVaR: R quantile type ${o.quantileType}${o.quantileType === 7 ? ' (linear interpolation, the default)' : ' (inverse of the empirical distribution)'}; CVaR is the mean of the returns at or below the VaR quantile.`,
    'Parametric VaR: Gaussian, from the mean and the sample standard deviation.',
    `Annualised with ${o.periodsPerYear} periods a year (${o.periodsPerYear === 365 ? 'crypto trades every day' : o.periodsPerYear === 8760 ? 'crypto trades every hour' : o.periodsPerYear === 252 ? 'trading days' : 'as configured'}); volatility scales by its square root.`,
    `Risk-free rate ${percent(o.riskFree)} a year in Sharpe and Sortino.`,
    `EWMA correlation with lambda ${o.ewmaLambda}; a shock is a pair whose EWMA correlation is more than ${o.shockThreshold} away from its Pearson correlation over the window.`,
  ];
}
