import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../money/decimal.js';
import type { FillRecord } from '../trading/types.js';
import { formatGenericCsv } from './format-generic.js';
import { parseTradesCsv, type ParseTradesResult } from './parse-trades.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

function parsed(result: ParseTradesResult) {
  if (!result.ok) throw new Error(`expected trades, got ${JSON.stringify(result.problems, null, 1)}`);
  return result;
}

/** The money and market fields of fills, for comparing against hand-computed values. */
const shape = (t: FillRecord) => [t.symbol, t.side, t.amount, t.price, t.quote, t.fee, t.feeAsset, t.time];

describe('parseTradesCsv: generic layout', () => {
  const result = parsed(parseTradesCsv(fixture('generic.csv'), { accountId: 'acct-1' }));

  it('reads every row as a fill with exact decimals, BASE/QUOTE symbols and UTC epoch times', () => {
    expect(result.layout).toBe('generic');
    expect(result.lines).toEqual([2, 3, 4, 5]);
    expect(result.trades.map(shape)).toEqual([
      ['BTC/USDT', 'buy', '0.1', '42000.5', '4200.05', '0.0042', 'USDT', Date.UTC(2024, 0, 2, 10, 0)],
      // No zone: UTC. Empty fee: 0, in the quote asset.
      ['ETH/USDT', 'sell', '1.25', '2300', '2875', '0', 'USDT', Date.UTC(2024, 0, 2, 11, 30)],
      ['SOL/USDC', 'buy', '3', '98.7', '296.1', '0.001', 'BNB', Date.UTC(2024, 0, 2, 23, 15)],
      ['BTC/USDT', 'sell', '0.05', '43100', '2155', '2.155', 'USDT', Date.UTC(2024, 0, 4, 10, 0)],
    ]);
    expect(result.trades.every((t) => t.liquidity === 'taker')).toBe(true);
  });

  it('keeps a row id, names the row account, and gives other rows a content id in the import account', () => {
    const [first, , withId, otherAccount] = result.trades as [FillRecord, FillRecord, FillRecord, FillRecord];
    expect(withId.id).toBe('import:acct-1:id:my-7');
    expect(withId.orderId).toBe(withId.id);
    expect(first.accountId).toBe('acct-1');
    expect(first.id).toMatch(/^import:acct-1:row:[0-9a-f]{16}-1$/);
    // The quoted account keeps its comma; the account is escaped in the id.
    expect(otherAccount.accountId).toBe('main, spot');
    expect(otherAccount.id).toMatch(/^import:main%2C%20spot:row:[0-9a-f]{16}-1$/);
  });

  it('adds up amounts exactly where floats would not', () => {
    const csv = [
      'date,symbol,side,amount,price,fee,fee_asset',
      '2024-01-01T00:00:00Z,ETH/USDT,buy,0.1,0.1,0.1,USDT',
      '2024-01-01T00:00:01Z,ETH/USDT,buy,0.2,0.2,0.2,USDT',
      '2024-01-01T00:00:02Z,ETH/USDT,buy,3,0.1,0,USDT',
    ].join('\n');
    const { trades } = parsed(parseTradesCsv(csv, { accountId: 'a' }));
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(Decimal.sum(trades.map((t) => Decimal.from(t.amount))).toString()).toBe('3.3');
    expect(Decimal.sum(trades.slice(0, 2).map((t) => Decimal.from(t.fee))).toString()).toBe('0.3');
    expect(trades.map((t) => t.quote)).toEqual(['0.01', '0.04', '0.3']);
    expect(0.1 * 3).not.toBe(0.3);
  });

  it('reads semicolon files, CRLF, a byte-order mark and columns in any order and case', () => {
    const csv =
      '\uFEFFSide;Price;Amount;Symbol;Fee_Asset;Fee;Date\r\n' + 'BUY;1.5;2;ada/eur;;0.01;2024-02-29\r\n';
    const { trades } = parsed(parseTradesCsv(csv, { accountId: 'a' }));
    expect(trades.map(shape)).toEqual([
      ['ADA/EUR', 'buy', '2', '1.5', '3', '0.01', 'EUR', Date.UTC(2024, 1, 29)],
    ]);
  });
});

