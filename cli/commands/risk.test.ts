import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { riskMetrics, simpleReturns } from '../../workers/research/stats/index.js';
import {
  referenceAssets,
  referenceMetrics,
  referencePrices,
  relClose,
} from '../../workers/research/stats/test-support/reference.js';
import { lyra, lyraInProcess } from '../test-support.js';

const csv = 'test/fixtures/reference/eustockmarkets.csv';

type Report = {
  conventions: Record<string, unknown>;
  assets: Record<string, Record<string, number | string>>;
  portfolio: Record<string, unknown> & { weights: Record<string, number> };
  correlation: { assets: string[]; pearson: number[][]; ewma: number[][]; pearson_returns: number };
  min_variance_weights?: Record<string, number>;
};

describe('lyra risk --json on the reference data (the real command)', () => {
  let report: Report;
  let stderr: string;

  beforeAll(async () => {
    const run = await lyra('risk', '--prices', csv, '--json', '--min-variance');
    expect(run.code, run.stderr).toBe(0);
    stderr = run.stderr;
    report = JSON.parse(run.stdout) as Report;
  });

  it('prints only JSON on stdout and nothing on stderr', () => {
    expect(stderr).toBe('');
  });

  it.each(referenceAssets)('matches every metric of %s in risk_metrics_single.json', (name) => {
    const want = referenceMetrics[name] as Record<string, number | string>;
    const got = report.assets[name] as Record<string, number | string>;
    expect(Object.keys(want).length).toBe(22);
    for (const [key, value] of Object.entries(want)) {
      if (typeof value === 'string' || (Number.isInteger(value) && key !== 'final_equity'))
        expect(got[key], key).toBe(value);
      else expect(relClose(got[key] as number, value), `${key}: ${got[key]} vs ${value}`).toBe(true);
    }
  });

  it('reports the equal-weight portfolio as the metrics of the mean of the four returns', () => {
    const { prices } = referencePrices();
    const r = referenceAssets.map((a) => simpleReturns(prices[a] as Float64Array));
    const mean = Float64Array.from(
      r[0] as Float64Array,
      (_, t) => r.reduce((s, x) => s + (x[t] as number), 0) / 4,
    );
    const want = riskMetrics(mean) as unknown as Record<string, number>;
    for (const [key, value] of Object.entries(want))
      expect(relClose(report.portfolio[key] as number, value), key).toBe(true);
    expect(report.portfolio.weights).toEqual({ DAX: 0.25, SMI: 0.25, CAC: 0.25, FTSE: 0.25 });
    expect(report.portfolio.mdd_peak_date).toBe('1994-02-02');
  });

  it('gives symmetric correlation matrices in asset order with a unit diagonal', () => {
    const { assets, pearson, ewma } = report.correlation;
    expect(assets).toEqual([...referenceAssets]);
    for (const m of [pearson, ewma]) {
      expect(m.length).toBe(4);
      for (let i = 0; i < 4; i++)
        for (let j = 0; j < 4; j++) {
          expect(m[i]![j]).toBe(m[j]![i]);
          if (i === j) expect(m[i]![j]).toBe(1);
          else expect(Math.abs(m[i]![j]!)).toBeLessThan(1);
        }
    }
    // The DAX-CAC correlation of daily returns over 1991-98 is high but far from 1.
    expect(pearson[0]![2]).toBeGreaterThan(0.6);
    expect(pearson[0]![2]).toBeLessThan(0.85);
  });

  it('gives long-only weights that sum to 1 and beat equal weight on variance', () => {
    const mv = report.min_variance_weights as Record<string, number>;
    const w = referenceAssets.map((a) => mv[a] as number);
    expect(w.every((x) => x >= 0)).toBe(true);
    expect(Math.abs(w.reduce((s, x) => s + x, 0) - 1)).toBeLessThan(1e-12);
    const { prices } = referencePrices();
    const r = referenceAssets.map((a) => simpleReturns(prices[a] as Float64Array));
    const sdOf = (weights: number[]) =>
      riskMetrics(
        Float64Array.from(r[0] as Float64Array, (_, t) => r.reduce((s, x, a) => s + weights[a]! * x[t]!, 0)),
      ).sd_daily_sample;
    expect(sdOf(w)).toBeLessThan(sdOf([0.25, 0.25, 0.25, 0.25]));
  });

  it('states its conventions', () => {
    expect(report.conventions).toMatchObject({
      periods_per_year: 252,
      risk_free_annual: 0,
      ewma_lambda: 0.94,
    });
    expect(String(report.conventions.quantiles)).toMatch(/type 7.*type 1/);
    expect(String(report.conventions.ewma)).toMatch(/seeded/);
  });
});

