import { UsageError } from './io.js';

/** Dated closes, one column per asset, rows in file order. */
export interface PriceTable {
  dates: string[];
  assets: string[];
  /** One series per asset, aligned with `dates`. */
  prices: Float64Array[];
}

const DATE_COLUMNS = new Set(['date', 'time', 'timestamp']);
const IGNORED_COLUMNS = new Set(['index']);

/** Splits one CSV line; fields may be double-quoted (with "" for a quote). */
function splitLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

/** Epoch ms of a date cell (ISO text or a number of ms), NaN when it is neither. */
function dateValue(cell: string): number {
  return /^\d+(\.\d+)?$/.test(cell) ? Number(cell) : Date.parse(cell);
}

/**
 * Returns are taken between consecutive rows, so rows out of order would silently produce nonsense:
 * when every date can be read, a row dated before the one above it is refused.
 */
function checkOrder(dates: string[], source: string): void {
  const times = dates.map(dateValue);
  if (times.some(Number.isNaN)) return;
  for (let r = 1; r < times.length; r++)
    if ((times[r] as number) < (times[r - 1] as number))
      throw new UsageError(
        `${source}: line ${r + 2} is dated ${dates[r]}, before the row above it (${dates[r - 1]}): rows must be oldest first`,
      );
}

/**
 * Reads a CSV of dated closes: a header row with a `date` (or `time` / `timestamp`) column, an optional
 * `index` column that is ignored, and one numeric column per asset. Every cell must be a positive
 * number: a gap or a zero would silently become a return of -100 % or Infinity, so it is refused with
 * its line and column instead. `source` names the file in messages.
 */
export function parsePriceCsv(text: string, source: string): PriceTable {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && (lines[lines.length - 1] as string).trim() === '') lines.pop();
  if (lines.length === 0) throw new UsageError(`${source} is empty`);
  const header = splitLine((lines[0] as string).replace(/^\uFEFF/, '')).map((h) => h.trim());
  let dateCol = -1;
  const assetCols: number[] = [];
  const seen = new Set<string>();
  header.forEach((name, col) => {
    const key = name.toLowerCase();
    if (DATE_COLUMNS.has(key)) {
      if (dateCol >= 0) throw new UsageError(`${source}: more than one date column in the header`);
      dateCol = col;
    } else if (!IGNORED_COLUMNS.has(key)) {
      if (name === '') throw new UsageError(`${source}: header column ${col + 1} has no name`);
      if (seen.has(name)) throw new UsageError(`${source}: column "${name}" appears twice in the header`);
      seen.add(name);
      assetCols.push(col);
    }
  });
  if (dateCol < 0)
    throw new UsageError(`${source}: no date column (the header needs one named date, time or timestamp)`);
  if (assetCols.length === 0) throw new UsageError(`${source}: no price columns besides the date`);

  const rows = lines.length - 1;
  const dates: string[] = [];
  const prices = assetCols.map(() => new Float64Array(rows));
  for (let r = 0; r < rows; r++) {
    const lineNo = r + 2;
    const cells = splitLine(lines[r + 1] as string);
    if (cells.length !== header.length)
      throw new UsageError(
        `${source}: line ${lineNo} (data row ${r + 1}) has ${cells.length} fields, the header has ${header.length}`,
      );
    const date = (cells[dateCol] as string).trim();
    if (date === '') throw new UsageError(`${source}: line ${lineNo} (data row ${r + 1}) has an empty date`);
    dates.push(date);
    assetCols.forEach((col, a) => {
      const raw = (cells[col] as string).trim();
      const where = `${source}: line ${lineNo} (data row ${r + 1}), column ${header[col]}`;
      if (raw === '') throw new UsageError(`${where} is empty: every asset needs a price on every row`);
      const v = Number(raw);
      if (!Number.isFinite(v)) throw new UsageError(`${where} is not a number: "${raw}"`);
      if (!(v > 0)) throw new UsageError(`${where} is ${raw}: prices must be positive`);
      (prices[a] as Float64Array)[r] = v;
    });
  }
  checkOrder(dates, source);
  if (rows < 2)
    throw new UsageError(
      `${source} has ${rows} data row${rows === 1 ? '' : 's'}: returns need at least 2 dated prices`,
    );
  return { dates, assets: assetCols.map((c) => header[c] as string), prices };
}
