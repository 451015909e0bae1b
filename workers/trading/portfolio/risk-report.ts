import {
  correlatedClusters,
  correlationShocks,
  ewmaCorrelationMatrix,
  historicalCvar,
  historicalVar,
  parametricVar,
  pearsonMatrix,
  portfolioReturns,
  riskMetrics,
  simpleReturns,
} from '../../research/stats/index.js';
import { timeframeMs } from '../../market/timeframes.js';
import type {
  CorrelationReport,
  EquityStats,
  ExposureReport,
  Insufficient,
  RiskOptions,
  RuleResult,
  Series,
  Slice,
  VarReport,
} from './api.js';
import { resample } from './equity-series.js';
import type { ValuedHoldings } from './holdings.js';
import type { ReturnMatrix } from './candle-returns.js';
import { intervalWord } from './risk-options.js';

/** The fewest returns each statistic is shown with: below this it is noise dressed as a number. */
export const minimums = { var: 20, correlation: 20, equityStats: 10, drawdown: 2 } as const;

function insufficient(have: number, need: number, message: string): Insufficient {
  return { insufficient: true, have, need, message };
}

/** "VaR needs at least 20 daily returns; there are 6. Switch to hourly or wait." */
export function tooShort(what: string, have: number, need: number, o: RiskOptions): Insufficient {
  const w = intervalWord(o.interval).adjective;
  const advice = o.interval === '1d' ? 'Switch to hourly or wait.' : 'Wait for more history.';
  return insufficient(
    have,
    need,
    `${what} needs at least ${need} ${w} returns; there ${have === 1 ? 'is' : 'are'} ${have}. ${advice}`,
  );
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

/** Exposure to everything that is not the quote currency (cash in the quote carries no price risk). */
export function exposure(valued: ValuedHoldings, quote: string): ExposureReport {
  let gross = 0;
  let net = 0;
  const byAsset = new Map<string, { label: string; value: number }>();
  const byAccount = new Map<string, { label: string; value: number }>();
  for (const h of valued.holdings) {
    if (h.value === null || h.asset === quote) continue;
    gross += Math.abs(h.value);
    net += h.value;
    const a = byAsset.get(h.asset) ?? { label: h.asset, value: 0 };
    a.value += h.value;
    byAsset.set(h.asset, a);
    const b = byAccount.get(h.accountId) ?? { label: h.accountLabel, value: 0 };
    b.value += Math.abs(h.value);
    byAccount.set(h.accountId, b);
  }
  // Weights are shares of the whole portfolio, so "BTC 45 %" reads the same here and on the rules.
  const slices = (m: Map<string, { label: string; value: number }>): Slice[] =>
    [...m]
      .map(([key, v]) => ({ key, ...v, weight: valued.total > 0 ? v.value / valued.total : 0 }))
      .sort((x, y) => Math.abs(y.value) - Math.abs(x.value));
  return { gross, net, byAsset: slices(byAsset), byAccount: slices(byAccount) };
}

/** "2026-04-01" for the notes. */
function day(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/**
 * Drawdown of the flow-adjusted index. An index at 0 is a total loss (drawdown 1); the index restarts
 * after it, and so does the running peak, so the curve after a wipe-out measures the new money only.
 */
export function drawdown(index: Series): { series: Series; current: number; max: number } | Insufficient {
  const n = index.values.length;
  if (n < minimums.drawdown)
    return insufficient(
      n,
      minimums.drawdown,
      'The drawdown needs at least 2 equity snapshots; Lyra records one a minute while it runs.',
    );
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(index.values[i] as number))
      return insufficient(
        0,
        minimums.drawdown,
        `The equity history has an unreadable value on ${day(index.times[i] as number)}, so no drawdown is shown.`,
      );
  const dd = new Float64Array(n);
  let peak = 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const v = index.values[i] as number;
    if (v > 0) {
      if (v > peak) peak = v;
      dd[i] = 1 - v / peak;
    } else {
      dd[i] = 1;
      peak = 0;
    }
    if ((dd[i] as number) > max) max = dd[i] as number;
  }
  return { series: { times: index.times, values: dd }, current: dd[n - 1] as number, max };
}

