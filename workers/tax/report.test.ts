import { describe, expect, it } from 'vitest';
import { Decimal, dec } from '../money/decimal.js';
import { taxReportFromInput } from './from-input.js';
import { exactJson } from './report-json.js';
import { taxReport } from './report.js';
import { plain, reference } from './test-support/reference.js';
import { normalizeTrades } from './trades.js';
import type { Match, Method, TaxReport } from './types.js';

const trades = reference.trades;
const fifo = reference.results.FIFO;

function report(method: Method | ((y: string, a: string) => Method), extra: object = {}): TaxReport {
  return taxReportFromInput(trades, { jurisdiction: 'AU', method, ...extra });
}

/** [sell, lot, acquired, qty, unit cost, unit net proceeds, cost, proceeds, gain, days, anniversary, eligible] */
type Row = [number, string, string, number, number, number, number, number, number, number, string, boolean];

function expectedMatches(rows: Row[]) {
  return rows.map(
    ([sell, lot, acquired, qty, ucb, unp, cost, proceeds, gain, days, anniversary, eligible]) => ({
      sell_trade: sell,
      sale_date: { 4: '2022-03-10', 5: '2022-03-11', 7: '2023-06-01', 8: '2024-03-10' }[sell],
      lot,
      acquired,
      qty,
      unit_cost_base: ucb,
      unit_net_proceeds: unp,
      cost_base: cost,
      proceeds,
      gain,
      days_held: days,
      twelve_month_anniversary: anniversary,
      discount_eligible: eligible,
      discount_applied: eligible && gain > 0,
    }),
  );
}

describe('FIFO on the reference trades (test/fixtures/reference/cgt_example_fifo.json)', () => {
  const r = report('FIFO');

  it('matches every match of the reference field by field', () => {
    expect(fifo.matches.length).toBe(6);
    expect(plain(r.matches)).toEqual(fifo.matches);
  });

  it('matches the summary, the realised total, the gain per sale and the remaining lots', () => {
    expect(plain(r.summary)).toEqual(fifo.summary);
    expect(plain(r.realised_gain_total)).toBe(fifo.realised_gain_total);
    expect(plain(r.gain_by_sell_trade)).toEqual(fifo.gain_by_sell_trade);
    expect(plain(r.remaining_lots)).toEqual(fifo.remaining_lots);
  });

  it('holds the values exactly, not as floats', () => {
    for (const [m, want] of r.matches.map((m, k) => [m, fifo.matches[k]] as const)) {
      for (const key of [
        'qty',
        'unit_cost_base',
        'unit_net_proceeds',
        'cost_base',
        'proceeds',
        'gain',
      ] as const)
        expect(m[key].eq(Decimal.from(want?.[key] as number)), key).toBe(true);
    }
    expect(r.summary.net_capital_gain_after_discount.toString()).toBe('632');
  });

  it('names lots L<n> in order of buys when the input does not name them', () => {
    const unnamed = trades.map(({ lot: _lot, ...t }) => t);
    const again = taxReportFromInput(unnamed, { jurisdiction: 'AU', method: 'FIFO' });
    expect(plain(again.matches)).toEqual(fifo.matches);
  });

  it('reports each tax year on its own, netting its losses only against its gains', () => {
    expect(r.years.map((y) => y.tax_year)).toEqual(['2021-22', '2022-23', '2023-24']);
    // 2021-22: non-discount 288 + eligible 192 / 2 = 384. 2022-23: (192 - 60) / 2 = 66.
    // 2023-24: non-discount 56 + 312 / 2 = 212.
    expect(r.years.map((y) => y.summary.net_capital_gain_after_discount.toString())).toEqual([
      '384',
      '66',
      '212',
    ]);
    expect(r.years[1]?.methods).toEqual({ default: 'FIFO' });
    expect(Decimal.sum(r.years.map((y) => y.realised_gain_total)).toString()).toBe('980');
  });
});

