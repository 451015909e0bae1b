import os from 'node:os';
import { estimateSweep } from '../../workers/research/analysis/grid.js';
import { MAX_MONTE_CARLO_RUNS, monteCarlo } from '../../workers/research/analysis/monte-carlo.js';
import { sweepCells } from '../../workers/research/analysis/sweep-cells.js';
import { planSweep, type SweepPlan } from '../../workers/research/analysis/sweep-plan.js';
import { finishSweep } from '../../workers/research/analysis/sweep.js';
import { inProcessEvaluator, walkForward } from '../../workers/research/analysis/walk-forward.js';
import type { Objective } from '../../workers/research/api.js';
import { runBacktest } from '../../workers/research/backtest/engine.js';
import { ResearchInputError } from '../../workers/research/backtest/errors.js';
import type { BacktestConfig, Bars } from '../../workers/research/backtest/types.js';
import { nodeWorkerPool } from '../../workers/research/pool/node-pool.js';
import { poolWindowEvaluator } from '../../workers/research/pool/pool-evaluator.js';
import type { WorkerPool } from '../../workers/research/pool/pool.js';
import { resolveStrategy } from '../../workers/research/strategies/registry.js';
import type { StrategySpec } from '../../workers/research/strategies/spec.js';
import { numberFlag, parseFlags } from '../args.js';
import { readBarsCsv } from '../bars-csv.js';
import type { Command } from '../command.js';
import { EXIT_OK, UsageError } from '../io.js';
import {
  backtestFlags,
  configFromFlags,
  objectiveFlag,
  paramsFromFlags,
  parseSweepSpec,
  type BacktestFlagValues,
} from './backtest-flags.js';
import {
  backtestJson,
  monteCarloJson,
  sweepJson,
  walkForwardJson,
  type BacktestReportJson,
  type DateOf,
} from './backtest-report.js';
import { renderBacktestTable } from './backtest-table.js';

const help = `Usage: lyra backtest --csv FILE --strategy ID [--PARAM V ...] [options]

Backtests a built-in strategy on bars from a CSV file with the same engine as the Backtest screen:
spot, long only, signals at each bar's close, fees and slippage on every fill. Optionally sweeps a
grid of params, walks forward, and bootstraps the result (Monte Carlo).

The CSV has a header with a date column (date, time or timestamp) and either open, high, low, close
(and volume) columns or price columns, one of which is the close (--column). Dates are ISO dates or
date-times (UTC unless they carry an offset) or epoch seconds or milliseconds.

Strategies and their params (defaults in brackets):
  sma-cross          --fast [10] --slow [50]: long while SMA(fast) > SMA(slow)
  rsi-reversion      --period [14] --lower [30] --upper [70]: buy below lower, sell above upper
  donchian-breakout  --entry [20] --exit [10]: buy above the entry-bar high, sell below the exit-bar low

Options:
  --csv FILE              the bars (required)
  --column NAME           the close, for a file with several price columns (e.g. DAX)
  --fix-order             sort rows oldest first and keep the last of repeated times
  --strategy ID           one of the strategies above (required)
  --fee F                 fee per fill as a fraction of notional (default 0.001, 0.1 %)
  --slippage-bps N        buys pay N basis points more, sells get N less (default 0)
  --execution close|next-open
                          fill at the signal bar's close (default) or the next bar's open
  --capital N             starting cash (default 10000)
  --periods-per-year N    for annualising (default: from the bars' spacing, 252 for weekday data)
  --json                  print JSON (full precision, dates as in the CSV) instead of tables
  -h, --help              this help

Sweep, walk-forward and Monte Carlo:
  --sweep AXES            backtest every combination, e.g. fast=5:30:5,slow=20:100:10
                          (param=from:to:step, or param=value); reports p-values corrected for the
                          number of combinations (Holm, Bonferroni) and the deflated Sharpe ratio
  --objective NAME        what "best" means: sharpe (default), total_return, cagr, calmar, sortino
  --workers N             threads for sweeps and walk-forward (default: every CPU core when the
                          work is big enough to repay starting them, else this thread)
  --walk-forward          optimise on each in-sample window, test the best on the next window only
  --sweep-axes AXES       the walk-forward grid (default: the --sweep axes)
  --in-sample N           bars in each in-sample window (required with --walk-forward)
  --out-of-sample N       bars in each out-of-sample window (required with --walk-forward)
  --anchored              in-sample windows all start at the first bar (default: rolling)
  --monte-carlo N         bootstrap N paths of the backtest's returns
  --method trades|bars    resample trade returns (default) or bar returns
  --seed N                the resampling seed (default 1): the same seed gives the same result

Exit codes: 0 done, 2 bad input (the message says what and where), 1 anything else.
`;

