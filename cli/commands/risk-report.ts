import {
  covarianceMatrix,
  ewmaCorrelationMatrix,
  ewmaSeedPeriods,
  equalWeights,
  minimumVarianceWeights,
  pearsonMatrix,
  portfolioReturns,
  riskMetrics,
  simpleReturns,
  type RiskMetrics,
} from '../../workers/research/stats/index.js';
import type { PriceTable } from '../csv-prices.js';

export interface RiskReportOptions {
  /** One per asset of the table, or null for equal weights. */
  weights: Float64Array | null;
  minVariance: boolean;
  periodsPerYear: number;
  riskFree: number;
  lambda: number;
  /** Returns used for the Pearson correlation and minimum variance; null for all of them. */
  window: number | null;
}

export type DatedMetrics = RiskMetrics & { mdd_peak_date: string; mdd_trough_date: string };

export interface RiskReport {
  input: { rows: number; returns: number; first_date: string; last_date: string };
  conventions: Record<string, string | number | null>;
  assets: Record<string, DatedMetrics>;
  portfolio: { weights: Record<string, number> } & DatedMetrics;
  correlation: {
    assets: string[];
    as_of: string;
    pearson_returns: number;
    pearson: number[][];
    ewma: number[][];
  };
  min_variance_weights?: Record<string, number>;
}

function nested(m: Float64Array, n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from(m.subarray(i * n, (i + 1) * n)));
}

function byAsset(assets: string[], values: ArrayLike<number>): Record<string, number> {
  return Object.fromEntries(assets.map((a, i) => [a, values[i] as number]));
}

/**
 * Everything `lyra risk` reports, from a table of prices. Metric indices (mdd_peak_index,
 * mdd_trough_index) are 0-based data rows of the CSV, and their dates are read from the same rows.
 */
export function riskReport(table: PriceTable, o: RiskReportOptions): RiskReport {
  const { assets, dates } = table;
  const n = assets.length;
  const returns = table.prices.map((p) => simpleReturns(p));
  const periods = returns[0]?.length ?? 0;
  const options = { periodsPerYear: o.periodsPerYear, riskFree: o.riskFree };
  const dated = (m: RiskMetrics): DatedMetrics => ({
    ...m,
    mdd_peak_date: dates[m.mdd_peak_index] as string,
    mdd_trough_date: dates[m.mdd_trough_index] as string,
  });

  const weights = o.weights ?? equalWeights(n);
  const window = o.window ?? periods;
  const matrix = new Float64Array(n * periods);
  returns.forEach((r, a) => matrix.set(r, a * periods));
  const recent = new Float64Array(n * window);
  returns.forEach((r, a) => recent.set(r.subarray(periods - window), a * window));
  const seed = ewmaSeedPeriods(o.lambda, periods);

  const report: RiskReport = {
    input: {
      rows: dates.length,
      returns: periods,
      first_date: dates[0] as string,
      last_date: dates.at(-1) as string,
    },
    conventions: {
      returns: 'simple returns r_t = P_t / P_{t-1} - 1 between consecutive rows, in file order',
      quantiles:
        'historical VaR = minus the (1 - confidence) quantile of returns: var*_hist_type7 with R type 7 (linear ' +
        'interpolation, h = (n - 1) p + 1), var*_hist_type1 with R type 1 (order statistic ceil(n p))',
      cvar: 'cvar*_hist = minus the mean of the returns at or below the type-7 quantile; cvar95_tail_count counts them',
      parametric_var:
        'var*_param_gaussian = -(mean + z sd), sample sd, z the standard normal quantile (AS 241)',
      periods_per_year: o.periodsPerYear,
      risk_free_annual: o.riskFree,
      annualisation:
        `vol = sd * sqrt(${o.periodsPerYear}); Sharpe = (mean - rf / ${o.periodsPerYear}) / sd * sqrt(${o.periodsPerYear}); ` +
        'Sortino = the same excess mean / downside deviation sqrt(sum(min(r, 0)^2) / n), daily and annualised; ' +
        `cagr = final_equity^(${o.periodsPerYear} / n) - 1; calmar = cagr / max_drawdown`,
      drawdown:
        'equity E_t = prod(1 + r), starting at 1 on the first row; max_drawdown = max of 1 - E_t / running max; ' +
        'mdd_*_index are 0-based data rows of the CSV',
      portfolio: `${o.weights ? 'weights from --weights' : 'equal weights'}, rebalanced every period: r_p = sum w_a r_a`,
      pearson: `sample Pearson correlation over the last ${window} of ${periods} returns`,
      ewma_lambda: o.lambda,
      ewma:
        'zero-mean RiskMetrics recursion S_t = lambda S_{t-1} + (1 - lambda) r_t r_t^T, seeded with the mean of ' +
        `r_t r_t^T over the first ${seed} returns (ceil(1 / (1 - lambda)), capped at the history), ` +
        'then updated with every later return; correlation at the last row',
      ewma_seed_returns: seed,
      min_variance: o.minVariance
        ? `long-only, fully invested weights minimising w^T S w, S the sample covariance of the last ${window} returns`
        : null,
      undefined_values: 'null: a ratio over zero risk, or a correlation with a constant series',
    },
    assets: Object.fromEntries(
      assets.map((a, i) => [a, dated(riskMetrics(returns[i] as Float64Array, options))]),
    ),
    portfolio: {
      weights: byAsset(assets, weights),
      ...dated(riskMetrics(portfolioReturns(returns, weights), options)),
    },
    correlation: {
      assets,
      as_of: dates.at(-1) as string,
      pearson_returns: window,
      pearson: nested(pearsonMatrix(recent, n, window), n),
      ewma: nested(ewmaCorrelationMatrix(matrix, n, periods, o.lambda), n),
    },
  };
  if (o.minVariance)
    report.min_variance_weights = byAsset(
      assets,
      minimumVarianceWeights(covarianceMatrix(recent, n, window), n),
    );
  return report;
}