describe('LIFO and HIFO on the reference trades (derived by hand)', () => {
  // Lots: L1 100 @ 10 + fee 10 = 1010 (10.1 a unit); L2 50 @ 14 + 5 = 705 (14.1); L3 80 @ 8 + 8 = 648
  // (8.1); L4 70 @ 13 + 7 = 917 (13.1). Sales (net proceeds a unit): #4 60 @ 15 - 6 = 894 (14.9),
  // #5 40 @ 15 - 4 = 596 (14.9), #7 90 @ 13 - 9 = 1161 (12.9), #8 60 @ 16 - 6 = 954 (15.9).

  it('LIFO takes the newest open lot first', () => {
    const r = report('LIFO');
    expect(plain(r.matches)).toEqual(
      expectedMatches([
        // #4: 60 of L3 (newest): 60 * 8.1 = 486; 894 - 486 = 408; 115 days; not yet 12 months.
        [4, 'L3', '2021-11-15', 60, 8.1, 14.9, 486, 894, 408, 115, '2022-11-15', false],
        // #5: the last 20 of L3 (cost 648 - 486 = 162; 20 * 14.9 = 298; 136), then 20 of L2
        // (20 * 14.1 = 282; 298; 16; 283 days).
        [5, 'L3', '2021-11-15', 20, 8.1, 14.9, 162, 298, 136, 116, '2022-11-15', false],
        [5, 'L2', '2021-06-01', 20, 14.1, 14.9, 282, 298, 16, 283, '2022-06-01', false],
        // #7: all of L4, bought since (917; 70 * 12.9 = 903; -14; 83 days), then 20 of L2's 30
        // (282; 258; -24): both losses, so no discount although L2 is eligible.
        [7, 'L4', '2023-03-10', 70, 13.1, 12.9, 917, 903, -14, 83, '2024-03-10', false],
        [7, 'L2', '2021-06-01', 20, 14.1, 12.9, 282, 258, -24, 730, '2022-06-01', true],
        // #8: the last 10 of L2 (705 - 282 - 282 = 141; 159; 18; 730 + 283 days), then 50 of L1
        // (505; 795; 290; 3 years with a 29 Feb = 1096 days).
        [8, 'L2', '2021-06-01', 10, 14.1, 15.9, 141, 159, 18, 1013, '2022-06-01', true],
        [8, 'L1', '2021-03-10', 50, 10.1, 15.9, 505, 795, 290, 1096, '2022-03-10', true],
      ]),
    );
    // Gains 408 + 136 + 16 + 18 + 290 = 868, losses 14 + 24 = 38. Non-discount 408 + 136 + 16 = 560,
    // eligible 18 + 290 = 308; 560 - 38 = 522 and 522 + 308 / 2 = 676.
    expect(plain(r.summary)).toEqual({
      gross_gains: 868,
      losses: 38,
      nondiscount_gains: 560,
      discount_eligible_gains: 308,
      net_realised: 830,
      net_capital_gain_after_discount: 676,
    });
    expect(plain(r.gain_by_sell_trade)).toEqual({ trade_4: 408, trade_5: 152, trade_7: -38, trade_8: 308 });
    expect(plain(r.remaining_lots)).toEqual([
      { lot: 'L1', acquired: '2021-03-10', qty: 50, unit_cost_base: 10.1, cost_base: 505 },
    ]);
  });

  it('HIFO takes the highest unit cost base first', () => {
    const r = report('HIFO');
    expect(plain(r.matches)).toEqual(
      expectedMatches([
        // #4: L2 (14.1) whole: 705; 50 * 14.9 = 745; 40; then 10 of L1 (10.1): 101; 149; 48.
        [4, 'L2', '2021-06-01', 50, 14.1, 14.9, 705, 745, 40, 282, '2022-06-01', false],
        [4, 'L1', '2021-03-10', 10, 10.1, 14.9, 101, 149, 48, 365, '2022-03-10', false],
        // #5: 40 of L1: 404; 596; 192, the day after its anniversary.
        [5, 'L1', '2021-03-10', 40, 10.1, 14.9, 404, 596, 192, 366, '2022-03-10', true],
        // #7: L4 (13.1) whole: 917; 903; -14; then 20 of L1: 202; 258; 56.
        [7, 'L4', '2023-03-10', 70, 13.1, 12.9, 917, 903, -14, 83, '2024-03-10', false],
        [7, 'L1', '2021-03-10', 20, 10.1, 12.9, 202, 258, 56, 813, '2022-03-10', true],
        // #8: the last 30 of L1 (10.1 > 8.1): 303; 477; 174; then 30 of L3: 243; 477; 234.
        [8, 'L1', '2021-03-10', 30, 10.1, 15.9, 303, 477, 174, 1096, '2022-03-10', true],
        [8, 'L3', '2021-11-15', 30, 8.1, 15.9, 243, 477, 234, 846, '2022-11-15', true],
      ]),
    );
    // Gains 40 + 48 + 192 + 56 + 174 + 234 = 744, losses 14; non-discount 88, eligible 656;
    // 88 - 14 = 74 and 74 + 656 / 2 = 402.
    expect(plain(r.summary)).toEqual({
      gross_gains: 744,
      losses: 14,
      nondiscount_gains: 88,
      discount_eligible_gains: 656,
      net_realised: 730,
      net_capital_gain_after_discount: 402,
    });
    expect(plain(r.remaining_lots)).toEqual([
      { lot: 'L3', acquired: '2021-11-15', qty: 50, unit_cost_base: 8.1, cost_base: 405 },
    ]);
  });

  it('breaks HIFO ties by the oldest lot', () => {
    const r = taxReportFromInput(
      [
        { id: 'a', date: '2022-01-01', side: 'buy', qty: 10, price: 5, fee: 0 },
        { id: 'b', date: '2022-02-01', side: 'buy', qty: 5, price: 5, fee: 0 },
        { id: 'c', date: '2022-03-01', side: 'buy', qty: 4, price: 4.9, fee: 0.4 },
        { id: 'd', date: '2022-04-01', side: 'sell', qty: 12, price: 6, fee: 0 },
      ],
      { jurisdiction: 'none', method: 'HIFO' },
    );
    // All three lots cost 5 a unit (c: (4 * 4.9 + 0.4) / 4 = 5): oldest first, L1 then 2 of L2.
    expect(r.matches.map((m) => [m.lot, m.qty.toString()])).toEqual([
      ['L1', '10'],
      ['L2', '2'],
    ]);
  });
});