/**
 * The flag a ResearchInputError's field came from, to put in front of its message; `axesFlag` is the
 * flag the axes of the work at hand came from (--sweep, or --sweep-axes for walk-forward).
 */
function flagOf(field: string, axesFlag: string): string | null {
  const map: Record<string, string> = {
    'config.fee': '--fee',
    'config.capital': '--capital',
    'config.execution': '--execution',
    'config.periodsPerYear': '--periods-per-year',
    inSample: '--in-sample',
    outOfSample: '--out-of-sample',
    runs: '--monte-carlo',
    method: '--method',
    seed: '--seed',
  };
  if (field in map) return map[field] as string;
  if (field.startsWith('config.slippage')) return '--slippage-bps';
  if (field.startsWith('params.')) return `--${field.slice('params.'.length)}`;
  if (field.startsWith('axes')) return axesFlag;
  return null;
}

/**
 * Bad input found by the engine becomes a usage error, named after the flag it came from (`axesFlag`:
 * the flag the axes came from, when the work has axes).
 */
async function asUsage<T>(work: () => T | Promise<T>, axesFlag = '--sweep'): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof ResearchInputError) {
      const flag = flagOf(e.field, axesFlag);
      throw new UsageError(flag ? `${flag}: ${e.message}` : e.message);
    }
    throw e;
  }
}

interface Analyses {
  sweepAxes: string | null;
  walkForward: { axes: string; mode: 'rolling' | 'anchored'; inSample: number; outOfSample: number } | null;
  monteCarlo: { runs: number; method: 'trades' | 'bars'; seed: number } | null;
  objective: Objective;
  workers: number;
  /** --workers was given: use that many threads whatever the size of the work. */
  workersGiven: boolean;
}

function analysesFromFlags(v: BacktestFlagValues): Analyses {
  const str = (name: string) => (typeof v[name] === 'string' ? (v[name] as string) : undefined);
  const wf = v['walk-forward'] === true;
  for (const name of ['in-sample', 'out-of-sample', 'sweep-axes'])
    if (!wf && str(name) !== undefined) throw new UsageError(`--${name} applies only with --walk-forward`);
  if (!wf && v.anchored === true) throw new UsageError('--anchored applies only with --walk-forward');
  const mcRaw = str('monte-carlo');
  for (const name of ['method', 'seed'])
    if (mcRaw === undefined && str(name) !== undefined)
      throw new UsageError(`--${name} applies only with --monte-carlo`);

  let walk: Analyses['walkForward'] = null;
  if (wf) {
    const axes = str('sweep-axes') ?? str('sweep');
    if (axes === undefined)
      throw new UsageError(
        '--walk-forward needs a grid to optimise: add --sweep-axes (or --sweep), e.g. fast=5:30:5',
      );
    const inRaw = str('in-sample');
    const outRaw = str('out-of-sample');
    if (inRaw === undefined || outRaw === undefined)
      throw new UsageError('--walk-forward needs --in-sample N and --out-of-sample N (bars in each window)');
    walk = {
      axes,
      mode: v.anchored === true ? 'anchored' : 'rolling',
      inSample: numberFlag('in-sample', inRaw, 0, { integer: true, min: 2 }),
      outOfSample: numberFlag('out-of-sample', outRaw, 0, { integer: true, min: 1 }),
    };
  }
  let mc: Analyses['monteCarlo'] = null;
  if (mcRaw !== undefined) {
    const method = str('method') ?? 'trades';
    if (method !== 'trades' && method !== 'bars')
      throw new UsageError(`--method must be trades or bars, got "${method}"`);
    mc = {
      runs: numberFlag('monte-carlo', mcRaw, 0, { integer: true, min: 1, max: MAX_MONTE_CARLO_RUNS }),
      method,
      seed: numberFlag('seed', str('seed'), 1, { integer: true }),
    };
  }
  return {
    sweepAxes: str('sweep') ?? null,
    walkForward: walk,
    monteCarlo: mc,
    objective: objectiveFlag(str('objective')),
    workers: numberFlag('workers', str('workers'), os.availableParallelism?.() ?? os.cpus().length, {
      integer: true,
      min: 1,
      max: 64,
    }),
    workersGiven: str('workers') !== undefined,
  };
}

/**
 * Bar-steps of work below which threads are not worth starting by default: each takes about a second
 * to start and load the TypeScript engine, the time of some 20 M bars of backtesting.
 */
const THREADS_PAY_OFF = 20_000_000;

