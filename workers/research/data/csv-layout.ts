import type { CsvProblem } from '../api.js';

/**
 * Where each value of a bar is in a row: open/high/low/close columns, or one price column as the close.
 * `time` is the column of the bar times; `timeOfDay`, when the file has a date column and a time column
 * of its own, is that time column, read together with the date (see `rowTimeText`).
 */
export type CsvLayout =
  | {
      kind: 'ohlc';
      time: number;
      timeOfDay: number | null;
      open: number;
      high: number;
      low: number;
      close: number;
      volume: number | null;
    }
  | { kind: 'close-only'; time: number; timeOfDay: number | null; close: number };

const TIME_NAMES = ['timestamp', 'datetime', 'date', 'time'];

/**
 * The text of a row's bar time: its time cell, or, with a separate time column, date and time joined as
 * one ISO date-time (2024-01-31 and 09:30 read as 2024-01-31T09:30). Null when either part is empty.
 */
export function rowTimeText(fields: readonly string[], layout: CsvLayout): string | null {
  const date = (fields[layout.time] ?? '').trim();
  if (date === '') return null;
  if (layout.timeOfDay === null) return date;
  const clock = (fields[layout.timeOfDay] ?? '').trim();
  return clock === '' ? null : `${date}T${clock}`;
}
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
 * named index is ignored (R and pandas write one). A date column with a time column next to it (many
 * intraday exports) gives each bar its date and time of day together. `headerLine` is the file line of
 * the header, where header problems are reported.
 */
export function chooseLayout(header: string[], column: string | null | undefined, headerLine = 1): LayoutChoice {
  const names = header.map((h) => h.trim().toLowerCase());
  const find = (name: string) => names.indexOf(name);
  const time = TIME_NAMES.map(find).find((k) => k >= 0) ?? -1;
  const clockAt = find('time');
  const timeOfDay = names[time] === 'date' && clockAt >= 0 ? clockAt : null;
  const volumeAt = find('volume');
  const priceColumns = header
    .map((h, k) => ({ h: h.trim(), k }))
    .filter(
      ({ k }) => k !== time && k !== timeOfDay && k !== volumeAt && !IGNORED.includes(names[k] as string),
    )
    .map(({ h }) => h);
  const problems: CsvProblem[] = [];
  if (time < 0)
    problems.push({
      row: headerLine,
      column: null,
      message: `no date column in the header (${header.join(', ')}): name the column with the bar times date, time or timestamp`,
    });

  const wanted = column?.trim();
  const ohlc = ['open', 'high', 'low', 'close'].map(find);
  if ((wanted === undefined || wanted === '' || wanted.toLowerCase() === 'close') && ohlc.every((k) => k >= 0)) {
    const [open, high, low, close] = ohlc as [number, number, number, number];
    return {
      layout:
        time < 0
          ? null
          : { kind: 'ohlc', time, timeOfDay, open, high, low, close, volume: volumeAt >= 0 ? volumeAt : null },
      problems,
      priceColumns,
    };
  }

  let close = -1;
  if (wanted !== undefined && wanted !== '') {
    close = names.indexOf(wanted.toLowerCase());
    if (close < 0 || !priceColumns.some((p) => p.toLowerCase() === wanted.toLowerCase()))
      problems.push({
        row: headerLine,
        column: wanted,
        message: `there is no price column "${wanted}": choose one of ${priceColumns.join(', ') || '(none found)'}`,
      });
  } else if (priceColumns.length === 1) close = names.indexOf(priceColumns[0]!.toLowerCase());
  else if (priceColumns.length === 0)
    problems.push({
      row: headerLine,
      column: null,
      message: 'no price column in the header: add open, high, low and close columns, or one column of closing prices',
    });
  else
    problems.push({
      row: headerLine,
      column: null,
      message: `several price columns (${priceColumns.join(', ')}) and no open/high/low/close: choose the one to use as the close`,
    });
  return {
    layout: problems.length > 0 ? null : { kind: 'close-only', time, timeOfDay, close },
    problems,
    priceColumns,
  };
}