/**
 * VaR of today's holdings: their assets' historical returns weighted by today's values (cash in the quote
 * has no return), as a fraction of the whole portfolio and in money. `held` counts the assets besides the
 * quote: with none, nothing is at risk; an asset without history is left out (the caller notes it).
 */
export function valueAtRisk(
  returns: ReturnMatrix,
  held: number,
  weightOf: (asset: string) => number,
  total: number,
  o: RiskOptions,
): VarReport | Insufficient {
  if (held === 0)
    return {
      var95: 0,
      var99: 0,
      cvar95: 0,
      cvar99: 0,
      param95: 0,
      param99: 0,
      var95Value: 0,
      var99Value: 0,
      cvar95Value: 0,
      cvar99Value: 0,
      n: 0,
    };
  if (returns.assets.length === 0 || returns.periods < minimums.var)
    return tooShort('VaR', returns.periods, minimums.var, o);
  const byAsset = returns.assets.map((_, a) =>
    returns.m.subarray(a * returns.periods, (a + 1) * returns.periods),
  );
  const r = portfolioReturns(byAsset, returns.assets.map(weightOf));
  const v95 = historicalVar(r, 0.95, o.quantileType);
  const v99 = historicalVar(r, 0.99, o.quantileType);
  const c95 = historicalCvar(r, 0.95, o.quantileType);
  const c99 = historicalCvar(r, 0.99, o.quantileType);
  return {
    var95: v95,
    var99: v99,
    cvar95: c95,
    cvar99: c99,
    param95: parametricVar(r, 0.95),
    param99: parametricVar(r, 0.99),
    var95Value: v95 * total,
    var99Value: v99 * total,
    cvar95Value: c95 * total,
    cvar99Value: c99 * total,
    n: r.length,
  };
}

/**
 * Volatility and ratios of the flow-adjusted equity, sampled at the interval. A return is only defined
 * from a positive index: after a wipe-out (index 0) the statistics use the returns since the restart.
 */
export function equityStats(index: Series, o: RiskOptions): EquityStats | Insufficient {
  const sampled = resample(index, timeframeMs[o.interval]);
  let from = Math.max(0, sampled.values.length - o.window - 1);
  let zeroAt: number | null = null;
  for (let i = from; i < sampled.values.length; i++) {
    const v = sampled.values[i] as number;
    if (!Number.isFinite(v))
      return insufficient(
        0,
        minimums.equityStats,
        `The equity history has an unreadable value on ${day(sampled.times[i] as number)}, so no equity statistics are shown.`,
      );
    if (!(v > 0)) {
      from = i + 1;
      zeroAt = sampled.times[i] as number;
    }
  }
  const r = simpleReturns(sampled.values.subarray(from));
  if (r.length < minimums.equityStats) {
    const short = tooShort('Equity statistics', r.length, minimums.equityStats, o);
    return zeroAt === null
      ? short
      : {
          ...short,
          message: `The equity was wiped out on ${day(zeroAt)}, so equity statistics start again after it. ${short.message}`,
        };
  }
  for (const x of r)
    if (!Number.isFinite(x))
      return insufficient(
        r.length,
        minimums.equityStats,
        'A return of the equity is not a number, so no equity statistics are shown.',
      );
  const m = riskMetrics(r, { periodsPerYear: o.periodsPerYear, riskFree: o.riskFree });
  return {
    n: m.n_returns,
    vol: m.vol_annualised,
    sharpe: m.sharpe_annualised,
    sortino: m.sortino_annualised,
    calmar: m.calmar_annualised,
    maxDrawdown: m.max_drawdown,
  };
}

/**
 * A section of a view that could not be computed (a statistic refusing its input) becomes data with a
 * message, so one bad series never takes the whole screen down as an internal error.
 */
export function guarded<T>(what: string, compute: () => T): T | Insufficient {
  try {
    return compute();
  } catch (e) {
    return failed(what, e);
  }
}

