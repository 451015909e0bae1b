import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reference, referencePath } from '../../workers/tax/test-support/reference.js';
import { lyra, lyraInProcess } from '../test-support.js';

const fifo = reference.results.FIFO;

type Json = Record<string, unknown>;

let dir: string;
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lyra-tax-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lyra tax --json on the reference trades (the real command)', () => {
  it('prints the reference FIFO numbers and nothing on stderr', async () => {
    const run = await lyra(
      'tax',
      '--trades',
      referencePath,
      '--method',
      'FIFO',
      '--jurisdiction',
      'AU',
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as Json;
    expect(report.matches).toEqual(fifo.matches);
    expect(report.summary).toEqual(fifo.summary);
    expect(report.realised_gain_total).toBe(fifo.realised_gain_total);
    expect(report.gain_by_sell_trade).toEqual(fifo.gain_by_sell_trade);
    expect(report.remaining_lots).toEqual(fifo.remaining_lots);
    expect(report.jurisdiction).toBe('AU');
  });
});

describe('lyra tax (in process)', () => {
  it('prints LIFO and HIFO totals as derived by hand in workers/tax/report.test.ts', async () => {
    for (const [method, net, remaining] of [
      ['LIFO', 676, 'L1'],
      ['hifo', 402, 'L3'],
    ] as const) {
      const run = await lyraInProcess('tax', '--trades', referencePath, '--method', method, '--json');
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout) as { summary: Json; remaining_lots: Json[] };
      expect(report.summary.net_capital_gain_after_discount).toBe(net);
      expect(report.remaining_lots[0]?.lot).toBe(remaining);
    }
  });

  it('reads a generic CSV and a bare JSON array into the same report', async () => {
    const csv = file(
      'trades.csv',
      'date,side,qty,price,fee,id\n' +
        reference.trades.map((t) => [t.date, t.side, t.qty, t.price, t.fee, t.id].join(',')).join('\n'),
    );
    const array = file('trades.json', JSON.stringify(reference.trades));
    for (const path of [csv, array]) {
      const run = await lyraInProcess('tax', '--trades', path, '--json');
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout) as Json;
      expect(report.matches).toEqual(fifo.matches);
      expect(report.summary).toEqual(fifo.summary);
    }
  });

  it('prints every value exactly, however many decimals it has', async () => {
    const path = file(
      'precise.json',
      JSON.stringify([
        {
          id: 1,
          date: '2022-01-03',
          side: 'buy',
          qty: '0.123456789',
          price: '43210.987654321',
          fee: '0.0001',
        },
        { id: 2, date: '2022-02-03', side: 'sell', qty: '0.123456789', price: '45000', fee: '0' },
      ]),
    );
    const run = await lyraInProcess('tax', '--trades', path, '--json', '--jurisdiction', 'none');
    expect(run.code, run.stderr).toBe(0);
    // 0.123456789 * 43210.987654321 = 5334.689785321112635269, + 0.0001 fee: 21 decimals, exact.
    expect(run.stdout).toContain('"cost_base": 5334.689885321112635269');
  });

  it('prints tables by default, per tax year, and only the chosen --year', async () => {
    const all = await lyraInProcess('tax', '--trades', referencePath);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain('Tax year 2021-22 (2021-07-01 to 2022-06-30), method FIFO');
    expect(all.stdout).toContain('net capital gain after discount 632.00');
    expect(all.stdout).toMatch(/L4\s+2023-03-10\s+50\s+655\.00/);
    const one = await lyraInProcess('tax', '--trades', referencePath, '--year', '2022-23');
    expect(one.stdout).toContain('Tax year 2022-23');
    expect(one.stdout).not.toContain('Tax year 2021-22');
    expect(one.stdout).toContain('net capital gain after discount 66.00');
    expect(one.stdout).toContain('Lots still held at the end of 2022-23');
  });

  it('takes a method per tax year and account', async () => {
    const run = await lyraInProcess(
      'tax',
      '--trades',
      referencePath,
      '--method',
      'FIFO,2022-23=LIFO',
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { sales: { method: string }[] };
    expect(report.sales.map((s) => s.method)).toEqual(['FIFO', 'FIFO', 'LIFO', 'FIFO']);
    const bad = await lyraInProcess('tax', '--trades', referencePath, '--method', 'FIFO,2022=LIFO');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('write it like 2021-22');
  });

  it('says which --method exceptions apply to no sale (a typo in a year or an account)', async () => {
    const run = await lyraInProcess(
      'tax',
      '--trades',
      referencePath,
      '--method',
      'FIFO,2022-23=LIFO,2024-25=HIFO,2023-24:brokr2=LIFO',
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('--method 2024-25=HIFO applies to no sale in the file');
    expect(run.stderr).toContain('--method 2023-24:brokr2=LIFO applies to no sale in the file');
    expect(run.stderr).not.toContain('2022-23=LIFO applies');
  });

  it('calls the pooled total of several years a check figure, not a tax figure', async () => {
    const run = await lyraInProcess('tax', '--trades', referencePath);
    expect(run.stdout).toContain('All 3 tax years pooled as one set (a check figure, not a tax figure');
  });

  it('uses calendar years and UTC without a jurisdiction, or the --time-zone given', async () => {
    const path = file(
      'times.json',
      JSON.stringify([{ id: 1, time: Date.UTC(2022, 11, 31, 20), side: 'buy', qty: 1, price: 1 }]),
    );
    const none = await lyraInProcess('tax', '--trades', path, '--jurisdiction', 'none', '--json');
    expect((JSON.parse(none.stdout) as { lots: Json[] }).lots[0]?.acquired).toBe('2022-12-31');
    const tokyo = await lyraInProcess(
      'tax',
      '--trades',
      path,
      '--jurisdiction',
      'none',
      '--time-zone',
      'Asia/Tokyo',
      '--json',
    );
    expect((JSON.parse(tokyo.stdout) as { lots: Json[] }).lots[0]?.acquired).toBe('2023-01-01');
  });
});