describe('average cost (ACB)', () => {
  it('costs a sale at the pool average and splits it by acquisition date, oldest first', () => {
    const r = taxReportFromInput(
      [
        { id: 1, date: '2020-01-10', side: 'buy', qty: 10, price: 10, fee: 0 },
        { id: 2, date: '2021-06-10', side: 'buy', qty: 10, price: 20, fee: 0 },
        { id: 3, date: '2021-07-01', side: 'sell', qty: 15, price: 20, fee: 0 },
        { id: 4, date: '2021-08-01', side: 'buy', qty: 5, price: 9, fee: 0 },
        { id: 5, date: '2021-09-01', side: 'sell', qty: 10, price: 12, fee: 0 },
      ],
      { jurisdiction: 'AU', method: 'ACB' },
    );
    // Pool 20 units costing 100 + 200 = 300 (15 a unit). Sale 3: 15 * 15 = 225, taken as 10 of L1
    // (150, proceeds 200, gain 50, eligible) and 5 of L2 (75, 100, 25, not eligible).
    // Left: 5 units costing 75; with L3 (45): 10 units, 120 (12 a unit); sale 5 costs 120 for 120.
    expect(
      r.matches.map((m) => [
        m.sell_trade,
        m.lot,
        m.qty.toString(),
        m.unit_cost_base.toString(),
        m.cost_base.toString(),
        m.proceeds.toString(),
        m.gain.toString(),
        m.discount_eligible,
      ]),
    ).toEqual([
      [3, 'L1', '10', '15', '150', '200', '50', true],
      [3, 'L2', '5', '15', '75', '100', '25', false],
      [5, 'L2', '5', '12', '60', '60', '0', false],
      [5, 'L3', '5', '12', '60', '60', '0', false],
    ]);
    expect(r.remaining_lots).toEqual([]);
    // 25 non-discount + 50 / 2 eligible.
    expect(r.summary.net_capital_gain_after_discount.toString()).toBe('50');
  });

  it('keeps the pool exact on the reference trades', () => {
    const r = report('ACB');
    // Sale 4: pool 230 units costing 1010 + 705 + 648 = 2363; 60 units cost 2363 * 60 / 230 =
    // 616.43478260869565..., 616.434782608696 at 12 decimals; 894 - that = 277.565217391304.
    const [m4, m5] = r.matches;
    expect(m4?.cost_base.toString()).toBe('616.434782608696');
    expect(m4?.unit_cost_base.toString()).toBe('10.273913043478');
    expect(m4?.gain.toString()).toBe('277.565217391304');
    // Sale 5: what is left (2363 - 616.434782608696 = 1746.565217391304 for 170 units) * 40 / 170 =
    // 410.95652173913035..., rounded 410.95652173913.
    expect(m5?.cost_base.toString()).toBe('410.95652173913');
    // The units are dated oldest first, as FIFO takes them.
    expect(r.matches.map((m) => [m.sell_trade, m.lot, m.qty.toString()])).toEqual(
      fifo.matches.map((m) => [m.sell_trade, m.lot, String(m.qty)]),
    );
    // Nothing is lost: matched cost bases plus what is left are exactly the 3280 bought.
    const matched = Decimal.sum(r.matches.map((m) => m.cost_base));
    const left = Decimal.sum(r.remaining_lots.map((l) => l.cost_base));
    expect(matched.add(left).toString()).toBe('3280');
    // Both matches of a sale share the sale's average unit cost.
    expect(r.matches[2]?.unit_cost_base.eq(r.matches[3]!.unit_cost_base)).toBe(true);
  });
});