describe('parseTradesCsv: Binance', () => {
  it('reads the Pair/Executed/Amount export, assets written after the numbers', () => {
    const result = parsed(parseTradesCsv(fixture('binance.csv'), { accountId: 'b' }));
    expect(result.layout).toBe('binance');
    expect(result.trades.map(shape)).toEqual([
      [
        'BTC/USDT',
        'buy',
        '0.0015',
        '67012.55',
        '100.518825',
        '0.0000015',
        'BTC',
        Date.UTC(2024, 2, 5, 14, 22, 7),
      ],
      [
        'ETH/BTC',
        'sell',
        '0.25',
        '0.05512',
        '0.01378',
        '0.00001378',
        'BTC',
        Date.UTC(2024, 2, 5, 14, 25, 41),
      ],
      ['SOL/FDUSD', 'buy', '2.5', '120.1', '300.25', '0.00045', 'BNB', Date.UTC(2024, 2, 6, 9, 1)],
      // "68,250.00": Binance groups thousands.
      [
        'BTC/USDT',
        'sell',
        '0.0015',
        '68250',
        '102.375',
        '0.102375',
        'USDT',
        Date.UTC(2024, 2, 7, 18, 40, 12),
      ],
    ]);
    expect(result.trades.every((t) => t.id.startsWith('import:b:row:'))).toBe(true);
  });

  it('reads the Market/Type/Total/Fee Coin export; an empty Fee Coin with no fee is the quote asset', () => {
    const result = parsed(parseTradesCsv(fixture('binance-market.csv'), { accountId: 'b' }));
    expect(result.layout).toBe('binance-market');
    expect(result.trades.map(shape)).toEqual([
      ['BNB/USDT', 'buy', '10', '41.23', '412.3', '0.0075', 'BNB', Date.UTC(2021, 0, 4, 8, 15, 30)],
      [
        'ADA/BTC',
        'sell',
        '1000',
        '0.00000945',
        '0.00945',
        '0.00000945',
        'BTC',
        Date.UTC(2021, 0, 5, 12, 0, 1),
      ],
      ['BTC/BUSD', 'buy', '0.003', '33000', '99', '0', 'BUSD', Date.UTC(2021, 0, 6, 16, 45)],
    ]);
  });

  it('reads times in the zone the date column names (Date(UTC+8))', () => {
    const csv = fixture('binance.csv').replace('Date(UTC)', 'Date(UTC+8)');
    const result = parsed(parseTradesCsv(csv, { accountId: 'b' }));
    expect(result.trades[0]?.time).toBe(Date.UTC(2024, 2, 5, 6, 22, 7));
    expect(result.utcOffsetMinutes).toBe(480);
    expect(result.preview.conventions.join(' ')).toContain('UTC+08:00');
  });

  it('splits a pair whose quote asset it does not know at the asset written after Amount', () => {
    const csv =
      'Date(UTC),Pair,Side,Price,Executed,Amount,Fee\n2024-01-01 00:00:00,ABCXYZ,BUY,2,3ABC,6XYZ,0.1XYZ\n';
    expect(parsed(parseTradesCsv(csv, { accountId: 'b' })).trades.map((t) => t.symbol)).toEqual(['ABC/XYZ']);
  });

  it('reads an asset that starts with digits (1000SATS) from the pair, not from the shape of the cell', () => {
    const csv =
      'Date(UTC),Pair,Side,Price,Executed,Amount,Fee\n' +
      '2024-01-01 00:00:00,1000SATSUSDT,SELL,0.0004,501000SATS,0.02USDT,0.00002USDT\n';
    const { trades } = parsed(parseTradesCsv(csv, { accountId: 'b' }));
    expect(trades.map(shape)).toEqual([
      ['1000SATS/USDT', 'sell', '50', '0.0004', '0.02', '0.00002', 'USDT', Date.UTC(2024, 0, 1)],
    ]);
  });
});

