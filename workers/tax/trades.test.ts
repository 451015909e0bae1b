import { describe, expect, it } from 'vitest';
import { TaxInputError, type TaxProblem } from './errors.js';
import { taxReportFromInput } from './from-input.js';
import { taxReport } from './report.js';
import { normalizeTrades } from './trades.js';

const utc = { timeZone: 'UTC' };

/** The problems a call refuses with (failing the test if it does not refuse). */
function problemsOf(work: () => unknown): TaxProblem[] {
  try {
    work();
  } catch (e) {
    if (e instanceof TaxInputError) return e.problems;
    throw e;
  }
  throw new Error('expected a TaxInputError');
}

const buy = (over: object = {}) => ({
  id: 1,
  date: '2022-01-03',
  side: 'buy',
  qty: 10,
  price: 5,
  fee: 1,
  ...over,
});

describe('reading trades', () => {
  it('keeps ids as given, defaults account and asset, and reads numbers exactly', () => {
    const [a, b] = normalizeTrades(
      [buy({ id: '007', qty: 0.1, price: 0.2, fee: undefined }), { ...buy({ id: 4 }), side: 'SELL' }],
      utc,
    );
    expect(a?.id).toBe('007');
    expect(b?.id).toBe(4);
    expect(b?.side).toBe('sell');
    expect(a?.account).toBe('default');
    expect(a?.asset).toBe('default');
    // 0.1 * 0.2 is 0.02 exactly, not 0.020000000000000004.
    expect(a?.qty.mul(a.price).toString()).toBe('0.02');
    expect(a?.fee.isZero()).toBe(true);
  });

  it('numbers trades without an id by their position', () => {
    const trades = normalizeTrades([buy({ id: undefined }), buy({ id: undefined })], utc);
    expect(trades.map((t) => t.id)).toEqual([1, 2]);
  });

  it('dates epoch-ms times and date-times with an offset in the taxpayer time zone', () => {
    const time = Date.UTC(2022, 5, 30, 14, 30); // 1 July 00:30 in Sydney
    const input = [
      buy({ id: 1, date: undefined, time }),
      buy({ id: 2, date: '2022-06-30T14:30:00Z' }),
      buy({ id: 3, date: '2022-06-30T23:30:00+0900' }),
      buy({ id: 4, date: '2022-06-30 23:30:00' }), // no offset: already a Sydney wall-clock time
      buy({ id: 5, date: String(time) }),
    ];
    expect(normalizeTrades(input, { timeZone: 'Australia/Sydney' }).map((t) => t.date)).toEqual([
      '2022-07-01',
      '2022-07-01',
      '2022-07-01',
      '2022-06-30',
      '2022-07-01',
    ]);
    expect(normalizeTrades(input, utc).map((t) => t.date)).toEqual([
      '2022-06-30',
      '2022-06-30',
      '2022-06-30',
      '2022-06-30',
      '2022-06-30',
    ]);
  });

  it('defaults the time zone to Sydney for AU and UTC otherwise', () => {
    const input = [buy({ date: undefined, time: Date.UTC(2022, 5, 30, 14, 30) })];
    const au = taxReportFromInput(input, { jurisdiction: 'AU', method: 'FIFO' });
    const none = taxReportFromInput(input, { jurisdiction: 'none', method: 'FIFO' });
    expect([au.lots[0]?.acquired, au.time_zone]).toEqual(['2022-07-01', 'Australia/Sydney']);
    expect([none.lots[0]?.acquired, none.time_zone]).toEqual(['2022-06-30', 'UTC']);
  });
});

