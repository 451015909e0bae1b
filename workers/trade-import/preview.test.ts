import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTradesCsv, type ParseTradesResult } from './parse-trades.js';
import { previewImport } from './preview.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

function parsed(result: ParseTradesResult) {
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result;
}

describe('previewImport', () => {
  it('summarises a file: layout, rows, first and last time, symbols, sides, accounts, fee assets', () => {
    const { preview } = parsed(parseTradesCsv(fixture('generic.csv'), { accountId: 'acct-1' }));
    expect(preview).toMatchObject({
      layout: 'generic',
      layoutTitle: 'Generic trades CSV',
      trades: 4,
      skipped: 0,
      firstTime: Date.UTC(2024, 0, 2, 10),
      lastTime: Date.UTC(2024, 0, 4, 10),
      symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDC'],
      accounts: ['acct-1', 'main, spot'],
      sides: { buy: 2, sell: 2 },
      feeAssets: ['BNB', 'USDT'],
      repeatedRows: 0,
      alreadyImported: null,
      toAdd: null,
    });
    expect(preview.conventions).toContain(
      'Times without a time zone are read as UTC; a bare number is epoch milliseconds.',
    );
    expect(preview.conventions).toContain('Rows that name an account go into that account.');
  });

  it('counts the trades already imported when given the stored ids', () => {
    const first = parsed(parseTradesCsv(fixture('binance.csv'), { accountId: 'b' }));
    const stored = new Set([first.trades[0]!.id, first.trades[2]!.id, 'someone-else']);
    const again = parsed(parseTradesCsv(fixture('binance.csv'), { accountId: 'b', existingIds: stored }));
    expect(again.preview).toMatchObject({ trades: 4, alreadyImported: 2, toAdd: 2 });
    expect(previewImport(first, stored)).toEqual(again.preview);
  });

  it('says which way the file was read: Kraken codes, quote-asset fees, taker, margin trades left out', () => {
    const { preview } = parsed(parseTradesCsv(fixture('kraken.csv'), { accountId: 'k' }));
    expect(preview).toMatchObject({
      trades: 4,
      skipped: 1,
      feeAssets: ['EUR', 'USD'],
      sides: { buy: 2, sell: 2 },
    });
    const text = preview.conventions.join('\n');
    expect(text).toContain('Times are read as UTC');
    expect(text).toContain('XXBT and XBT as BTC');
    expect(text).toContain('the fee is in the quote asset');
    expect(text).toContain('recorded as taker');
    expect(text).toContain('Margin trades are left out');
  });

  it('counts rows that repeat an earlier row, kept as separate fills', () => {
    const csv = fixture('binance.csv');
    const doubled = `${csv}${csv.split('\n').slice(1, 3).join('\n')}\n`;
    const result = parsed(parseTradesCsv(doubled, { accountId: 'b' }));
    expect(result.preview).toMatchObject({ trades: 6, repeatedRows: 2 });
    expect(new Set(result.trades.map((t) => t.id)).size).toBe(6);
  });
});