describe('parseTradesCsv: Kraken', () => {
  const result = parsed(parseTradesCsv(fixture('kraken.csv'), { accountId: 'k' }));

  it("normalises Kraken's asset codes, reads the fee in the quote asset and times to the millisecond", () => {
    expect(result.layout).toBe('kraken');
    expect(result.trades.map(shape)).toEqual([
      ['BTC/USD', 'buy', '0.01', '16540.1', '165.401', '0.43004', 'USD', Date.UTC(2023, 0, 2, 3, 4, 5, 123)],
      [
        'ETH/EUR',
        'sell',
        '0.5',
        '1150.25',
        '575.125',
        '1.49533',
        'EUR',
        Date.UTC(2023, 0, 3, 10, 20, 30, 500),
      ],
      // .0009 s is cut to 0 ms, not rounded up.
      ['DOGE/USD', 'buy', '1000', '0.07123', '71.23', '0.1852', 'USD', Date.UTC(2023, 0, 4)],
      ['BTC/USD', 'sell', '0.005', '16800', '84', '0.2184', 'USD', Date.UTC(2023, 0, 5, 12)],
    ]);
  });

  it('uses txid as the id and ordertxid as the order, and leaves margin trades out with the reason', () => {
    expect(result.trades[0]?.id).toBe('import:k:kraken:TXA1B2-C3D4E-F5G6H7');
    expect(result.trades[0]?.orderId).toBe('import:k:kraken-order:OABCDE-FGHIJ-KLMNO1');
    expect(result.skipped).toEqual([{ line: 6, reason: expect.stringContaining('margin trade') }]);
    expect(result.preview.skipped).toBe(1);
  });

  it('reads epoch seconds with fractions, as Kraken writes them elsewhere', () => {
    const csv = fixture('kraken.csv').replace('"2023-01-02 03:04:05.1234"', '"1672628645.1234"');
    expect(parsed(parseTradesCsv(csv, { accountId: 'k' })).trades[0]?.time).toBe(
      Date.UTC(2023, 0, 2, 3, 4, 5, 123),
    );
  });

  it('ignores columns newer exports add', () => {
    const csv = [
      'txid,ordertxid,pair,aclass,time,type,ordertype,price,cost,fee,vol,margin,misc,ledgers,costusd',
      'T1,O1,XBTUSDT,currency,2024-05-01 00:00:00.0000,buy,limit,60000,600,1.56,0.01,0,,L1,600',
    ].join('\n');
    expect(parsed(parseTradesCsv(csv, { accountId: 'k' })).trades.map((t) => t.symbol)).toEqual(['BTC/USDT']);
  });
});