describe('refusing bad trades', () => {
  it('refuses bad numbers, naming the trade and the field', () => {
    const problems = problemsOf(() =>
      normalizeTrades(
        [
          buy({ id: 'a', qty: 'ten' }),
          buy({ id: 'b', qty: 0 }),
          buy({ id: 'c', price: -1 }),
          buy({ id: 'd', fee: true }),
          buy({ id: 'e', price: undefined }),
          buy({ id: 'f', qty: '1e400' }),
        ],
        utc,
      ),
    );
    expect(problems.map((p) => [p.id, p.field])).toEqual([
      ['a', 'qty'],
      ['b', 'qty'],
      ['c', 'price'],
      ['d', 'fee'],
      ['e', 'price'],
      ['f', 'qty'],
    ]);
    expect(problems[0]?.message).toContain('"ten" is not a number');
    expect(problems[1]?.message).toContain('must be more than 0');
    expect(problems[2]?.message).toContain('must not be negative');
    expect(problems[4]?.message).toContain('missing');
  });

  it('refuses bad dates', () => {
    const problems = problemsOf(() =>
      normalizeTrades(
        [
          buy({ id: 1, date: '2022-02-30' }),
          buy({ id: 2, date: '10/03/2022' }),
          buy({ id: 3, date: undefined }),
          buy({ id: 4, date: 1_646_870_400 }), // epoch seconds
          buy({ id: 5, date: '2022-03-10', time: Date.UTC(2022, 2, 11, 12) }),
          buy({ id: 6, date: '2022-03-10T25:00:00Z' }),
        ],
        utc,
      ),
    );
    expect(problems.map((p) => [p.id, p.field])).toEqual([
      [1, 'date'],
      [2, 'date'],
      [3, 'date'],
      [4, 'date'],
      [5, 'date'],
      [6, 'date'],
    ]);
    expect(problems[0]?.message).toContain('not a real date');
    expect(problems[1]?.message).toContain('YYYY-MM-DD');
    expect(problems[3]?.message).toContain('epoch seconds');
    expect(problems[4]?.message).toContain('disagrees');
  });

  it('refuses bad sides, repeated ids, lots named on sales and repeated lot names', () => {
    const problems = problemsOf(() =>
      normalizeTrades(
        [
          buy({ id: 1, side: 'short', lot: 'A' }),
          buy({ id: 1, lot: 'A' }),
          buy({ id: 3, side: 'sell', lot: 'B' }),
        ],
        utc,
      ),
    );
    expect(problems.map((p) => [p.id, p.field])).toEqual([
      [1, 'side'],
      [1, 'id'],
      [1, 'lot'],
      [3, 'lot'],
    ]);
    expect(problems[2]?.message).toContain('unique');
    expect(problems[3]?.message).toContain('specific identification is not supported');
  });

  it('refuses a sale before any buy, saying short sales need a method Lyra does not have', () => {
    const trades = normalizeTrades(
      [
        { id: 's', date: '2022-01-02', side: 'sell', qty: 1, price: 5 },
        { id: 'b', date: '2022-01-03', side: 'buy', qty: 1, price: 5 },
      ],
      utc,
    );
    const [p] = problemsOf(() => taxReport(trades, { jurisdiction: 'none', method: 'FIFO' }));
    expect(p).toMatchObject({ index: 0, id: 's', field: 'date' });
    expect(p?.message).toContain('before any buy');
    expect(p?.message).toContain('short sales need an explicit method');
    expect(p?.message).toContain('trade b on 2022-01-03');
  });

  it('refuses selling more than is held, in that account and asset', () => {
    const trades = normalizeTrades(
      [
        { id: 1, account: 'x', date: '2022-01-01', side: 'buy', qty: 4, price: 5 },
        { id: 2, account: 'y', date: '2022-01-01', side: 'buy', qty: 4, price: 5 },
        { id: 3, account: 'x', date: '2022-01-02', side: 'sell', qty: 5, price: 5 },
      ],
      utc,
    );
    const [p] = problemsOf(() => taxReport(trades, { jurisdiction: 'none', method: 'HIFO' }));
    expect(p).toMatchObject({ index: 2, id: 3, field: 'qty' });
    expect(p?.message).toContain('only 4 are held');
    expect(p?.message).toContain('short sale');
  });

  it('refuses a sale once everything is sold', () => {
    const input = [
      { id: 1, date: '2022-01-01', side: 'buy', qty: 4, price: 5 },
      { id: 2, date: '2022-01-02', side: 'sell', qty: 4, price: 5 },
      { id: 3, date: '2022-01-03', side: 'sell', qty: '0.0001', price: 5 },
    ];
    for (const method of ['FIFO', 'ACB'] as const) {
      const [p] = problemsOf(() => taxReportFromInput(input, { jurisdiction: 'AU', method }));
      expect(p?.message).toContain('only 0 are held');
    }
  });
});

describe('refusing bad options', () => {
  const trades = normalizeTrades([buy()], utc);

  it('names the allowed methods and jurisdictions', () => {
    const [m] = problemsOf(() => taxReport(trades, { jurisdiction: 'AU', method: 'LILO' as never }));
    expect(m).toMatchObject({ field: 'method', index: null });
    expect(m?.message).toContain('FIFO, LIFO, HIFO, ACB');
    const [j] = problemsOf(() => taxReport(trades, { jurisdiction: 'US' as never, method: 'FIFO' }));
    expect(j?.message).toContain('AU, none');
  });

  it('checks what a per-year method choice returns', () => {
    const input = [buy(), { id: 2, date: '2022-02-01', side: 'sell', qty: 1, price: 6 }];
    const [m] = problemsOf(() =>
      taxReportFromInput(input, { jurisdiction: 'AU', method: () => 'random' as never }),
    );
    expect(m?.message).toContain('"random" (for 2021-22, account default)');
  });

  it('refuses unknown time zones, year starts and year labels', () => {
    expect(
      problemsOf(() => taxReport(trades, { jurisdiction: 'AU', method: 'FIFO', timeZone: 'Mars/Olympus' }))[0]
        ?.field,
    ).toBe('timeZone');
    expect(
      problemsOf(() => taxReport(trades, { jurisdiction: 'AU', method: 'FIFO', yearStart: '02-29' }))[0]
        ?.field,
    ).toBe('yearStart');
    const [y] = problemsOf(() => taxReport(trades, { jurisdiction: 'AU', method: 'FIFO', year: '2022' }));
    expect(y?.message).toContain('write it like 2021-22');
  });
});
