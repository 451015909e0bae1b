import { describe, expect, it } from 'vitest';
import { toCsv, type CsvColumn } from './csv-text.js';

interface Row {
  note: string | null;
  qty: number;
}

const columns: CsvColumn<Row>[] = [
  { name: 'note', cell: (r) => r.note },
  { name: 'qty', cell: (r) => r.qty },
];

describe('toCsv', () => {
  it('defuses formulas, keeps negative numbers and tells null from empty text', () => {
    const text = toCsv(columns, [
      { note: '=1+1', qty: -2 },
      { note: null, qty: 1 },
      { note: '', qty: 0 },
    ]);
    expect(text).toBe(`note,qty\r\n'=1+1,-2\r\n,1\r\n"",0\r\n`);
  });
});
