import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { datasetNameFromFile, fixOrderQuestion, fixedText, problemText } from './import-text';

describe('CSV import text', () => {
  it('puts the line and column before each problem', () => {
    expect(problemText({ row: 14, column: 'close', message: 'not a number: "abc"' })).toBe(
      'Line 14, column close: not a number: "abc"',
    );
    expect(problemText({ row: 3, column: null, message: 'wrong field count' })).toBe(
      'Line 3: wrong field count',
    );
    expect(problemText({ row: null, column: null, message: 'empty file' })).toBe('empty file');
  });

  it('asks the consent question with both counts', () => {
    expect(fixOrderQuestion({ outOfOrder: 12, duplicates: 3 })).toBe(
      '12 rows are out of order and 3 times repeat: sort and keep the last?',
    );
    expect(fixOrderQuestion({ outOfOrder: 1, duplicates: 0 })).toBe('1 row is out of order: sort them?');
    expect(fixOrderQuestion({ outOfOrder: 0, duplicates: 1 })).toBe(
      '1 time repeats: sort and keep the last?',
    );
  });

  it('always names each count that is not zero', () => {
    fc.assert(
      fc.property(fc.nat(5000), fc.nat(5000), (outOfOrder, duplicates) => {
        const q = fixOrderQuestion({ outOfOrder, duplicates });
        expect(q.endsWith('?')).toBe(true);
        if (outOfOrder > 0) expect(q).toContain(`${outOfOrder.toLocaleString('en-US')} row`);
        if (duplicates > 0) expect(q).toContain(`${duplicates.toLocaleString('en-US')} time`);
      }),
    );
  });

  it('says what a fixed import changed, and nothing when nothing was', () => {
    expect(fixedText({ reordered: 12, duplicatesDropped: 3 })).toBe(
      '12 rows sorted, 3 repeated rows dropped (the last of each time kept).',
    );
    expect(fixedText({ reordered: 0, duplicatesDropped: 0 })).toBeNull();
    expect(fixedText(null)).toBeNull();
  });

  it('names a dataset after its file and chosen column, within 80 characters', () => {
    expect(datasetNameFromFile('eustockmarkets.csv', 'DAX')).toBe('eustockmarkets DAX');
    expect(datasetNameFromFile('btc.1h.csv')).toBe('btc.1h');
    expect(datasetNameFromFile('.csv')).toBe('Imported data');
    expect(datasetNameFromFile(`${'x'.repeat(100)}.csv`)).toHaveLength(80);
  });
});
