import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_PROBLEMS, parseTradesCsv, type ParseTradesResult } from './parse-trades.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const acct = { accountId: 'a' };

function problems(result: ParseTradesResult) {
  if (result.ok) throw new Error('expected problems, got trades');
  return result.problems;
}

/** Each problem's [line, column], the way the import screen lists them. */
const where = (result: ParseTradesResult) => problems(result).map((p) => [p.line, p.column]);

const GENERIC = 'date,symbol,side,amount,price,fee,fee_asset';
const generic = (...rows: string[]) => [GENERIC, ...rows].join('\n');
const GOOD = '2024-01-01T00:00:00Z,BTC/USDT,buy,1,100,0.1,USDT';

describe('bad input names the line and the column, with a fix, and returns no trades', () => {
  it('lists every bad row of a generic file, and refuses the whole file', () => {
    const result = parseTradesCsv(
      generic(
        GOOD,
        '2024-01-01T00:00:00Z,BTC/USDT,buy,1.2.3,100,0.1,USDT',
        '2023-02-30,BTC/USDT,buy,1,100,0.1,USDT',
        '2024-01-01T00:00:00Z,BTC/USDT,hold,1,abc,0.1,USDT',
        '2024-01-01T00:00:00Z,BTCXYZ,buy,1,100,0.1,USDT',
        '2024-01-01T00:00:00Z,BTC/USDT,buy,1,100,-0.1,US DT',
        '2024-01-01T00:00:00Z,BTC/USDT,sell,0,100,0.1,USDT',
        GOOD,
      ),
      acct,
    );
    expect(result.ok).toBe(false);
    expect(where(result)).toEqual([
      [3, 'amount'],
      [4, 'date'],
      [5, 'side'],
      [5, 'price'],
      [6, 'symbol'],
      [7, 'fee'],
      [7, 'fee_asset'],
      [8, 'amount'],
    ]);
    const text = problems(result).map((p) => p.message);
    expect(text[0]).toMatch(/"1\.2\.3" is not a number: write the amount .* like 12\.5/);
    expect(text[1]).toMatch(/"2023-02-30" is not a real date/);
    expect(text[2]).toMatch(/"hold" is not a side: write buy or sell/);
    expect(text[3]).toMatch(/"abc" is not a number/);
    expect(text[4]).toMatch(
      /cannot tell the base from the quote asset in "BTCXYZ": write the symbol as BASE\/QUOTE/,
    );
    expect(text[5]).toMatch(/the fee must not be negative, got -0\.1/);
    expect(text[6]).toMatch(/"US DT" is not an asset code/);
    expect(text[7]).toMatch(/must be more than 0, got 0/);
    expect(result.layout).toBe('generic');
  });

  it('does not guess a run-together symbol that splits two ways', () => {
    const result = parseTradesCsv(generic('2024-01-01T00:00:00Z,DOTUSD,buy,1,5,0,USD'), acct);
    expect(problems(result)).toEqual([
      {
        line: 2,
        column: 'symbol',
        message: '"DOTUSD" can be read as DO/TUSD or DOT/USD: write the symbol as BASE/QUOTE',
      },
    ]);
  });

  it('names columns as the file writes them', () => {
    const csv = 'Date,Symbol,Side,Amount,Price,Fee,Fee Asset\n2024-01-01,BTC/USDT,buy,x,1,0,USDT\n';
    expect(where(parseTradesCsv(csv, acct))).toEqual([[2, 'Amount']]);
  });

  it('refuses a thousands separator in a generic file, where it could be a decimal comma', () => {
    const result = parseTradesCsv(generic('2024-01-01T00:00:00Z,BTC/USDT,buy,"1,5",100,0,USDT'), acct);
    expect(problems(result)).toEqual([
      { line: 2, column: 'amount', message: expect.stringContaining('"1,5" is not a number') },
    ]);
  });

  it('reads a quoted field with commas as one field, and reports a row with too many or too few fields', () => {
    const result = parseTradesCsv(
      generic(
        '"2024-01-01T00:00:00Z","BTC/USDT","buy","1","100","0.1","USDT"',
        '2024-01-01T00:00:00Z,BTC/USDT,buy,1,100,0.1,USDT,extra',
        '2024-01-01T00:00:00Z,BTC/USDT,buy,1,100',
        '2024-01-01T00:00:00Z,"BTC,USDT",buy,1,100,0.1,USDT',
      ),
      acct,
    );
    expect(where(result)).toEqual([
      [3, null],
      [4, null],
      [5, 'symbol'],
    ]);
    expect(problems(result)[0]?.message).toContain('has 8 fields, the header has 7');
    expect(problems(result)[1]?.message).toContain('has 5 fields, the header has 7');
    expect(problems(result)[2]?.message).toContain('"BTC,USDT"');
  });

  it('reports times it cannot read, and epoch seconds given as milliseconds', () => {
    const result = parseTradesCsv(
      generic(
        '31/01/2024,BTC/USDT,buy,1,100,0,USDT',
        '1704067200,BTC/USDT,buy,1,100,0,USDT',
        ',BTC/USDT,buy,1,100,0,USDT',
        '2024-01-01T24:00:00Z,BTC/USDT,buy,1,100,0,USDT',
      ),
      acct,
    );
    expect(where(result)).toEqual([
      [2, 'date'],
      [3, 'date'],
      [4, 'date'],
      [5, 'date'],
    ]);
    const text = problems(result).map((p) => p.message);
    expect(text[0]).toContain('cannot read the time "31/01/2024"');
    expect(text[1]).toContain('if it is epoch seconds, multiply by 1000');
    expect(text[2]).toContain('empty time');
    expect(text[3]).toContain('not a real date and time');
  });

  it('refuses an empty file and a header without rows', () => {
    const empty = problems(parseTradesCsv('', acct));
    expect(empty).toEqual([
      { line: null, column: null, message: expect.stringContaining('the file is empty') },
    ]);
    expect(empty[0]?.message).toContain(
      'generic (Generic trades CSV): date,symbol,side,amount,price,fee,fee_asset',
    );
    expect(problems(parseTradesCsv('\n\n  \n', acct))[0]?.message).toContain('the file is empty');
    expect(problems(parseTradesCsv(`${GENERIC}\n\n`, acct))).toEqual([
      { line: 1, column: null, message: 'the file has a header but no trades' },
    ]);
  });

  it('lists the layouts and their columns for an unknown header', () => {
    const result = parseTradesCsv('when,what,how much\n1,2,3\n', acct);
    expect(result.layout).toBeNull();
    const [p] = problems(result);
    expect(p).toMatchObject({ line: 1, column: null });
    expect(p?.message).toContain('unknown header');
    expect(p?.message).toContain(
      'binance (Binance spot trade history): Date(UTC),Pair,Side,Price,Executed,Amount,Fee',
    );
    expect(p?.message).toContain('binance-market');
    expect(p?.message).toContain('Fee Coin');
    expect(p?.message).toContain('kraken (Kraken trades export): txid,ordertxid,pair,time,type');
  });

  it('names the missing column of the nearest layout', () => {
    const result = parseTradesCsv('date,symbol,side,amount,price,fee\n2024-01-01,BTC/USDT,buy,1,1,0\n', acct);
    expect(result.layout).toBe('generic');
    expect(problems(result)[0]?.message).toMatch(
      /closest is Generic trades CSV, which is missing column fee_asset/,
    );
  });

  it('names missing columns when the layout is chosen and the file is another', () => {
    const result = parseTradesCsv(fixture('kraken.csv'), { ...acct, layout: 'binance' });
    expect(problems(result)).toEqual([
      {
        line: 1,
        column: null,
        message:
          'the header is not a Binance spot trade history: missing columns Date(UTC), Side, Executed, Amount',
      },
    ]);
  });

  it('refuses a column that appears twice', () => {
    const result = parseTradesCsv(`${GENERIC},Price\n${GOOD},100\n`, acct);
    expect(problems(result)).toEqual([
      { line: 1, column: 'price', message: 'column price appears 2 times: keep one' },
    ]);
  });

  it('refuses an id used twice, naming the first line', () => {
    const result = parseTradesCsv(
      `${GENERIC},id\n${GOOD},t1\n${GOOD.replace('buy', 'sell')},t2\n${GOOD},t1\n`,
      acct,
    );
    expect(problems(result)).toEqual([
      {
        line: 4,
        column: 'id',
        message: expect.stringContaining('id t1 is already the id of the trade on line 2'),
      },
    ]);
  });

  it('says how many problems were not listed when there are too many', () => {
    const rows = Array.from({ length: 80 }, () => '2024-01-01T00:00:00Z,BTC/USDT,buy,x,100,0,USDT');
    const list = problems(parseTradesCsv(generic(...rows), acct));
    expect(list).toHaveLength(MAX_PROBLEMS);
    expect(list[MAX_PROBLEMS - 2]).toMatchObject({ line: MAX_PROBLEMS, column: 'amount' });
    expect(list[MAX_PROBLEMS - 1]).toEqual({
      line: null,
      column: null,
      message: '31 more problems not listed: fix these and import again',
    });
  });

  it('names the line and column of a time outside 1973 to 9999 or with an impossible zone offset', () => {
    const result = parseTradesCsv(
      generic(
        '1704067200000000,BTC/USDT,buy,1,100,0,USDT',
        '2024-01-01T00:00:00+99:99,BTC/USDT,buy,1,100,0,USDT',
        '1969-07-20 20:17:00,BTC/USDT,buy,1,100,0,USDT',
      ),
      acct,
    );
    expect(problems(result)).toEqual([
      { line: 2, column: 'date', message: expect.stringContaining('if it is epoch microseconds') },
      { line: 3, column: 'date', message: expect.stringContaining('zone offset +99:99') },
      { line: 4, column: 'date', message: expect.stringContaining('is before 1973') },
    ]);
  });

  it('refuses an import without an account', () => {
    expect(problems(parseTradesCsv(generic(GOOD), { accountId: ' ' }))[0]?.message).toContain(
      'choose the account',
    );
  });
});

