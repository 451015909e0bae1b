import { csvLine, type CsvValue } from '../shared/csv-cell.js';

/** A CSV column: its header and how to read the cell from a record. */
export interface CsvColumn<T> {
  name: string;
  cell: (row: T) => CsvValue;
}

/**
 * RFC 4180 text: a header line, one line per record. Cells follow csvCell: quoted only when they must
 * be, formula signs defused, null and undefined as an empty cell and the empty string as `""`.
 */
export function toCsv<T>(columns: readonly CsvColumn<T>[], rows: Iterable<T>): string {
  const lines = [csvLine(columns.map((c) => c.name))];
  for (const row of rows) lines.push(csvLine(columns.map((c) => c.cell(row))));
  return lines.join('\r\n') + '\r\n';
}

/** Epoch ms as an ISO 8601 UTC time, the form spreadsheets and other tools read without guessing. */
export function isoTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}
