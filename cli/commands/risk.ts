import { readFile } from 'node:fs/promises';
import { MIN_RETURNS } from '../../workers/research/stats/index.js';
import { numberFlag, parseFlags } from '../args.js';
import type { Command } from '../command.js';
import { parsePriceCsv } from '../csv-prices.js';
import { EXIT_OK, UsageError } from '../io.js';
import { parseWeights } from '../weights-flag.js';
import { riskReport } from './risk-report.js';
import { renderRiskTable } from './risk-table.js';

const help = `Usage: lyra risk --prices FILE.csv [options]

Risk metrics of each asset and of a daily-rebalanced portfolio, from a CSV of dated closes, computed by
the same engine as the Risk screen: returns, volatility, Sharpe, Sortino, Calmar, max drawdown,
historical VaR and CVaR (R quantile types 7 and 1), Gaussian VaR, Pearson and EWMA correlations.

The CSV has a header with a date column (date, time or timestamp), an optional index column
(ignored) and one column of positive prices per asset, one row per date, oldest first.

Options:
  --prices FILE          the CSV of closes (required)
  --weights A=W,B=W,...  portfolio weights, summing to 1; assets left out get 0 (default: equal weights)
  --min-variance         also print long-only, fully invested minimum-variance weights
  --periods-per-year N   for annualising: 252 (default) for trading days, 365 for crypto
  --rf RATE              annual risk-free rate as a fraction for Sharpe and Sortino (default 0)
  --lambda L             EWMA decay in (0, 1) (default 0.94)
  --window N             use the last N returns for the Pearson correlation and minimum variance
                         (default: all)
  --json                 print JSON (full precision) instead of tables
  -h, --help             this help

Exit codes: 0 done, 2 bad input (the message says what and where), 1 anything else.
`;

const flags = {
  prices: { type: 'string' },
  weights: { type: 'string' },
  'min-variance': { type: 'boolean' },
  'periods-per-year': { type: 'string' },
  rf: { type: 'string' },
  lambda: { type: 'string' },
  window: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function readPrices(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`no such file: ${file}`);
    if (code === 'EISDIR') throw new UsageError(`${file} is a directory, not a CSV file`);
    throw new UsageError(`cannot read ${file}: ${code ?? (e as Error).message}`);
  }
}

export const riskCommand: Command = {
  name: 'risk',
  summary: 'risk metrics, VaR/CVaR and correlations from a CSV of prices',
  help,
  async run(argv, io) {
    const v = parseFlags(argv, flags, 'risk');
    if (v.help) {
      io.out(help);
      return EXIT_OK;
    }
    if (v.prices === undefined) throw new UsageError('--prices FILE is required. See: lyra risk --help');
    const periodsPerYear = numberFlag('periods-per-year', v['periods-per-year'], 252, {
      min: 0,
      exclusiveMin: true,
    });
    const riskFree = numberFlag('rf', v.rf, 0);
    const lambda = numberFlag('lambda', v.lambda, 0.94, {
      min: 0,
      max: 1,
      exclusiveMin: true,
      exclusiveMax: true,
    });
    const window =
      v.window === undefined ? null : numberFlag('window', v.window, 0, { integer: true, min: 2 });

    const table = parsePriceCsv(await readPrices(v.prices), v.prices);
    const returns = table.dates.length - 1;
    if (returns < MIN_RETURNS)
      throw new UsageError(
        `${v.prices} has ${table.dates.length} rows: risk metrics need at least ${MIN_RETURNS + 1} (${MIN_RETURNS} returns)`,
      );
    if (window !== null && window > returns)
      throw new UsageError(
        `--window ${window} needs ${window + 1} rows of prices; ${v.prices} has ${returns + 1}`,
      );
    const weights = v.weights === undefined ? null : parseWeights(v.weights, table.assets);

    const report = riskReport(table, {
      weights,
      minVariance: v['min-variance'] ?? false,
      periodsPerYear,
      riskFree,
      lambda,
      window,
    });
    io.out(v.json ? JSON.stringify(report, null, 2) + '\n' : renderRiskTable(report));
    return EXIT_OK;
  },
};