describe('bad rows in exchange exports', () => {
  const BINANCE = 'Date(UTC),Pair,Side,Price,Executed,Amount,Fee';

  it('Binance: unknown pair, amounts in the wrong asset, a fee without its asset, a total that disagrees', () => {
    const result = parseTradesCsv(
      [
        BINANCE,
        '2024-01-01 00:00:00,FOOBAR,BUY,1,1FOO,1USDT,0',
        '2024-01-01 00:00:00,BTCUSDT,BUY,100,1ETH,100USDT,0',
        '2024-01-01 00:00:00,BTCUSDT,SELL,100,1BTC,100USDT,0.5',
        '2024-01-01 00:00:00,BTCUSDT,BUY,100,1BTC,1000USDT,0.1USDT',
        '2024-01-01 00:00:00,BTCUSDT,SHORT,100,1BTC,100USDT,0.1USDT',
        '2024-13-01 00:00:00,BTCUSDT,BUY,100,1BTC,100USDT,0.1USDT',
      ].join('\n'),
      acct,
    );
    expect(where(result)).toEqual([
      [2, 'Pair'],
      [3, 'Executed'],
      [4, 'Fee'],
      [5, 'Amount'],
      [6, 'Side'],
      [7, 'Date(UTC)'],
    ]);
    const text = problems(result).map((p) => p.message);
    expect(text[0]).toContain('cannot tell the base from the quote asset in "FOOBAR"');
    expect(text[1]).toContain("is in ETH, but the pair's base asset is BTC");
    expect(text[2]).toContain('the fee has no asset');
    expect(text[3]).toContain('1000 is not price × amount (100 × 1 = 100)');
  });

  it('Binance: refuses decimal commas in a semicolon file instead of reading 0,123 as 123', () => {
    // A European spreadsheet re-saved the export: price and total are both 1000x off, so they agree.
    const result = parseTradesCsv(
      [
        'Date(UTC);Pair;Side;Price;Executed;Amount;Fee',
        '2024-01-01 00:00:00;ETHBTC;BUY;0,123;2ETH;0,246BTC;0,002ETH',
        '2024-01-01 00:00:00;ETHBTC;BUY;1,234.5;2ETH;2469BTC;0ETH',
        '2024-01-01 00:00:00;ETHBTC;BUY;0.123;2ETH;0.246BTC;0.002ETH',
      ].join('\n'),
      acct,
    );
    expect(where(result)).toEqual([
      [2, 'Price'],
      [2, 'Amount'],
      [2, 'Fee'],
      [3, 'Price'],
    ]);
    for (const p of problems(result)) {
      expect(p.message).toContain('decimal commas are not supported');
      expect(p.message).toContain('re-export');
    }
    expect(problems(result)[0]?.message).toMatch(/^"0,123" /);
  });

  it('Binance Market layout: refuses decimal commas in a semicolon file', () => {
    const result = parseTradesCsv(
      [
        'Date(UTC);Market;Type;Price;Amount;Total;Fee;Fee Coin',
        '2021-01-01 00:00:00;BNBUSDT;BUY;40,5;1;40,5;0,001;BNB',
      ].join('\n'),
      acct,
    );
    expect(where(result)).toEqual([
      [2, 'Price'],
      [2, 'Total'],
      [2, 'Fee'],
    ]);
    expect(problems(result)[0]?.message).toContain('decimal commas are not supported');
  });

  it('Binance: reads commas only as groups of three digits after a first group of 1-3 digits', () => {
    const row = (price: string, total: string) =>
      `2024-01-01 00:00:00,BTCUSDT,BUY,"${price}",1BTC,"${total}USDT",0`;
    const ok = parseTradesCsv(
      [BINANCE, row('1,234.5', '1,234.5'), row('12,345,678', '12,345,678'), row('999', '999.0')].join('\n'),
      acct,
    );
    expect(ok.ok && ok.trades.map((t) => t.price)).toEqual(['1234.5', '12345678', '999']);
    const bad = ['0,123', '01,234', '1,23', '1,2345', '1234,567', '1,234,56', ',123', '1,,234', '1,234,'];
    const result = parseTradesCsv([BINANCE, ...bad.map((p) => row(p, '100'))].join('\n'), acct);
    expect(where(result)).toEqual(bad.map((_, k) => [k + 2, 'Price']));
    expect(problems(result)[0]?.message).toContain(
      '"0,123" is not a number: a comma may only separate groups of three digits',
    );
  });

  it('generic and Kraken semicolon files: a comma in a number is named as a decimal comma', () => {
    const generic = parseTradesCsv(
      'date;symbol;side;amount;price;fee;fee_asset\n2024-01-01T00:00:00Z;BTC/USDT;buy;0,5;100;0;USDT\n',
      acct,
    );
    expect(problems(generic)).toEqual([
      { line: 2, column: 'amount', message: expect.stringContaining('decimal commas are not supported') },
    ]);
    const kraken = parseTradesCsv(
      'txid;ordertxid;pair;time;type;ordertype;price;cost;fee;vol;margin;misc;ledgers\n' +
        'T1;O1;XXBTZUSD;2023-01-01 00:00:00.0000;buy;limit;100;1,5;0;0.015;0;;L1\n',
      acct,
    );
    expect(where(kraken)).toEqual([[2, 'cost']]);
    expect(problems(kraken)[0]?.message).toContain('decimal commas are not supported');
  });

  it('Binance Market layout: an empty Fee Coin with a fee, a market it cannot split', () => {
    const result = parseTradesCsv(
      [
        'Date(UTC),Market,Type,Price,Amount,Total,Fee,Fee Coin',
        '2021-01-01 00:00:00,BNBUSDT,BUY,40,1,40,0.001,',
        '2021-01-01 00:00:00,BNB,BUY,40,1,40,0.001,BNB',
      ].join('\n'),
      acct,
    );
    expect(where(result)).toEqual([
      [2, 'Fee Coin'],
      [3, 'Market'],
    ]);
  });

  it('Kraken: empty txid, unknown pair, bad numbers, repeated txid, damaged margin cell', () => {
    const head = 'txid,ordertxid,pair,time,type,ordertype,price,cost,fee,vol,margin,misc,ledgers';
    const result = parseTradesCsv(
      [
        head,
        'T1,O1,XXBTZUSD,2023-01-01 00:00:00.0000,buy,limit,100,1,0,0.01,0,,L1',
        ',O2,XXBTZUSD,2023-01-01 00:00:00.0000,buy,limit,100,1,0,0.01,0,,L2',
        'T3,O3,FOOBAR,2023-01-01 00:00:00.0000,buy,limit,100,1,0,0.01,0,,L3',
        'T4,O4,XXBTZUSD,2023-01-01 00:00:00.0000,buy,limit,1e,1,0,0.01,0,,L4',
        'T1,O1,XXBTZUSD,2023-01-01 00:00:00.0000,buy,limit,100,1,0,0.01,0,,L1',
        'T6,O6,XXBTZUSD,2023-01-01 00:00:00.0000,buy,limit,100,1,0,0.01,n/a,,L6',
      ].join('\n'),
      acct,
    );
    expect(where(result)).toEqual([
      [3, 'txid'],
      [4, 'pair'],
      [5, 'price'],
      [6, 'txid'],
      [7, 'margin'],
    ]);
    expect(problems(result)[3]?.message).toContain('id T1 is already the id of the trade on line 2');
  });

  it('Kraken: epoch milliseconds in the time column are refused, not read as the year 55,000', () => {
    const head = 'txid,ordertxid,pair,time,type,ordertype,price,cost,fee,vol,margin,misc,ledgers';
    const result = parseTradesCsv(
      `${head}\nT1,O1,XXBTZUSD,1672628645123,buy,limit,100,1,0,0.01,0,,L1\n`,
      acct,
    );
    expect(problems(result)).toEqual([
      {
        line: 2,
        column: 'time',
        message: expect.stringContaining('if it is epoch milliseconds, divide by 1000'),
      },
    ]);
  });

  it('Kraken: a cost that differs from price × vol by more than the export rounds', () => {
    const head = 'txid,ordertxid,pair,time,type,ordertype,price,cost,fee,vol,margin,misc,ledgers';
    const row = (price: string, cost: string, vol: string) =>
      `T${price}${cost},O1,XXBTZUSD,2023-01-01 00:00:00.0000,buy,limit,${price},${cost},0,${vol},0,,L1`;
    // 0.9 off on 100: within the old 1 % tolerance, but the export rounds the price to cents.
    const result = parseTradesCsv(
      [head, row('100.00', '100.90', '1'), row('1.0', '0.96', '0.9')].join('\n'),
      acct,
    );
    expect(problems(result)).toEqual([
      {
        line: 2,
        column: 'cost',
        message: expect.stringContaining('100.9 is not price × amount (100 × 1 = 100)'),
      },
      { line: 3, column: 'cost', message: expect.stringContaining('0.96 is not price × amount') },
    ]);
    expect(problems(result)[0]?.message).toContain('allowing 0.01 for rounding');
  });

  it('Kraken: a file of margin trades only has nothing to import', () => {
    const csv = fixture('kraken.csv')
      .split('\n')
      .filter((line, k) => k === 0 || line.includes('"initiated"'))
      .join('\n');
    expect(problems(parseTradesCsv(csv, acct))[0]?.message).toMatch(/every row was left out \(margin trade/);
  });
});
