import { describe, expect, it } from 'vitest';
import { taxReport } from './report.js';
import { plain, reference } from './test-support/reference.js';
import { parseTradesCsv, type TradesCsvResult } from './trades-csv.js';

const utc = { timeZone: 'UTC' };

function problems(result: TradesCsvResult) {
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

/** The reference trades as a CSV, columns in another order and case, with a column that is not read. */
const referenceCsv =
  'Side,Date,QTY,Price,Fee,Id,Notional\n' +
  reference.trades
    .map((t) => [t.side, t.date, t.qty, t.price, t.fee, t.id, t.notional].join(','))
    .join('\n') +
  '\n';

describe('parseTradesCsv', () => {
  it('reads the reference trades and gives the same FIFO report as the JSON file', () => {
    const parsed = parseTradesCsv(referenceCsv, utc);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.ignored).toEqual(['notional']);
    expect(parsed.lines).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    const r = taxReport(parsed.trades, { jurisdiction: 'AU', method: 'FIFO' });
    // The reference names its lots; the CSV does not, and the generated names are the same.
    expect(plain(r.matches)).toEqual(reference.results.FIFO.matches);
    expect(plain(r.summary)).toEqual(reference.results.FIFO.summary);
  });

  it('reads optional columns, quoted fields, semicolons, CRLF and ISO date-times', () => {
    const csv =
      '\uFEFFdate;side;qty;price;fee;account;asset;lot\r\n' +
      '2022-06-30T14:30:00Z;buy;1,5;10;;"my broker";BTC;first\r\n' +
      '2022-07-02;SELL;1;12;0.5;"my broker";BTC;\r\n';
    const parsed = parseTradesCsv(csv, { timeZone: 'Australia/Sydney' });
    // A semicolon file may use a decimal comma, but that is not read as a number: "1,5" is refused.
    expect(problems(parsed)).toEqual([
      { line: 2, column: 'qty', message: expect.stringContaining('"1,5" is not a number') },
    ]);
    const fixed = parseTradesCsv(csv.replace('1,5', '1.5'), { timeZone: 'Australia/Sydney' });
    if (!fixed.ok) throw new Error(JSON.stringify(fixed.problems));
    expect(
      fixed.trades.map((t) => [t.id, t.date, t.side, t.account, t.asset, t.lot, t.fee.toString()]),
    ).toEqual([
      [1, '2022-07-01', 'buy', 'my broker', 'BTC', 'first', '0'],
      [2, '2022-07-02', 'sell', 'my broker', 'BTC', null, '0.5'],
    ]);
  });

  it('lists every bad row with its line and column, and returns no trades', () => {
    const csv = [
      'date,side,qty,price,fee',
      '2022-01-03,BUY,10,100,1',
      '2022-02-30,BUY,10,100,1',
      '2022-03-01,HOLD,abc,100,1',
      '2022-03-02,SELL,1,100',
      '2022-03-03,SELL,1,-4,1',
    ].join('\n');
    const result = parseTradesCsv(csv, utc);
    expect(result.ok).toBe(false);
    expect(problems(result).map((p) => [p.line, p.column])).toEqual([
      [3, 'date'],
      [4, 'side'],
      [4, 'qty'],
      [5, null],
      [6, 'price'],
    ]);
    expect(problems(result)[3]?.message).toContain('has 4 fields, the header has 5');
  });

  it('names missing and repeated columns in the header', () => {
    const missing = problems(parseTradesCsv('date,side,quantity,price\n2022-01-01,buy,1,1\n', utc));
    expect(missing).toEqual([
      { line: 1, column: null, message: expect.stringContaining('missing columns qty, fee') },
    ]);
    const twice = problems(parseTradesCsv('date,side,qty,price,fee,Qty\n2022-01-01,buy,1,1,0,1\n', utc));
    expect(twice[0]).toMatchObject({ line: 1, column: 'qty' });
  });

  it('refuses an empty file and a header without trades', () => {
    expect(problems(parseTradesCsv('', utc))[0]?.message).toContain('empty');
    expect(problems(parseTradesCsv('date,side,qty,price,fee\n\n', utc))[0]?.message).toContain('no trades');
  });

  it('names repeated ids by line', () => {
    const csv = 'id,date,side,qty,price,fee\n7,2022-01-01,buy,1,1,0\n7,2022-01-02,buy,1,1,0\n';
    expect(problems(parseTradesCsv(csv, utc))).toEqual([
      {
        line: 3,
        column: 'id',
        message: '7 is already the id of the trade on line 2: every trade needs its own id',
      },
    ]);
  });
});
