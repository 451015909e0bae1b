import { describe, expect, it } from 'vitest';
import { parsePriceCsv } from './csv-prices.js';

describe('parsePriceCsv', () => {
  it('reads dates and asset columns, ignoring an index column, CRLF, quotes and a BOM', () => {
    const t = parsePriceCsv(
      '\uFEFFindex,Timestamp,"BTC/USDT",ETH\r\n0,1,100,10\r\n1,2,"101.5",11\r\n\r\n',
      'x.csv',
    );
    expect(t.dates).toEqual(['1', '2']);
    expect(t.assets).toEqual(['BTC/USDT', 'ETH']);
    expect(t.prices.map((p) => Array.from(p))).toEqual([
      [100, 101.5],
      [10, 11],
    ]);
  });

  it('refuses a header without prices, a repeated column or two date columns', () => {
    expect(() => parsePriceCsv('date\n1\n2\n', 'x.csv')).toThrow(/no price columns/);
    expect(() => parsePriceCsv('date,A,A\n1,1,1\n2,1,1\n', 'x.csv')).toThrow(/"A" appears twice/);
    expect(() => parsePriceCsv('date,time,A\n1,1,1\n2,2,1\n', 'x.csv')).toThrow(/more than one date column/);
    expect(() => parsePriceCsv('date,A\n,1\n2,1\n', 'x.csv')).toThrow(
      /line 2 \(data row 1\) has an empty date/,
    );
  });

  it('refuses rows out of date order when the dates can be read', () => {
    expect(() => parsePriceCsv('date,A\n2024-01-02,1\n2024-01-01,2\n', 'x.csv')).toThrow(
      /line 3 is dated 2024-01-01, before the row above it \(2024-01-02\)/,
    );
    expect(() => parsePriceCsv('timestamp,A\n1700000086400000,1\n1700000000000,2\n', 'x.csv')).toThrow(
      /line 3/,
    );
    // Labels that are not dates are taken in file order.
    expect(parsePriceCsv('date,A\nday b,1\nday a,2\n', 'x.csv').dates).toEqual(['day b', 'day a']);
  });
});
