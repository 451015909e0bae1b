import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monteCarlo } from '../../workers/research/analysis/monte-carlo.js';
import { sweepCells } from '../../workers/research/analysis/sweep-cells.js';
import { planSweep } from '../../workers/research/analysis/sweep-plan.js';
import { inProcessEvaluator, walkForward } from '../../workers/research/analysis/walk-forward.js';
import { runBacktest } from '../../workers/research/backtest/engine.js';
import type { BacktestConfig, Bars } from '../../workers/research/backtest/types.js';
import { MAX_PROBLEMS, parseBarsCsv } from '../../workers/research/data/csv-bars.js';
import { resolveStrategy } from '../../workers/research/strategies/registry.js';
import type { StrategySpec } from '../../workers/research/strategies/spec.js';
import { main } from '../main.js';
import type { BacktestReportJson } from './backtest-report.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const csv = join(root, 'test/fixtures/reference/eustockmarkets.csv');
const csvText = readFileSync(csv, 'utf8');
const dax = ['--csv', csv, '--column', 'DAX'];

async function lyra(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

async function lyraJson(...args: string[]): Promise<BacktestReportJson> {
  const run = await lyra('backtest', ...args, '--json');
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as BacktestReportJson;
}

/** The DAX bars as the importer reads them, and the dates column read with a plain split. */
function daxBars(): { bars: Bars; dates: string[] } {
  const parsed = parseBarsCsv(csvText, { column: 'DAX' });
  if (!parsed.ok) throw new Error('the reference CSV should parse');
  const lines = csvText.trim().split('\n').slice(1);
  return { bars: parsed.bars, dates: lines.map((l) => l.split(',')[1] as string) };
}

/** JSON turns NaN and Infinity into null: compare metrics the way they were printed. */
const printed = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

const config = (over: Partial<BacktestConfig> = {}): BacktestConfig => ({
  capital: 10_000,
  fee: 0.001,
  slippage: { model: 'none' },
  execution: 'close',
  periodsPerYear: null,
  ...over,
});

describe('lyra backtest --json', () => {
  const { bars, dates } = daxBars();

  it('prints the metrics of runBacktest on the same data, and dated daily equity', async () => {
    const report = await lyraJson(
      ...dax,
      '--strategy',
      'sma-cross',
      '--fast',
      '20',
      '--slow',
      '100',
      '--fee',
      '0.002',
    );
    const { strategy, params } = resolveStrategy({
      kind: 'builtin',
      id: 'sma-cross',
      params: { fast: 20, slow: 100 },
    });
    const want = runBacktest(bars, strategy, params, config({ fee: 0.002 }));
    expect(report.strategy).toBe('sma-cross');
    expect(report.params).toEqual({ fast: 20, slow: 100 });
    expect(report.config).toEqual(config({ fee: 0.002 }));
    expect(report.metrics).toEqual(printed(want.metrics));
    expect(report.conventions).toEqual(want.conventions);
    expect(report.fills).toBe(want.fills.length);
    expect(report.trades.length).toBe(want.trades.length);
    expect(report.trades[0]!.entry_date).toBe(dates[want.trades[0]!.entryIndex]);
    expect(report.equity.length).toBe(1860);
    expect(report.equity.map((e) => e.date)).toEqual(dates);
    expect(report.equity.map((e) => e.equity)).toEqual(Array.from(want.equity));
    expect(report.input).toEqual({
      file: csv,
      column: 'DAX',
      bars: 1860,
      first_date: '1991-07-01',
      last_date: dates[1859],
      close_only: true,
    });
    expect(report.error).toBeNull();
  });

  it('equals an independent plain loop for sma-cross 10/50, fee 0.001, at the close', async () => {
    const report = await lyraJson(
      ...dax,
      '--strategy',
      'sma-cross',
      '--fast',
      '10',
      '--slow',
      '50',
      '--fee',
      '0.001',
      '--execution',
      'close',
      '--capital',
      '1',
    );
    const close = csvText
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => Number(l.split(',')[2]));
    const sma = (t: number, p: number) => {
      if (t < p - 1) return NaN;
      let s = 0;
      for (let k = t - p + 1; k <= t; k++) s += close[k]!;
      return s / p;
    };
    const fee = 0.001;
    let cash = 1;
    let units = 0;
    close.forEach((c, t) => {
      const long = sma(t, 10) > sma(t, 50);
      if (long && units === 0) {
        units = cash / (c * (1 + fee));
        cash = 0;
      } else if (!long && units > 0) {
        cash += units * c * (1 - fee);
        units = 0;
      }
      const want = cash + units * c;
      const got = report.equity[t]!.equity;
      expect(Math.abs(got - want) / want, `bar ${t}`).toBeLessThan(1e-12);
    });
  });

  it('adds a sweep section: every combination, scored and corrected, on two threads like on one', async () => {
    const sweep = 'fast=5:25:10,slow=30:90:30';
    const two = await lyraJson(...dax, '--strategy', 'sma-cross', '--sweep', sweep, '--workers', '2');
    const one = await lyraJson(...dax, '--strategy', 'sma-cross', '--sweep', sweep, '--workers', '1');
    const spec: StrategySpec = { kind: 'builtin', id: 'sma-cross', params: {} };
    const plan = planSweep(spec, [
      { param: 'fast', from: 5, to: 25, step: 10 },
      { param: 'slow', from: 30, to: 90, step: 30 },
    ]);
    const cells = sweepCells(bars, spec, config(), plan.combos);
    for (const s of [two.sweep!, one.sweep!]) {
      expect(s.combinations).toBe(9);
      expect(s.skipped).toBe(0);
      expect(s.axes).toEqual([
        { param: 'fast', values: [5, 15, 25] },
        { param: 'slow', values: [30, 60, 90] },
      ]);
      expect(s.cells.map((c) => c.params)).toEqual(plan.combos);
      expect(s.cells.map((c) => c.metrics)).toEqual(printed(cells.map((c) => c.metrics)));
      const sharpes = cells.map((c) => c.metrics.sharpe);
      expect(s.best).toBe(sharpes.indexOf(Math.max(...sharpes)));
      expect(s.best_params).toEqual(plan.combos[s.best]);
      expect(s.deflated_sharpe!.trials).toBe(9);
      for (const c of s.cells) expect(c.p_holm).toBeLessThanOrEqual(c.p_bonferroni);
    }
    expect(two.sweep!.workers).toBe(2);
    expect(one.sweep!.workers).toBe(1);
    expect({ ...two.sweep, workers: 0, elapsed_ms: 0 }).toEqual({ ...one.sweep, workers: 0, elapsed_ms: 0 });
  });

  it('adds a walk-forward section equal to walkForward in this thread', async () => {
    const report = await lyraJson(
      ...dax,
      '--strategy',
      'sma-cross',
      '--walk-forward',
      '--sweep-axes',
      'fast=5:15:5,slow=40:80:40',
      '--in-sample',
      '500',
      '--out-of-sample',
      '250',
      '--objective',
      'total_return',
      '--workers',
      '1',
    );
    expect(report.sweep).toBeUndefined();
    const spec: StrategySpec = { kind: 'builtin', id: 'sma-cross', params: {} };
    const plan = planSweep(spec, [
      { param: 'fast', from: 5, to: 15, step: 5 },
      { param: 'slow', from: 40, to: 80, step: 40 },
    ]);
    const want = await walkForward(
      bars,
      {
        strategy: spec,
        config: config(),
        mode: 'rolling',
        inSample: 500,
        outOfSample: 250,
        combos: plan.combos,
        objective: 'total_return',
      },
      inProcessEvaluator(spec, config()),
    );
    const wf = report.walk_forward!;
    expect(wf.windows.length).toBe(5);
    expect(wf.windows.map((w) => w.params)).toEqual(want.windows.map((w) => w.params));
    expect(wf.windows[0]!.out_of_sample).toEqual({ from: dates[500], to: dates[749] });
    expect(wf.metrics).toEqual(printed(want.metrics));
    expect(wf.equity.length).toBe(1 + 5 * 250);
    expect(wf.equity[0]).toEqual({ date: dates[499], equity: 10_000 });
  });

  it('adds a Monte Carlo section that repeats from its seed', async () => {
    const args = [
      ...dax,
      '--strategy',
      'rsi-reversion',
      '--monte-carlo',
      '300',
      '--method',
      'bars',
      '--seed',
      '3',
    ];
    const report = await lyraJson(...args);
    const { strategy, params } = resolveStrategy({ kind: 'builtin', id: 'rsi-reversion', params: {} });
    const want = monteCarlo(runBacktest(bars, strategy, params, config()), {
      runs: 300,
      method: 'bars',
      seed: 3,
    });
    const mc = report.monte_carlo!;
    expect(mc.final_equity).toEqual(want.finalEquity);
    expect(mc.max_drawdown).toEqual(want.maxDrawdown);
    expect(mc.loss_probability).toBe(want.lossProbability);
    expect(mc.fan.length).toBe(1860);
    expect(mc.histogram.counts.reduce((s, c) => s + c, 0)).toBe(300);
    expect((await lyraJson(...args)).monte_carlo).toEqual(mc);
  });
});

