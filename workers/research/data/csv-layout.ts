import type { CsvProblem } from '../api.js';

/** Where each value of a bar is in a row: open/high/low/close columns, or one price column as the close. */
export type CsvLayout =
  | { kind: 'ohlc'; time: number; open: number; high: number; low: number; close: number; volume: number | null }
  | { kind: 'close-only'; time: number; close: number };

const TIME_NAMES = ['timestamp', 'datetime', 'date', 'time'];
const IGNORED = ['index', ''];

export interface LayoutChoice {
  layout: CsvLayout | null;
  problems: CsvProblem[];
  /** Header names of the columns that could be the close (everything but the time, index and volume). */
  priceColumns: string[];
}

/**
 * Reads the header: a date/time/timestamp column, then open/high/low/close (and volume) by name, case
 * insensitive; or, without them, one price column (`column` picks it when there are several). A column
 * named index is ignored (R and pandas write one).
 */
export function chooseLayout(header: string[], column: string | null | undefined): LayoutChoice {
  const names = header.map((h) => h.trim().toLowerCase());
  const find = (name: string) => names.indexOf(name);
  const time = TIME_NAMES.map(find).find((k) => k >= 0) ?? -1;
  const volumeAt = find('volume');
  const priceColumns = header
    .map((h, k) => ({ h: h.trim(), k }))
    .filter(({ k }) => k !== time && k !== volumeAt && !IGNORED.includes(names[k] as string))
    .map(({ h }) => h);
  const problems: CsvProblem[] = [];
  if (time < 0)
    problems.push({
      row: 1,
      column: null,
      message: `no date column in the header (${header.join(', ')}): name the column with the bar times date, time or timestamp`,
    });

  const wanted = column?.trim();
  const ohlc = ['open', 'high', 'low', 'close'].map(find);
  if ((wanted === undefined || wanted === '' || wanted.toLowerCase() === 'close') && ohlc.every((k) => k >= 0)) {
    const [open, high, low, close] = ohlc as [number, number, number, number];
    return {
      layout: time < 0 ? null : { kind: 'ohlc', time, open, high, low, close, volume: volumeAt >= 0 ? volumeAt : null },
      problems,
      priceColumns,
    };
  }

  let close = -1;
  if (wanted !== undefined && wanted !== '') {
    close = names.indexOf(wanted.toLowerCase());
    if (close < 0 || !priceColumns.some((p) => p.toLowerCase() === wanted.toLowerCase()))
      problems.push({
        row: 1,
        column: wanted,
        message: `there is no price column "${wanted}": choose one of ${priceColumns.join(', ') || '(none found)'}`,
      });
  } else if (priceColumns.length === 1) close = names.indexOf(priceColumns[0]!.toLowerCase());
  else if (priceColumns.length === 0)
    problems.push({
      row: 1,
      column: null,
      message: 'no price column in the header: add open, high, low and close columns, or one column of closing prices',
    });
  else
    problems.push({
      row: 1,
      column: null,
      message: `several price columns (${priceColumns.join(', ')}) and no open/high/low/close: choose the one to use as the close`,
    });
  return {
    layout: problems.length > 0 ? null : { kind: 'close-only', time, close },
    problems,
    priceColumns,
  };
}
