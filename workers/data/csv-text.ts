/** A CSV column: its header and how to read the cell from a record. */
export interface CsvColumn<T> {
  name: string;
  cell: (row: T) => string | number | boolean | null | undefined;
}

/** RFC 4180 text: a header line, one line per record, cells quoted only when they must be. */
export function toCsv<T>(columns: readonly CsvColumn<T>[], rows: Iterable<T>): string {
  const lines = [columns.map((c) => quote(c.name)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => quote(cellText(c.cell(row)))).join(','));
  return lines.join('\r\n') + '\r\n';
}

function cellText(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  return String(value);
}

function quote(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Epoch ms as an ISO 8601 UTC time, the form spreadsheets and other tools read without guessing. */
export function isoTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}
