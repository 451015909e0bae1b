import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitCsvRecords } from '../research/data/csv-records.js';
import { binanceDateOffset, detectLayout, headerKey } from './detect-layout.js';

const headerOf = (name: string) =>
  splitCsvRecords(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'))[0]!.fields;

describe('detectLayout', () => {
  it('recognises each fixture by its header', () => {
    const id = (name: string) => {
      const r = detectLayout(headerOf(name));
      return r.ok ? r.layout.id : r.problems;
    };
    expect(id('generic.csv')).toBe('generic');
    expect(id('binance.csv')).toBe('binance');
    expect(id('binance-market.csv')).toBe('binance-market');
    expect(id('kraken.csv')).toBe('kraken');
  });

  it('finds columns in any order and case, and gives their header text for messages', () => {
    const r = detectLayout(['Fee Asset', 'PRICE', 'side', 'Symbol', 'amount', 'fee', 'date', 'notes']);
    if (!r.ok) throw new Error('expected a layout');
    expect(r.index).toMatchObject({ fee_asset: 0, price: 1, side: 2, symbol: 3, amount: 4, fee: 5, date: 6 });
    expect(r.names.fee_asset).toBe('Fee Asset');
    expect(r.index.id).toBeUndefined();
  });

  it('reads the zone from the Binance date column', () => {
    expect(binanceDateOffset('Date(UTC)')).toBe(0);
    expect(binanceDateOffset('Date (UTC+8)')).toBe(480);
    expect(binanceDateOffset('Date(UTC-3:30)')).toBe(-210);
    expect(binanceDateOffset('Date(UTC+15)')).toBeNull();
    expect(binanceDateOffset('Date')).toBeNull();
    const r = detectLayout(['Date(UTC+5:30)', 'Pair', 'Side', 'Price', 'Executed', 'Amount', 'Fee']);
    expect(r.ok && r.utcOffsetMinutes).toBe(330);
  });

  it('refuses two Binance date columns', () => {
    const r = detectLayout([
      'Date(UTC)',
      'Pair',
      'Side',
      'Price',
      'Executed',
      'Amount',
      'Fee',
      'Date(UTC+8)',
    ]);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems[0]?.message).toContain('column Date(UTC) appears 2 times');
  });

  it('keys headers by their words', () => {
    expect(headerKey(' Fee  Coin ')).toBe('fee_coin');
    expect(headerKey('fee-asset')).toBe('fee_asset');
  });
});
