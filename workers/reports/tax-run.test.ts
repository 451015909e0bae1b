import { afterEach, describe, expect, it } from 'vitest';
import { Decimal } from '../money/decimal.js';
import type { LyraDb } from '../store/db.js';
import { taxReportFromInput } from '../tax/from-input.js';
import type { FillRecord } from '../trading/types.js';
import type { TaxRequest } from './api.js';
import { createReportsApi } from './handlers.js';
import { commitImport } from './import-store.js';
import { Jobs } from './jobs.js';
import { runTaxReport } from './tax-run.js';
import { freshDb } from './test-support/db.js';
import { liveAccount, liveFill, paperAccount } from './test-support/fills.js';
import { referenceJson, referenceTradesCsv } from './test-support/reference-csv.js';

let db: LyraDb;
afterEach(() => db?.close());

const reference = referenceJson();
const fifoAu: TaxRequest = { jurisdiction: 'AU', methods: { method: 'FIFO' } };

async function run(request: TaxRequest) {
  return (await new Jobs().run(undefined, undefined, (job) => runTaxReport(db, request, job))).view;
}

async function withReference(account = 'broker'): Promise<void> {
  await commitImport(db, referenceTradesCsv(), { account, fileName: 'reference.csv' });
}

const num = (s: string) => Decimal.from(s).toNumber();