describe('lyra risk options', () => {
  it('uses --weights, --rf, --periods-per-year and --window', async () => {
    const run = await lyraInProcess(
      'risk',
      '--prices',
      csv,
      '--json',
      '--weights',
      'DAX=0.5,FTSE=0.5',
      '--rf',
      '0.02',
      '--periods-per-year',
      '260',
      '--window',
      '250',
    );
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.portfolio.weights).toEqual({ DAX: 0.5, SMI: 0, CAC: 0, FTSE: 0.5 });
    const { prices } = referencePrices();
    const dax = simpleReturns(prices.DAX as Float64Array);
    const ftse = simpleReturns(prices.FTSE as Float64Array);
    const want = riskMetrics(
      Float64Array.from(dax, (x, t) => 0.5 * x + 0.5 * (ftse[t] as number)),
      { riskFree: 0.02, periodsPerYear: 260 },
    );
    expect(relClose(report.portfolio.sharpe_annualised as number, want.sharpe_annualised)).toBe(true);
    expect(report.correlation.pearson_returns).toBe(250);
    expect(report.min_variance_weights).toBeUndefined();
  });

  it('prints readable tables without --json', async () => {
    const run = await lyraInProcess('risk', '--prices', csv, '--min-variance');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/VaR 95 % hist \(type 7\)\s+0\.0156550/);
    expect(run.stdout).toMatch(/peak\s+1992-05-25/);
    expect(run.stdout).toMatch(/minimum-variance weights/);
  });
});

describe('lyra risk on bad input', () => {
  let dir: string;
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lyra-risk-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 2 with a one-line message and no stack trace from the real command', async () => {
    const missing = await lyra('risk', '--prices', join(dir, 'nope.csv'), '--json');
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toBe(`lyra risk: no such file: ${join(dir, 'nope.csv')}\n`);
    const flag = await lyra('risk', '--prices', csv, '--verbose');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/Unknown option '--verbose'.*lyra risk --help/);
    expect(flag.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [
      'a non-numeric cell',
      'date,A,B\n2024-01-01,1,2\n2024-01-02,x,2\n2024-01-03,1,2\n',
      /line 3 \(data row 2\), column A is not a number: "x"/,
    ],
    [
      'an empty cell',
      'date,A,B\n2024-01-01,1,2\n2024-01-02,1,\n2024-01-03,1,2\n',
      /line 3 \(data row 2\), column B is empty/,
    ],
    [
      'a zero price',
      'date,A\n2024-01-01,1\n2024-01-02,0\n2024-01-03,1\n',
      /line 3 \(data row 2\), column A is 0: prices must be positive/,
    ],
    [
      'a short row',
      'date,A,B\n2024-01-01,1,2\n2024-01-02,1\n',
      /line 3 \(data row 2\) has 2 fields, the header has 3/,
    ],
    ['a single row', 'date,A\n2024-01-01,1\n', /1 data row: returns need at least 2 dated prices/],
    [
      'two rows (one return)',
      'date,A\n2024-01-01,1\n2024-01-02,2\n',
      /has 2 rows: risk metrics need at least 3 \(2 returns\)/,
    ],
    ['no date column', 'day,A\n1,1\n2,2\n', /no date column/],
    ['an empty file', '', /is empty/],
  ])('refuses %s, saying where', async (_, text, message) => {
    const path = file('bad.csv', text);
    const run = await lyraInProcess('risk', '--prices', path, '--json');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });

  it.each([
    [['--weights', 'DAX=0.5,SMI=0.4'], /--weights sum to 0.9, not 1: 0.1 short of fully invested/],
    [['--weights', 'DAX=0.6,SMI=0.6'], /sum to 1.2, not 1: 0.2 over/],
    [['--weights', 'DAX=0.5,NIKKEI=0.5'], /no column "NIKKEI".*DAX, SMI, CAC, FTSE/],
    [['--weights', 'DAX=half'], /weight of DAX is not a number/],
    [['--window', '1'], /--window must be at least 2/],
    [['--window', '5000'], /--window 5000 needs 5001 rows of prices/],
    [['--lambda', '1.5'], /--lambda must be less than 1/],
    [['--periods-per-year', '0'], /--periods-per-year must be greater than 0/],
    [['--rf', 'abc'], /--rf must be a number/],
  ])('refuses %j', async (args, message) => {
    const run = await lyraInProcess('risk', '--prices', csv, ...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('needs --prices', async () => {
    const run = await lyraInProcess('risk', '--json');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--prices FILE is required/);
  });
});

describe('lyra dispatch', () => {
  it('lists commands on --help and explains each one', async () => {
    const top = await lyraInProcess('--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/risk\s+risk metrics/);
    const help = await lyraInProcess('risk', '--help');
    expect(help.stdout).toMatch(/--min-variance/);
    expect((await lyraInProcess('help', 'risk')).stdout).toBe(help.stdout);
  });

  it('refuses an unknown command or none with exit code 2', async () => {
    const unknown = await lyraInProcess('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
    expect((await lyraInProcess()).code).toBe(2);
  });
});