describe('lyra backtest: tables, help and bad input', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lyra-backtest-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints readable tables without --json', async () => {
    const run = await lyra(
      'backtest',
      ...dax,
      '--strategy',
      'donchian-breakout',
      '--sweep',
      'entry=10:30:10',
      '--monte-carlo',
      '100',
      '--workers',
      '1',
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('1860 bars, 1991-07-01 to');
    expect(run.stdout).toMatch(/total return\s+-?\d+\.\d\d %/);
    expect(run.stdout).toContain('Sweep: 3 combinations by sharpe');
    expect(run.stdout).toContain('Monte Carlo: 100 runs resampling trade returns');
  });

  it('dates the equity of a file with separate date and time columns by both', async () => {
    const file = join(dir, 'hourly.csv');
    const rows = ['Date,Time,Open,High,Low,Close,Volume'];
    for (let h = 0; h < 6; h++) rows.push(`2024-01-02,${String(10 + h)}:00,1,2,0.5,${1 + h / 10},10`);
    writeFileSync(file, rows.join('\n'));
    const run = await lyra(
      'backtest',
      '--csv',
      file,
      '--strategy',
      'sma-cross',
      '--fast',
      '1',
      '--slow',
      '2',
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as BacktestReportJson;
    expect(report.equity.map((e) => e.date)).toEqual(
      Array.from({ length: 6 }, (_, h) => `2024-01-02T${String(10 + h)}:00`),
    );
  });

  it('prints its help', async () => {
    const run = await lyra('backtest', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: lyra backtest --csv FILE --strategy ID');
  });

  const usage = async (args: string[], text: string | RegExp) => {
    const run = await lyra('backtest', ...args);
    expect(run.code, run.stdout).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(text);
  };

  it('names the line and column of a bad row', async () => {
    const lines = csvText.split('\n');
    lines[3] = lines[3]!.replace(/^(\d+,[^,]+,)[^,]+/, '$1abc');
    const file = join(dir, 'bad-row.csv');
    writeFileSync(file, lines.join('\n'));
    await usage(['--csv', file, '--column', 'DAX', '--strategy', 'sma-cross'], /line 4, column DAX: .*abc/);
  });

  it('counts every problem of a file with more than the importer lists', async () => {
    const lines = csvText.split('\n');
    const broken = MAX_PROBLEMS + 23;
    for (let k = 1; k <= broken; k++) lines[k] = lines[k]!.replace(/^(\d+,[^,]+,)[^,]+/, '$1abc');
    const file = join(dir, 'many-bad-rows.csv');
    writeFileSync(file, lines.join('\n'));
    const run = await lyra('backtest', '--csv', file, '--column', 'DAX', '--strategy', 'sma-cross');
    expect(run.code).toBe(2);
    const shown = run.stderr.split('\n').filter((l) => /: line \d+, column DAX: /.test(l));
    expect(shown.length).toBe(5);
    expect(run.stderr).toContain(`(and ${broken - shown.length} more)`);
    expect(run.stderr).not.toContain('not listed');
  });

  it('names --sweep-axes, not --sweep, for a bad walk-forward grid', async () => {
    const walk = ['--walk-forward', '--in-sample', '400', '--out-of-sample', '200'];
    await usage(
      [...dax, '--strategy', 'sma-cross', ...walk, '--sweep-axes', 'fast=1:600:100'],
      /^lyra backtest: --sweep-axes: .*outside Fast SMA/,
    );
    // With both, the grid that failed is the one named.
    await usage(
      [
        ...dax,
        '--strategy',
        'sma-cross',
        ...walk,
        '--sweep',
        'fast=5:10:5',
        '--sweep-axes',
        'fast=1:600:100',
      ],
      /^lyra backtest: --sweep-axes: .*outside Fast SMA/,
    );
    await usage(
      [...dax, '--strategy', 'sma-cross', ...walk, '--sweep', 'fast=1:600:100'],
      /^lyra backtest: --sweep: .*outside Fast SMA/,
    );
  });

  it('asks for --column when the file has several price columns', async () => {
    await usage(
      ['--csv', csv, '--strategy', 'sma-cross'],
      /choose the close with --column \(one of DAX, SMI, CAC, FTSE\)/,
    );
  });

  it('offers --fix-order for rows out of order', async () => {
    const lines = csvText.trim().split('\n');
    [lines[5], lines[6]] = [lines[6]!, lines[5]!];
    const file = join(dir, 'unordered.csv');
    writeFileSync(file, lines.join('\n'));
    await usage(['--csv', file, '--column', 'DAX', '--strategy', 'sma-cross'], /--fix-order/);
    const fixed = await lyraJson('--csv', file, '--column', 'DAX', '--strategy', 'sma-cross', '--fix-order');
    expect(fixed.input.bars).toBe(1860);
    expect(fixed.equity[5]!.date).toBe('1991-07-08');
  });

  it('refuses an unknown strategy, naming the ones there are', async () => {
    await usage(
      [...dax, '--strategy', 'moon'],
      'unknown strategy "moon": choose one of sma-cross, rsi-reversion, donchian-breakout',
    );
  });

  it.each([
    [['--fee', 'abc'], '--fee must be a number, got "abc"'],
    [['--fee', '0.2'], '--fee must be less than 0.1'],
    [['--execution', 'sideways'], '--execution must be close or next-open'],
    [['--capital', '0'], '--capital must be greater than 0'],
    [['--fast', '0'], /--fast: .*fast.* must be a whole number from 1 to 500, got 0/],
    [['--fast', '60', '--slow', '50'], /--fast: .*fast \(60\) must be shorter than slow \(50\)/],
    [['--period', '14'], '--period is not a parameter of sma-cross; its parameters are --fast, --slow'],
    [['--sweep', 'fast=5:30'], 'needs from:to:step'],
    [['--sweep', 'fast=1:600:100'], /--sweep: .*outside Fast SMA/],
    [['--sweep', 'lookback=1:5:1'], /--sweep: .*not a parameter of this strategy/],
    [
      ['--walk-forward', '--sweep', 'fast=5:10:5'],
      '--walk-forward needs --in-sample N and --out-of-sample N',
    ],
    [
      ['--walk-forward', '--in-sample', '30', '--out-of-sample', '100', '--sweep', 'fast=5'],
      /--in-sample: .*use at least 51 bars/,
    ],
    [['--in-sample', '300'], '--in-sample applies only with --walk-forward'],
    [['--seed', '3'], '--seed applies only with --monte-carlo'],
    [['--monte-carlo', '10', '--seed', '9007199254740993'], /--seed: .*whole number from -\(2\^53 - 1\)/],
    [['--monte-carlo', '0'], '--monte-carlo must be at least 1'],
    [['--objective', 'luck'], '--objective must be one of sharpe, total_return, cagr, calmar, sortino'],
    [['--bogus'], /Unknown option '--bogus'.*See: lyra backtest --help/],
  ])('refuses %j', async (extra, text) => {
    await usage([...dax, '--strategy', 'sma-cross', ...(extra as string[])], text);
  });

  it('refuses a missing file and missing required flags', async () => {
    await usage(['--csv', join(dir, 'nope.csv'), '--strategy', 'sma-cross'], 'no such file');
    await usage(['--strategy', 'sma-cross'], '--csv FILE is required');
    await usage(dax, '--strategy is required');
  });
});

describe('the real bin', () => {
  it('runs `node bin/lyra.mjs backtest ... --json` end to end', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      'node',
      [
        'bin/lyra.mjs',
        'backtest',
        ...dax,
        '--strategy',
        'sma-cross',
        '--sweep',
        'fast=5:10:5',
        '--workers',
        '2',
        '--json',
      ],
      { cwd: root },
    );
    expect(stderr).toBe('');
    const report = JSON.parse(stdout) as BacktestReportJson;
    const { bars } = daxBars();
    const { strategy, params } = resolveStrategy({ kind: 'builtin', id: 'sma-cross', params: {} });
    expect(report.metrics).toEqual(printed(runBacktest(bars, strategy, params, config()).metrics));
    expect(report.sweep!.workers).toBe(2);
    expect(report.sweep!.cells.length).toBe(2);
  });
});