describe('the tax report from stored fills', () => {
  it('of the imported reference trades equals the tax engine on the reference file, and the reference', async () => {
    db = await freshDb();
    await withReference();
    const view = await run(fifoAu);
    const expected = taxReportFromInput(reference.trades, { jurisdiction: 'AU', method: 'FIFO' });
    expect(view.currency).toBe('AUD');
    expect(view.exclusions).toEqual([]);
    expect(view.years.map((y) => y.taxYear)).toEqual(expected.years.map((y) => y.tax_year));
    for (const [k, y] of view.years.entries()) {
      const e = expected.years[k]!;
      expect(y.totals).toEqual({
        grossGains: e.summary.gross_gains.toString(),
        losses: e.summary.losses.toString(),
        nondiscountGains: e.summary.nondiscount_gains.toString(),
        discountEligibleGains: e.summary.discount_eligible_gains.toString(),
        netRealised: e.summary.net_realised.toString(),
        netCapitalGain: e.summary.net_capital_gain_after_discount.toString(),
        // The reference has no loss year, so nothing is carried.
        lossBroughtForward: '0',
        lossCarriedForward: '0',
      });
      expect(
        y.matches.map((m) => [
          m.sellLabel,
          m.lot,
          m.acquired,
          m.qty,
          m.costBase,
          m.proceeds,
          m.gain,
          m.daysHeld,
          m.discountEligible,
        ]),
      ).toEqual(
        e.matches.map((m) => [
          `reference.csv, trade ${String(m.sell_trade)}`,
          m.lot,
          m.acquired,
          m.qty.toString(),
          m.cost_base.toString(),
          m.proceeds.toString(),
          m.gain.toString(),
          m.days_held,
          m.discount_eligible,
        ]),
      );
    }
    // And every match, netted as one set, gives the reference's totals.
    const ref = reference.results.FIFO.summary;
    expect(Object.values(view.totals).map(num)).toEqual([
      ref.gross_gains,
      ref.losses,
      ref.nondiscount_gains,
      ref.discount_eligible_gains,
      ref.net_realised,
      ref.net_capital_gain_after_discount,
      0,
      0,
    ]);
    const all = view.years.flatMap((y) => y.matches);
    const gains = all.map((m) => num(m.gain));
    expect(gains.filter((g) => g > 0).reduce((a, b) => a + b, 0)).toBeCloseTo(
      reference.results.FIFO.summary.gross_gains!,
      9,
    );
    expect(-gains.filter((g) => g < 0).reduce((a, b) => a + b, 0)).toBeCloseTo(
      reference.results.FIFO.summary.losses!,
      9,
    );
    expect(all.map((m) => [m.lot, num(m.gain), m.discountEligible])).toEqual(
      reference.results.FIFO.matches.map((m) => [m.lot, m.gain, m.discount_eligible]),
    );
  });

  it('reports engine fills and imported fills together, per account, with the method per year and account', async () => {
    db = await freshDb();
    await withReference('broker');
    const engineFill = (
      id: string,
      side: 'buy' | 'sell',
      amount: string,
      price: string,
      time: number,
    ): FillRecord => ({
      id,
      orderId: id,
      accountId: 'paper-1',
      symbol: 'XYZ/AUD',
      side,
      price,
      amount,
      quote: Decimal.from(price).mul(amount).toString(),
      fee: '0',
      feeAsset: 'AUD',
      liquidity: 'taker',
      time,
    });
    await db.fills.bulkAdd([
      engineFill('e1', 'buy', '10', '5', Date.UTC(2023, 0, 5, 2)),
      engineFill('e2', 'buy', '10', '9', Date.UTC(2023, 0, 6, 2)),
      engineFill('e3', 'sell', '10', '10', Date.UTC(2023, 1, 1, 2)),
    ]);
    await db.accounts.put({
      id: 'paper-1',
      exchange: 'sandbox',
      name: 'Paper one',
      balances: {},
      reserved: {},
      starting: {},
      latencyMs: 0,
      createdAt: 0,
      resetAt: 0,
    });
    const view = await run({
      ...fifoAu,
      includePaper: true,
      methods: { method: 'FIFO', byYearAccount: { '2022-23': { 'paper-1': 'LIFO' } } },
    });
    const year = view.years.find((y) => y.taxYear === '2022-23')!;
    expect(year.methods).toEqual({ broker: 'FIFO', 'paper-1': 'LIFO' });
    const sale = year.matches.find((m) => m.account === 'paper-1')!;
    // LIFO sells the newest lot (bought at 9): a gain of 10 on 10 units.
    expect([sale.sellLabel, sale.gain, sale.method]).toEqual(['Paper one', '10', 'LIFO']);
    // The reference account keeps FIFO and its own lots.
    const fifo = await run({ ...fifoAu, includePaper: true });
    const broker = (v: typeof view) =>
      v.years.flatMap((y) => y.matches).filter((m) => m.account === 'broker');
    expect(broker(view)).toEqual(broker(fifo));
    expect(view.accounts).toEqual([
      { id: 'broker', name: 'broker' },
      { id: 'paper-1', name: 'Paper one' },
    ]);
  });

  it('refuses a sale before any buy with the tax engine reason, naming the fill', async () => {
    db = await freshDb();
    const csv = referenceTradesCsv(reference.trades.filter((t) => t.id !== 1 && t.id !== 2 && t.id !== 3));
    await commitImport(db, csv, { account: 'broker', fileName: 'sales.csv' });
    await expect(run(fifoAu)).rejects.toMatchObject({
      error: {
        code: 'tax-refused',
        message: expect.stringMatching(
          /^The report cannot be made\. The sale from sales\.csv, trade 4 on 2022-03-10: sells 60 of asset XYZ.*before any buy.*the first buy of it is the fill from sales\.csv, trade 6 on .*short sales need an explicit method/,
        ),
      },
    });
  });

  it('says which fills need a conversion rate, and the refusal points at them', async () => {
    db = await freshDb();
    await withReference();
    const usdBuy = referenceTradesCsv([
      { id: 99, date: '2020-01-02', side: 'BUY', qty: 5, price: 3, fee: 0 },
    ]).replace('XYZ/AUD', 'ABC/USDT');
    const usdSell = referenceTradesCsv([
      { id: 98, date: '2020-02-02', side: 'SELL', qty: 5, price: 4, fee: 0 },
    ]).replace('XYZ/AUD', 'ABC/AUD');
    await commitImport(db, usdBuy, { account: 'broker', fileName: 'usd.csv' });
    const fine = await run(fifoAu);
    expect(fine.exclusions).toEqual([
      expect.objectContaining({ kind: 'fill', currency: 'USDT', fillIds: ['import:broker:id:99'] }),
    ]);
    expect(fine.fillsRead).toBe(9);
    expect(fine.fillsUsed).toBe(8);
    await commitImport(db, usdSell, { account: 'broker', fileName: 'aud.csv' });
    await expect(run(fifoAu)).rejects.toMatchObject({
      error: {
        code: 'tax-refused',
        message: expect.stringContaining('1 fill was left out for want of a conversion rate'),
      },
    });
  });

  it('with no fills, reports no years; bad options are refused with what to write', async () => {
    db = await freshDb();
    expect((await run(fifoAu)).years).toEqual([]);
    await expect(
      run({ jurisdiction: 'AU', methods: { method: 'FIFO', byYear: { '2023': 'HIFO' } } }),
    ).rejects.toMatchObject({
      error: { code: 'bad-method', message: expect.stringContaining('write it like 2021-22') },
    });
    await expect(run({ ...fifoAu, timeZone: 'Mars/Olympus' })).rejects.toMatchObject({
      error: { code: 'bad-options' },
    });
  });

  it('through the API: progress while reading, a cancelled job stops, and the CSV carries matches and totals', async () => {
    db = await freshDb();
    await withReference();
    const api = createReportsApi({ db });
    const stages: string[] = [];
    const view = await api.taxReport(fifoAu, 'job-1', (p) => stages.push(p.stage));
    expect(view.years).toHaveLength(3);
    expect(stages).toContain('Reading fills');
    expect(stages).toContain('Matching lots');

    const cancelled = api.taxReport(fifoAu, 'job-2', () => void api.cancel('job-2'));
    await expect(cancelled).rejects.toMatchObject({ code: 'cancelled' });

    const { text, fileName } = await api.taxCsv({ ...fifoAu, year: '2021-22' });
    expect(fileName).toBe('lyra-tax-AU-FIFO-2021-22.csv');
    const [matches, totals, excluded] = text.trimEnd().split('\n\n');
    expect(matches!.split('\n')).toEqual([
      'tax_year,sale_date,sale,sale_fill_id,account,asset,method,lot,acquired,qty,unit_cost_base,unit_net_proceeds,cost_base,proceeds,gain,days_held,twelve_month_anniversary,discount_eligible,discount_applied',
      '2021-22,2022-03-10,"reference.csv, trade 4",import:broker:id:4,broker,XYZ,FIFO,L1,2021-03-10,60,10.1,14.9,606,894,288,365,2022-03-10,false,false',
      '2021-22,2022-03-11,"reference.csv, trade 5",import:broker:id:5,broker,XYZ,FIFO,L1,2021-03-10,40,10.1,14.9,404,596,192,366,2022-03-10,true,true',
    ]);
    expect(totals!.split('\n')).toEqual([
      'tax_year,gross_gains,losses,nondiscount_gains,discount_eligible_gains,net_realised,net_capital_gain,loss_brought_forward,loss_carried_forward',
      '2021-22,480,0,288,192,480,384,0,0',
    ]);
    expect(excluded).toBe('excluded,currency,reason,fill_id');
  });

  it('leaves paper accounts out unless asked, so a simulated trade neither changes nor blocks the report', async () => {
    db = await freshDb();
    await withReference();
    const reference = await run(fifoAu);
    await db.accounts.bulkPut([paperAccount('paper:binance', 'Paper Binance'), paperAccount('paper:usdt')]);
    const at = (day: string) => Date.parse(`${day}T02:00:00Z`);
    await db.fills.bulkAdd([
      liveFill('p-buy', 'paper:binance', 'buy', '1', '10000', at('2022-01-03'), 'BTC/AUD'),
      liveFill('p-sell', 'paper:binance', 'sell', '1', '90000', at('2022-02-03'), 'BTC/AUD'),
      // A sale with no buy: refused when paper counts, invisible when it does not.
      liveFill('p-short', 'paper:binance', 'sell', '1', '5', at('2022-02-04'), 'ETH/AUD'),
      // A busy USDT paper account must not make USDT the report's currency.
      ...Array.from({ length: 20 }, (_, k) =>
        liveFill(`u-${k}`, 'paper:usdt', 'buy', '1', '1', at('2022-02-05') + k, 'DOGE/USDT'),
      ),
    ]);
    const view = await run(fifoAu);
    expect(view.currency).toBe('AUD');
    expect(view.includePaper).toBe(false);
    expect(view.totals).toEqual(reference.totals);
    expect(view.years).toEqual(reference.years);
    expect(view.fillsRead).toBe(8);
    // Counted with paper, the USDT account's twenty fills would choose USDT: AUD is asked for.
    await expect(run({ ...fifoAu, includePaper: true, currency: 'AUD' })).rejects.toMatchObject({
      error: {
        code: 'tax-refused',
        // The engine's own fill is named by its account and market, and dated in the report's zone.
        message: expect.stringMatching(
          /^The report cannot be made\. The sale in Paper Binance \(ETH\/AUD\) on 2022-02-04: sells 1 of asset ETH/,
        ),
      },
    });
    await db.fills.delete('p-short');
    const withPaper = await run({ ...fifoAu, includePaper: true, currency: 'AUD' });
    expect(num(withPaper.totals.grossGains) - num(reference.totals.grossGains)).toBe(80000);
    const sources = await createReportsApi({ db }).taxSources();
    expect(sources.paperFills).toBe(22);
    expect(sources.accounts.find((a) => a.id === 'paper:binance')?.kind).toBe('paper');
    expect(sources.accounts.find((a) => a.id === 'broker')?.kind).toBe('import');
  });

  it('a net capital loss is carried into the next years, which show it brought forward', async () => {
    db = await freshDb();
    await db.accounts.put(liveAccount('live:v1', 'Main'));
    const at = (day: string) => Date.parse(`${day}T02:00:00Z`);
    await db.fills.bulkAdd([
      liveFill('a', 'live:v1', 'buy', '10', '200', at('2022-08-01'), 'BTC/AUD'),
      liveFill('b', 'live:v1', 'sell', '10', '100', at('2022-09-01'), 'BTC/AUD'),
      liveFill('c', 'live:v1', 'buy', '10', '100', at('2023-08-01'), 'BTC/AUD'),
      liveFill('d', 'live:v1', 'sell', '10', '400', at('2023-09-01'), 'BTC/AUD'),
    ]);
    const view = await run(fifoAu);
    expect(
      view.years.map((y) => [
        y.taxYear,
        y.totals.lossBroughtForward,
        y.totals.netCapitalGain,
        y.totals.lossCarriedForward,
      ]),
    ).toEqual([
      ['2022-23', '0', '-1000', '1000'],
      ['2023-24', '1000', '2000', '0'],
    ]);
    // All years netted as one set, as the reference computes it.
    expect(view.totals.netCapitalGain).toBe('2000');
    expect(view.years[1]!.matches[0]!.sellLabel).toBe('Main');
  });

  it('an unknown time zone is refused with what to write, before any fill is dated in it', async () => {
    db = await freshDb();
    await withReference();
    await expect(run({ ...fifoAu, timeZone: 'Sydney' })).rejects.toMatchObject({
      error: { code: 'bad-options', message: expect.stringContaining('"Sydney" is not a time zone') },
    });
  });
});