describe('methods per tax year and account, and one tax year at a time', () => {
  it('matches each sale with the method of its tax year; lots carry across years', () => {
    const r = report((year) => (year === '2022-23' ? 'LIFO' : 'FIFO'));
    // 2021-22 FIFO as the reference (L1 60, L1 40); 2022-23 LIFO takes L4 (bought that year) first.
    expect(r.matches.map((m) => [m.sell_trade, m.lot, m.qty.toString()])).toEqual([
      [4, 'L1', '60'],
      [5, 'L1', '40'],
      [7, 'L4', '70'],
      [7, 'L3', '20'],
      [8, 'L2', '50'],
      [8, 'L3', '10'],
    ]);
    expect(r.years.map((y) => y.methods.default)).toEqual(['FIFO', 'LIFO', 'FIFO']);
    expect(r.sales.map((s) => s.method)).toEqual(['FIFO', 'FIFO', 'LIFO', 'FIFO']);
  });

  it('reports only the chosen year, with the lots held at its end', () => {
    const r = report('FIFO', { year: '2022-23' });
    expect(plain(r.matches)).toEqual(fifo.matches.filter((m) => m.sell_trade === 7));
    // (192 - 60) / 2 = 66: the year nets on its own.
    expect(r.summary.net_capital_gain_after_discount.toString()).toBe('66');
    expect(r.years.map((y) => y.tax_year)).toEqual(['2022-23']);
    expect(plain(r.remaining_lots)).toEqual([
      { lot: 'L3', acquired: '2021-11-15', qty: 40, unit_cost_base: 8.1, cost_base: 324 },
      { lot: 'L4', acquired: '2023-03-10', qty: 70, unit_cost_base: 13.1, cost_base: 917 },
    ]);
  });

  it('gives an empty year without sales', () => {
    const r = report('FIFO', { year: '2020-21' });
    expect(r.matches).toEqual([]);
    expect(r.years).toHaveLength(1);
    expect(r.summary.net_capital_gain_after_discount.isZero()).toBe(true);
    // The lots bought by 30 June 2021.
    expect(plain(r.remaining_lots)).toEqual([
      { lot: 'L1', acquired: '2021-03-10', qty: 100, unit_cost_base: 10.1, cost_base: 1010 },
      { lot: 'L2', acquired: '2021-06-01', qty: 50, unit_cost_base: 14.1, cost_base: 705 },
    ]);
  });

  it('uses calendar years and no discount without a jurisdiction', () => {
    const r = report('FIFO', { jurisdiction: 'none' });
    expect(r.years.map((y) => y.tax_year)).toEqual(['2022', '2023', '2024']);
    expect(r.matches.every((m) => !m.discount_eligible && m.twelve_month_anniversary === null)).toBe(true);
    expect(r.summary.net_capital_gain_after_discount.toString()).toBe('980');
    expect(r.time_zone).toBe('UTC');
  });

  it('keeps accounts and assets apart, with a method per account', () => {
    const r = taxReportFromInput(
      [
        { id: 1, account: 'a', asset: 'X', date: '2022-01-01', side: 'buy', qty: 1, price: 100 },
        { id: 2, account: 'b', asset: 'X', date: '2022-01-02', side: 'buy', qty: 1, price: 200 },
        { id: 3, account: 'a', asset: 'X', date: '2022-01-03', side: 'buy', qty: 1, price: 300 },
        { id: 4, account: 'a', asset: 'Y', date: '2022-01-04', side: 'buy', qty: 1, price: 1 },
        { id: 5, account: 'a', asset: 'X', date: '2022-02-01', side: 'sell', qty: 1, price: 250 },
        { id: 6, account: 'b', asset: 'X', date: '2022-02-01', side: 'sell', qty: 1, price: 250 },
      ],
      { jurisdiction: 'none', method: (_y, account) => (account === 'a' ? 'LIFO' : 'FIFO') },
    );
    // Account a sells its newest X (L3, 300); account b its only lot (L2, 200); Y is untouched.
    expect(r.matches.map((m) => [m.sell_trade, m.lot, m.gain.toString()])).toEqual([
      [5, 'L3', '-50'],
      [6, 'L2', '50'],
    ]);
    expect(r.sales.map((s) => [s.account, s.asset, s.method])).toEqual([
      ['a', 'X', 'LIFO'],
      ['b', 'X', 'FIFO'],
    ]);
    expect(r.remaining_lots.map((l) => l.lot)).toEqual(['L1', 'L4']);
  });
});

