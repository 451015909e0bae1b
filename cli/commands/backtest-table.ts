import type { BacktestMetrics, Params } from '../../workers/research/backtest/types.js';
import type { BacktestReportJson, MonteCarloJson, SweepJson, WalkForwardJson } from './backtest-report.js';

const METRICS: [key: keyof BacktestMetrics, label: string, kind: 'pct' | 'num' | 'int' | 'money'][] = [
  ['start_equity', 'start equity', 'money'],
  ['final_equity', 'final equity', 'money'],
  ['total_return', 'total return', 'pct'],
  ['cagr', 'CAGR', 'pct'],
  ['volatility_annualised', 'volatility, annualised', 'pct'],
  ['sharpe', 'Sharpe', 'num'],
  ['sortino', 'Sortino', 'num'],
  ['calmar', 'Calmar', 'num'],
  ['max_drawdown', 'max drawdown', 'pct'],
  ['max_drawdown_duration_bars', 'longest drawdown (bars)', 'int'],
  ['trades', 'trades', 'int'],
  ['win_rate', 'win rate', 'pct'],
  ['profit_factor', 'profit factor', 'num'],
  ['expectancy', 'expectancy (per trade)', 'money'],
  ['exposure', 'exposure', 'pct'],
  ['fees_paid', 'fees paid', 'money'],
  ['periods_per_year', 'periods a year', 'int'],
  ['bars', 'bars', 'int'],
];

function show(v: number, kind: 'pct' | 'num' | 'int' | 'money'): string {
  if (Number.isNaN(v)) return 'n/a';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (kind === 'pct') return `${(v * 100).toFixed(2)} %`;
  if (kind === 'int') return String(Math.round(v));
  if (kind === 'money') return v.toFixed(2);
  return v.toFixed(3);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

function paramsText(p: Params): string {
  return Object.entries(p)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

function metricsTable(columns: [string, BacktestMetrics][]): string {
  return table(
    ['', ...columns.map(([name]) => name)],
    METRICS.map(([key, label, kind]) => [label, ...columns.map(([, m]) => show(m[key], kind))]),
  );
}

function sweepText(s: SweepJson): string {
  const ranked = s.cells
    .map((c, i) => ({ c, i }))
    .sort((a, b) => (Number.isNaN(b.c.score) ? -1 : Number.isNaN(a.c.score) ? 1 : b.c.score - a.c.score))
    .slice(0, 10);
  const parts = [
    `Sweep: ${s.combinations} combinations by ${s.objective} on ${s.workers} worker${s.workers === 1 ? '' : 's'} in ${(s.elapsed_ms / 1000).toFixed(1)} s` +
      (s.skipped > 0 ? ` (${s.skipped} skipped: ${s.skipped_reason})` : '') +
      '\n',
    table(
      ['params', s.objective, 'total return', 'max drawdown', 'trades', 'p', 'p Holm', 'p Bonferroni'],
      ranked.map(({ c }) => [
        paramsText(c.params),
        show(c.score, s.objective === 'total_return' || s.objective === 'cagr' ? 'pct' : 'num'),
        show(c.metrics.total_return, 'pct'),
        show(c.metrics.max_drawdown, 'pct'),
        show(c.metrics.trades, 'int'),
        c.p_value.toPrecision(3),
        c.p_holm.toPrecision(3),
        c.p_bonferroni.toPrecision(3),
      ]),
    ),
  ];
  if (s.cells.length > ranked.length)
    parts.push(`(best ${ranked.length} of ${s.cells.length} shown; --json has all)\n`);
  const d = s.deflated_sharpe;
  parts.push(
    d
      ? `Deflated Sharpe of the best: probability ${d.probability.toFixed(3)} that its Sharpe ${d.sharpe.toFixed(3)} beats the ${d.expected_max_sharpe.toFixed(3)} the best of ${d.trials} tries would show by luck\n`
      : 'Deflated Sharpe: not available (needs at least 2 combinations that ran)\n',
  );
  return parts.join('');
}

function walkForwardText(w: WalkForwardJson): string {
  return (
    `Walk-forward (${w.mode}, ${w.in_sample} bars in sample, ${w.out_of_sample} out of sample, by ${w.objective}): ${w.windows.length} windows\n` +
    table(
      ['out of sample', 'params', 'in-sample score', 'return', 'max drawdown'],
      w.windows.map((x) => [
        `${x.out_of_sample.from} to ${x.out_of_sample.to}`,
        paramsText(x.params),
        show(x.in_sample_score, 'num'),
        show(x.metrics.total_return, 'pct'),
        show(x.metrics.max_drawdown, 'pct'),
      ]),
    ) +
    'Stitched out-of-sample equity:\n' +
    metricsTable([['out of sample', w.metrics]])
  );
}

function monteCarloText(m: MonteCarloJson): string {
  const row = (label: string, q: MonteCarloJson['final_equity'], kind: 'pct' | 'money') => [
    label,
    ...[q.p5, q.p25, q.p50, q.p75, q.p95].map((v) => show(v, kind)),
  ];
  return (
    `Monte Carlo: ${m.runs} runs resampling ${m.method === 'trades' ? 'trade' : 'bar'} returns (seed ${m.seed}); ` +
    `${(m.loss_probability * 100).toFixed(1)} % of runs end below the capital\n` +
    table(
      ['', 'p5', 'p25', 'p50', 'p75', 'p95'],
      [row('final equity', m.final_equity, 'money'), row('max drawdown', m.max_drawdown, 'pct')],
    )
  );
}

/** The report as text for a terminal; --json prints the same figures in full precision. */
export function renderBacktestTable(r: BacktestReportJson): string {
  const parts: string[] = [];
  parts.push(
    `${r.input.file}${r.input.column ? ` (${r.input.column})` : ''}: ${r.input.bars} bars, ${r.input.first_date} to ${r.input.last_date}\n` +
      `${r.strategy}: ${paramsText(r.params)}; ${r.fills} fills\n`,
  );
  if (r.error)
    parts.push(`The strategy stopped at bar ${r.error.bar} (${r.error.date}): ${r.error.message}\n`);
  parts.push(metricsTable([['backtest', r.metrics]]));
  parts.push(r.conventions.map((c) => `- ${c}`).join('\n') + '\n');
  if (r.sweep) parts.push(sweepText(r.sweep));
  if (r.walk_forward) parts.push(walkForwardText(r.walk_forward));
  if (r.monte_carlo) parts.push(monteCarloText(r.monte_carlo));
  parts.push('Rounded for display; --json prints every number in full precision.\n');
  return parts.join('\n');
}