describe('lyra tax refuses bad input with exit 2', () => {
  it('names the line and column of a malformed CSV', async () => {
    const path = file(
      'bad.csv',
      'date,side,qty,price,fee\n2022-01-03,BUY,10,100,1\n2022-01-04,BUY,1O,100,1\n',
    );
    const run = await lyraInProcess('tax', '--trades', path);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${path}: line 3, column qty: "1O" is not a number`);
  });

  it('refuses a date-time with no such time of day', async () => {
    const path = file('bad-time.csv', 'date,side,qty,price,fee\n2022-06-30T99:99,BUY,10,100,1\n');
    const run = await lyraInProcess('tax', '--trades', path);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('has no such time of day');
  });

  it('names the allowed values of --method and --jurisdiction', async () => {
    const method = await lyraInProcess('tax', '--trades', referencePath, '--method', 'LILO');
    expect(method.code).toBe(2);
    expect(method.stderr).toContain('FIFO, LIFO, HIFO, ACB');
    const jurisdiction = await lyraInProcess('tax', '--trades', referencePath, '--jurisdiction', 'US');
    expect(jurisdiction.code).toBe(2);
    expect(jurisdiction.stderr).toContain('--jurisdiction must be one of AU, none, got "US"');
  });

  it('refuses a sale before any buy, saying why, with its line', async () => {
    const path = file(
      'short.csv',
      'date,side,qty,price,fee\n2022-01-03,SELL,1,100,1\n2022-01-04,BUY,1,100,1\n',
    );
    const run = await lyraInProcess('tax', '--trades', path);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${path}: line 2: trade 1: sells 1`);
    expect(run.stderr).toContain('short sales need an explicit method');
  });

  it('refuses selling more than is held', async () => {
    const path = file(
      'over.json',
      JSON.stringify({
        trades: [
          { id: 'b', date: '2022-01-03', side: 'buy', qty: 1, price: 1 },
          { id: 's', date: '2022-01-04', side: 'sell', qty: 2, price: 1 },
        ],
      }),
    );
    const run = await lyraInProcess('tax', '--trades', path);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('trade s: sells 2');
    expect(run.stderr).toContain('only 1 are held');
  });

  it('names the trade and field of bad JSON trades, and refuses files that are not trades', async () => {
    const bad = file(
      'bad.json',
      JSON.stringify({ trades: [{ id: 9, date: '2022-02-30', side: 'buy', qty: 1, price: 1 }] }),
    );
    const run = await lyraInProcess('tax', '--trades', bad);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${bad}: trade 9: date: "2022-02-30" is not a real date`);
    const notTrades = await lyraInProcess('tax', '--trades', file('x.json', '{"rows": []}'));
    expect(notTrades.stderr).toContain('expected an object with a "trades" array');
    const broken = await lyraInProcess('tax', '--trades', file('y.json', '{"trades": ['));
    expect(broken.stderr).toContain('is not valid JSON');
    const missing = await lyraInProcess('tax', '--trades', join(dir, 'nope.csv'));
    expect(missing.stderr).toContain('no such file');
    expect([notTrades.code, broken.code, missing.code]).toEqual([2, 2, 2]);
  });

  it('requires --trades and refuses bad --year, --year-start and --time-zone', async () => {
    expect((await lyraInProcess('tax')).stderr).toContain('--trades FILE is required');
    const year = await lyraInProcess('tax', '--trades', referencePath, '--year', '2022');
    expect(year.stderr).toContain('--year: "2022" is not a tax year starting 07-01');
    const start = await lyraInProcess('tax', '--trades', referencePath, '--year-start', '02-30');
    expect(start.stderr).toContain('--year-start must be');
    const zone = await lyraInProcess('tax', '--trades', referencePath, '--time-zone', 'Sydney');
    expect(zone.stderr).toContain('--time-zone: "Sydney" is not an IANA time zone');
    expect([year.code, start.code, zone.code]).toEqual([2, 2, 2]);
  });

  it('lists the command and its help', async () => {
    const overview = await lyraInProcess('--help');
    expect(overview.stdout).toMatch(/tax\s+realised capital gains/);
    const help = await lyraInProcess('tax', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Values are exact');
  });
});
