import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from './csv-cell.js';

/** Reads one cell back the way the documentation says: unquote, then drop one added apostrophe. */
function readCell(cell: string): string | null {
  if (cell === '') return null;
  const text = cell.startsWith('"') ? cell.slice(1, -1).replaceAll('""', '"') : cell;
  return text.startsWith("'") ? text.slice(1) : text;
}

describe('csvCell', () => {
  it('defuses text a spreadsheet would run as a formula, but not negative numbers', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('+61 2 1234')).toBe("'+61 2 1234");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-cmd')).toBe("'-cmd");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('-12.5')).toBe('-12.5');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell('BTC/USDT')).toBe('BTC/USDT');
  });

  it('writes null as an empty cell and the empty string as a quoted empty cell', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell('')).toBe('""');
    expect(csvLine([null, '', 'a', 0, false])).toBe(',"",a,0,false');
  });

  it('quotes separators, quotes and line breaks', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });

  it('gives back every text and null exactly (property)', () => {
    fc.assert(
      fc.property(fc.option(fc.string(), { nil: null }), (value) => {
        expect(readCell(csvCell(value))).toBe(value);
      }),
    );
  });
});