describe('exact apportioning', () => {
  it('gives the last units of a lot, and of a sale, the remainder', () => {
    const r = taxReportFromInput(
      [
        { id: 1, date: '2022-01-01', side: 'buy', qty: 3, price: '33.33', fee: '0.01' },
        { id: 2, date: '2022-02-01', side: 'sell', qty: 1, price: 40, fee: 0 },
        { id: 3, date: '2022-02-02', side: 'sell', qty: 1, price: 40, fee: 0 },
        { id: 4, date: '2022-02-03', side: 'buy', qty: 1, price: 1, fee: 0 },
        { id: 5, date: '2022-02-04', side: 'buy', qty: 1, price: 1, fee: 0 },
        { id: 6, date: '2022-03-01', side: 'sell', qty: 3, price: 10, fee: '0.01' },
      ],
      { jurisdiction: 'none', method: 'FIFO' },
    );
    // Lot L1 costs 3 * 33.33 + 0.01 = 100. Each sale takes its share of what is left: 100 / 3 =
    // 33.333333333333 (12 decimals); then 66.666666666667 / 2 = 33.3333333333335, half-even
    // 33.333333333334; the last unit takes the rest, 33.333333333333. They add up to 100 exactly.
    const l1 = r.matches.filter((m) => m.lot === 'L1').map((m) => m.cost_base);
    expect(l1.map(String)).toEqual(['33.333333333333', '33.333333333334', '33.333333333333']);
    expect(Decimal.sum(l1).toString()).toBe('100');
    // Sale 6 nets 3 * 10 - 0.01 = 29.99 over three lots of one unit: 29.99 / 3 = 9.99666..., rounded
    // 9.996666666667; then 19.993333333333 / 2 = 9.9966666666665, half-even 9.996666666666; the last
    // takes 19.993333333333 - 9.996666666666 = 9.996666666667.
    const sale6 = r.matches.filter((m) => m.sell_trade === 6);
    expect(sale6.map((m) => m.proceeds.toString())).toEqual([
      '9.996666666667',
      '9.996666666666',
      '9.996666666667',
    ]);
    expect(Decimal.sum(sale6.map((m) => m.proceeds)).toString()).toBe('29.99');
    expect(sale6[0]?.unit_net_proceeds.toString()).toBe('9.996666666667');
  });

  it('takes trades by date and in file order within a day', () => {
    const unsorted = normalizeTrades(
      [
        { id: 'late-sell', date: '2022-05-01', side: 'sell', qty: 1, price: 3 },
        { id: 'buy', date: '2022-04-01', side: 'buy', qty: 1, price: 2 },
        { id: 'same-day-buy', date: '2022-05-01', side: 'buy', qty: 1, price: 5 },
      ],
      { timeZone: 'UTC' },
    );
    const r = taxReport(unsorted, { jurisdiction: 'none', method: 'LIFO' });
    // The sale comes before the same-day buy in the file, so LIFO can only take the April lot.
    expect(r.matches.map((m) => [m.sell_trade, m.acquired])).toEqual([['late-sell', '2022-04-01']]);
  });
});

describe('exactJson', () => {
  it('writes decimals as exact JSON numbers and everything else as JSON.stringify does', () => {
    const value = {
      a: dec('0.1'),
      big: dec('123456789012345678901.000000000001'),
      b: [1, 'x', null, true],
      c: {},
    };
    const text = exactJson(value);
    expect(text).toContain('"big": 123456789012345678901.000000000001');
    expect(text).toBe(
      JSON.stringify({ a: 0.1, big: 0, b: [1, 'x', null, true], c: {} }, null, 2).replace(
        '"big": 0',
        '"big": 123456789012345678901.000000000001',
      ),
    );
  });

  it('round-trips a report to the numbers a JSON reader sees', () => {
    const r = report('FIFO');
    const parsed = JSON.parse(exactJson(r)) as { matches: Match[] };
    expect(parsed.matches[0]?.unit_cost_base).toBe(10.1);
  });
});