/** What a section says when its statistic threw. */
export function failed(what: string, e: unknown): Insufficient {
  return insufficient(0, 0, `${what} could not be computed: ${e instanceof Error ? e.message : String(e)}.`);
}

export function correlation(returns: ReturnMatrix, o: RiskOptions): CorrelationReport | Insufficient {
  if (returns.assets.length < 2)
    return insufficient(
      returns.assets.length,
      2,
      'Correlations need at least 2 priced assets besides the quote currency.',
    );
  if (returns.periods < minimums.correlation)
    return tooShort('Correlation', returns.periods, minimums.correlation, o);
  const n = returns.assets.length;
  return {
    assets: returns.assets,
    pearson: pearsonMatrix(returns.m, n, returns.periods),
    ewma: ewmaCorrelationMatrix(returns.m, n, returns.periods, o.ewmaLambda),
    asOf: returns.asOf ?? 0,
  };
}

export function shocks(report: CorrelationReport | Insufficient, o: RiskOptions) {
  if ('insufficient' in report) return [];
  return correlationShocks(report.assets, report.ewma, report.pearson, o.shockThreshold);
}

function rule(id: RuleResult['id'], label: string, value: number, limit: number, detail: string): RuleResult {
  return { id, label, status: value > limit ? 'warn' : 'pass', value, limit, detail };
}

/** Concentration rules in the spirit of an X-ray: one asset, one exchange, one correlated cluster. */
export function concentrationRules(
  valued: ValuedHoldings,
  quote: string,
  report: CorrelationReport | Insufficient,
  o: RiskOptions,
): RuleResult[] {
  const total = valued.total;
  const share = (v: number) => (total > 0 ? v / total : 0);
  const assets = new Map<string, number>();
  const exchanges = new Map<string, number>();
  for (const h of valued.holdings) {
    if (h.value === null) continue;
    if (h.asset !== quote) assets.set(h.asset, (assets.get(h.asset) ?? 0) + h.value);
    exchanges.set(h.exchange, (exchanges.get(h.exchange) ?? 0) + h.value);
  }
  const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1])[0] ?? null;
  const { assetMax, exchangeMax, clusterMax, clusterCorrelation } = o.rules;
  const out: RuleResult[] = [];
  const a = top(assets);
  out.push(
    a
      ? rule(
          'asset',
          'Largest asset',
          share(a[1]),
          assetMax,
          `${a[0]} is ${pct(share(a[1]))} of the portfolio; the limit is ${pct(assetMax)}.`,
        )
      : rule('asset', 'Largest asset', 0, assetMax, `Nothing is held besides ${quote}.`),
  );
  const e = top(exchanges);
  out.push(
    e
      ? rule(
          'exchange',
          'Largest exchange',
          share(e[1]),
          exchangeMax,
          `${e[0]} holds ${pct(share(e[1]))} of the portfolio; the limit is ${pct(exchangeMax)}.`,
        )
      : rule('exchange', 'Largest exchange', 0, exchangeMax, 'No priced holdings.'),
  );
  if ('insufficient' in report) {
    out.push({
      ...rule('cluster', 'Correlated cluster', 0, clusterMax, `Not checked: ${report.message}`),
      status: 'unknown',
    });
    return out;
  }
  const clusters = correlatedClusters(report.pearson, report.assets.length, clusterCorrelation);
  let best: { names: string[]; weight: number } | null = null;
  for (const c of clusters) {
    const names = c.map((i) => report.assets[i]!);
    const weight = share(names.reduce((s, n) => s + (assets.get(n) ?? 0), 0));
    if (!best || weight > best.weight) best = { names, weight };
  }
  out.push(
    best
      ? rule(
          'cluster',
          'Correlated cluster',
          best.weight,
          clusterMax,
          `${best.names.join(', ')} move together (correlation at least ${clusterCorrelation}) and are ${pct(best.weight)} of the portfolio together; the limit is ${pct(clusterMax)}.`,
        )
      : rule(
          'cluster',
          'Correlated cluster',
          0,
          clusterMax,
          `No two holdings have a correlation of ${clusterCorrelation} or more.`,
        ),
  );
  return out;
}
