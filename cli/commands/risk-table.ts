import type { DatedMetrics, RiskReport } from './risk-report.js';

const ROWS: [key: keyof DatedMetrics, label: string][] = [
  ['n_returns', 'returns'],
  ['mean_daily', 'mean return'],
  ['sd_daily_sample', 'sd (sample)'],
  ['vol_annualised', 'volatility, annualised'],
  ['sharpe_annualised', 'Sharpe, annualised'],
  ['downside_deviation_daily', 'downside deviation'],
  ['sortino_daily', 'Sortino'],
  ['sortino_annualised', 'Sortino, annualised'],
  ['cagr', 'CAGR'],
  ['calmar_annualised', 'Calmar'],
  ['max_drawdown', 'max drawdown'],
  ['mdd_peak_date', '  peak'],
  ['mdd_trough_date', '  trough'],
  ['final_equity', 'final equity (start 1)'],
  ['var95_hist_type7', 'VaR 95 % hist (type 7)'],
  ['var99_hist_type7', 'VaR 99 % hist (type 7)'],
  ['var95_hist_type1', 'VaR 95 % hist (type 1)'],
  ['var99_hist_type1', 'VaR 99 % hist (type 1)'],
  ['cvar95_hist', 'CVaR 95 % hist'],
  ['cvar99_hist', 'CVaR 99 % hist'],
  ['var95_param_gaussian', 'VaR 95 % Gaussian'],
  ['var99_param_gaussian', 'VaR 99 % Gaussian'],
];

function show(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v !== 'number' || Number.isNaN(v)) return 'n/a';
  if (Number.isInteger(v)) return String(v);
  return v.toPrecision(6);
}

/** Weights without trailing zeros: 0.25, not 0.250000. */
function weight(v: number | undefined): string {
  return v === undefined ? 'n/a' : String(Number(v.toPrecision(6)));
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number)))
      .join('  ');
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

function matrix(title: string, assets: string[], m: number[][]): string {
  return `${title}\n${table(
    ['', ...assets],
    m.map((row, i) => [assets[i] as string, ...row.map((v) => (Number.isFinite(v) ? v.toFixed(3) : 'n/a'))]),
  )}`;
}

/** The report as text tables for a terminal; the JSON form carries the same numbers in full precision. */
export function renderRiskTable(r: RiskReport): string {
  const names = Object.keys(r.assets);
  const columns: DatedMetrics[] = [...names.map((a) => r.assets[a] as DatedMetrics), r.portfolio];
  const parts: string[] = [];
  parts.push(
    `${r.input.rows} rows, ${r.input.first_date} to ${r.input.last_date}; ` +
      `${r.conventions.periods_per_year} periods a year, risk-free ${r.conventions.risk_free_annual}\n`,
  );
  parts.push(
    table(
      ['', ...names, 'portfolio'],
      ROWS.map(([key, label]) => [label, ...columns.map((c) => show(c[key]))]),
    ),
  );
  const weights = names.map((a) => `${a} ${weight(r.portfolio.weights[a])}`).join(', ');
  parts.push(`portfolio weights: ${weights} (${r.conventions.portfolio})\n`);
  parts.push(
    matrix(
      `Pearson correlation, last ${r.correlation.pearson_returns} returns`,
      names,
      r.correlation.pearson,
    ),
  );
  parts.push(
    matrix(
      `EWMA correlation (lambda ${r.conventions.ewma_lambda}) at ${r.correlation.as_of}`,
      names,
      r.correlation.ewma,
    ),
  );
  if (r.min_variance_weights) {
    const mv = r.min_variance_weights;
    parts.push(
      `minimum-variance weights (long-only): ${names.map((a) => `${a} ${weight(mv[a])}`).join(', ')}\n`,
    );
  }
  parts.push('Rounded for display; --json prints every number in full precision.\n');
  return parts.join('\n');
}