/** A pool when more than one thread is asked for (or repays itself) and there is more than one combination. */
function poolFor(a: Analyses, combinations: number, bars: number): WorkerPool | null {
  const size = Math.min(a.workers, combinations);
  if (size < 2 || (!a.workersGiven && combinations * bars < THREADS_PAY_OFF)) return null;
  return nodeWorkerPool(size);
}

async function runSweep(
  bars: Bars,
  spec: StrategySpec,
  config: BacktestConfig,
  plan: SweepPlan,
  a: Analyses,
): Promise<BacktestReportJson['sweep']> {
  const estimate = estimateSweep(plan.combos, bars, a.workers);
  if (!estimate.ok) throw new UsageError(`--sweep: ${estimate.message}`);
  const pool = poolFor(a, plan.combos.length, bars.time.length);
  const started = performance.now();
  try {
    const drafts = pool
      ? await pool.sweep(bars, 'cli', spec, config, plan.combos)
      : sweepCells(bars, spec, config, plan.combos);
    const result = finishSweep(drafts, plan.axes, a.objective, pool?.size ?? 1, performance.now() - started);
    return sweepJson(result, a.objective, plan.skipped, plan.skippedReason);
  } finally {
    pool?.close();
  }
}

export const backtestCommand: Command = {
  name: 'backtest',
  summary: 'backtest a strategy on a CSV of bars; sweep, walk-forward, Monte Carlo',
  help,
  async run(argv, io) {
    const v = parseFlags(argv, backtestFlags(), 'backtest') as BacktestFlagValues;
    if (v.help) {
      io.out(help);
      return EXIT_OK;
    }
    const file = typeof v.csv === 'string' ? v.csv : undefined;
    if (file === undefined) throw new UsageError('--csv FILE is required. See: lyra backtest --help');
    if (typeof v.strategy !== 'string')
      throw new UsageError('--strategy is required: sma-cross, rsi-reversion or donchian-breakout');
    const strategyId = v.strategy;
    const given = paramsFromFlags(v, strategyId);
    const config = configFromFlags(v);
    const analyses = analysesFromFlags(v);
    const sweepAxes = analyses.sweepAxes === null ? null : parseSweepSpec('sweep', analyses.sweepAxes);
    const walkAxesFlag = v['sweep-axes'] !== undefined ? 'sweep-axes' : 'sweep';
    const walkAxes = analyses.walkForward ? parseSweepSpec(walkAxesFlag, analyses.walkForward.axes) : null;
    const column = typeof v.column === 'string' ? v.column : null;

    const spec: StrategySpec = { kind: 'builtin', id: strategyId, params: given };
    const { strategy, params } = await asUsage(() => resolveStrategy(spec));
    const { bars, dates } = await readBarsCsv(file, { column, fixOrder: v['fix-order'] === true });
    const byTime = new Map<number, string>();
    bars.time.forEach((t, i) => byTime.set(t, dates[i] as string));
    const dateOf: DateOf = (t) => byTime.get(t) ?? new Date(t).toISOString();

    const result = await asUsage(() => runBacktest(bars, strategy, params, config));
    const report = backtestJson(
      {
        file,
        column,
        bars: bars.time.length,
        first_date: dates[0] ?? '',
        last_date: dates[dates.length - 1] ?? '',
        close_only: bars.closeOnly,
      },
      strategyId,
      params,
      config,
      result,
      dateOf,
    );

    if (sweepAxes) {
      const plan = await asUsage(() => planSweep(spec, sweepAxes));
      report.sweep = await asUsage(() => runSweep(bars, spec, config, plan, analyses));
    }
    if (analyses.walkForward && walkAxes) {
      const wf = analyses.walkForward;
      const plan = await asUsage(() => planSweep(spec, walkAxes), `--${walkAxesFlag}`);
      const pool = poolFor(analyses, plan.combos.length, bars.time.length);
      try {
        const evaluate = pool
          ? poolWindowEvaluator(pool, bars, 'cli', spec, config)
          : inProcessEvaluator(spec, config);
        const options = { strategy: spec, config, combos: plan.combos, objective: analyses.objective, ...wf };
        const walked = await asUsage(() => walkForward(bars, options, evaluate), `--${walkAxesFlag}`);
        report.walk_forward = walkForwardJson(walked, { ...wf, objective: analyses.objective }, dateOf);
      } finally {
        pool?.close();
      }
    }
    if (analyses.monteCarlo) {
      const mc = analyses.monteCarlo;
      const runs = await asUsage(() => monteCarlo(result, mc));
      report.monte_carlo = monteCarloJson(runs, mc.seed);
    }
    io.out(v.json ? JSON.stringify(report, null, 2) + '\n' : renderBacktestTable(report));
    return EXIT_OK;
  },
};