describe('parseTradesCsv: the stated total is the quote', () => {
  const KRAKEN = 'txid,ordertxid,pair,time,type,ordertype,price,cost,fee,vol,margin,misc,ledgers';
  const kraken = (price: string, cost: string, vol: string) =>
    `${KRAKEN}\nT1,O1,XXBTZUSD,2023-01-01 00:00:00.0000,buy,limit,${price},${cost},0,${vol},0,,L1\n`;

  it("keeps Kraken's cost, not the rounded price × vol", () => {
    // 0.1234 × 1000 = 123.4; the price is rounded to 4 decimals, so 123.4321 was what was paid.
    const { trades } = parsed(parseTradesCsv(kraken('0.1234', '123.4321', '1000'), { accountId: 'k' }));
    expect(trades.map((t) => [t.price, t.amount, t.quote])).toEqual([['0.1234', '1000', '123.4321']]);
  });

  it('allows exactly the rounding of the price and the total, no more', () => {
    // |1.0 × 0.9 - 0.95| = 0.05 = 0.9 × 0.05 (half a unit of the price) + 0.005 (half a unit of the cost).
    const { trades } = parsed(parseTradesCsv(kraken('1.0', '0.95', '0.9'), { accountId: 'k' }));
    expect(trades[0]?.quote).toBe('0.95');
    expect(parseTradesCsv(kraken('1.0', '0.96', '0.9'), { accountId: 'k' }).ok).toBe(false);
    expect(parseTradesCsv(kraken('1.0', '0.85', '0.9'), { accountId: 'k' }).ok).toBe(true);
    expect(parseTradesCsv(kraken('1.0', '0.849', '0.9'), { accountId: 'k' }).ok).toBe(false);
    // Trailing zeros are precision the export wrote: 1.00 allows less than 1.0.
    expect(parseTradesCsv(kraken('1.00', '0.95', '0.9'), { accountId: 'k' }).ok).toBe(false);
    // A price in exponent form: 1.0e-1 has two decimals.
    expect(parseTradesCsv(kraken('1.0e-1', '0.0945', '0.9'), { accountId: 'k' }).ok).toBe(true);
    expect(parseTradesCsv(kraken('1.0e-1', '0.0946', '0.9'), { accountId: 'k' }).ok).toBe(false);
  });

  it("keeps Binance's Amount and Total", () => {
    const pairCsv =
      'Date(UTC),Pair,Side,Price,Executed,Amount,Fee\n' +
      '2024-01-01 00:00:00,ETHBTC,SELL,0.05512,0.2500ETH,0.01378001BTC,0\n';
    expect(parsed(parseTradesCsv(pairCsv, { accountId: 'b' })).trades[0]?.quote).toBe('0.01378001');
    const marketCsv =
      'Date(UTC),Market,Type,Price,Amount,Total,Fee,Fee Coin\n' +
      '2021-01-01 00:00:00,BNBUSDT,BUY,41.23,0.37,"15,255.1"' +
      ',0,\n';
    expect(parseTradesCsv(marketCsv, { accountId: 'b' }).ok).toBe(false);
    const market = marketCsv.replace('0.37,"15,255.1"', '370,"15,255.104"');
    expect(parsed(parseTradesCsv(market, { accountId: 'b' })).trades[0]?.quote).toBe('15255.104');
  });

  it('carries the stated total through a generic file written from the fills', () => {
    const fromKraken = parsed(
      parseTradesCsv(kraken('0.1234', '123.4321', '1000'), { accountId: 'k' }),
    ).trades;
    const csv = formatGenericCsv(fromKraken);
    expect(csv.split('\n')[0]).toBe('date,symbol,side,amount,price,fee,fee_asset,id,account,quote');
    expect(parsed(parseTradesCsv(csv, { accountId: 'k' })).trades.map((t) => t.quote)).toEqual(['123.4321']);
  });

  it('checks a generic quote column against price × amount, and reads price × amount when it is empty', () => {
    const csv = (quote: string) =>
      `date,symbol,side,amount,price,fee,fee_asset,quote\n2024-01-01T00:00:00Z,BTC/USDT,buy,3,0.33,0,USDT,${quote}\n`;
    expect(parsed(parseTradesCsv(csv('0.995'), { accountId: 'a' })).trades[0]?.quote).toBe('0.995');
    expect(parsed(parseTradesCsv(csv(''), { accountId: 'a' })).trades[0]?.quote).toBe('0.99');
    const result = parseTradesCsv(csv('1.02'), { accountId: 'a' });
    expect(!result.ok && result.problems).toEqual([
      { line: 2, column: 'quote', message: expect.stringContaining('1.02 is not price × amount') },
    ]);
  });
});

describe('parseTradesCsv: the account', () => {
  it('is trimmed once, so "a " and "a" import the same fills with the same ids', () => {
    const text = readFileSync(new URL('./fixtures/generic.csv', import.meta.url), 'utf8');
    const plain = parsed(parseTradesCsv(text, { accountId: 'acct-1' }));
    const padded = parsed(parseTradesCsv(text, { accountId: ' acct-1 \t' }));
    expect(padded.trades).toEqual(plain.trades);
    expect(padded.trades[0]?.id).toMatch(/^import:acct-1:row:/);
    expect(padded.preview.accounts).toEqual(['acct-1', 'main, spot']);
    const kraken = readFileSync(new URL('./fixtures/kraken.csv', import.meta.url), 'utf8');
    expect(parsed(parseTradesCsv(kraken, { accountId: 'k ' })).trades).toEqual(
      parsed(parseTradesCsv(kraken, { accountId: 'k' })).trades,
    );
  });
});
