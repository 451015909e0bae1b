import type { CsvProblem } from '../api.js';
import type { Bars } from '../backtest/types.js';
import { parseBarTime } from './csv-dates.js';
import { chooseLayout, rowTimeText, type CsvLayout } from './csv-layout.js';
import { splitCsvRecords, type CsvRecord } from './csv-records.js';
import { orderBars, orderProblems } from './bar-order.js';

export interface CsvBarsOptions {
  /** The price column to use as the close, for files with several and no open/high/low/close. */
  column?: string | null;
  /** Sort rows oldest first and keep the last of each repeated time, instead of refusing them. */
  fixOrder?: boolean;
}

export type CsvBarsResult =
  | {
      ok: true;
      bars: Bars;
      /** What fixOrder changed; null when the file was already in order. */
      fixed: { reordered: number; duplicatesDropped: number } | null;
      columns: string[];
    }
  | {
      ok: false;
      problems: CsvProblem[];
      /** Set when the only problem is the order of the rows: import again with fixOrder. */
      fixable: { outOfOrder: number; duplicates: number } | null;
      columns: string[];
    };

/** The most problems listed: enough to see a pattern, few enough to read. */
export const MAX_PROBLEMS = 50;

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

class ProblemList {
  readonly items: CsvProblem[] = [];
  extra = 0;
  add(row: number | null, column: string | null, message: string): void {
    if (this.items.length < MAX_PROBLEMS) this.items.push({ row, column, message });
    else this.extra++;
  }
  /** The list, its last entry saying how many more there were when it overflowed. */
  list(): CsvProblem[] {
    if (this.extra === 0) return this.items;
    const shown = this.items.slice(0, MAX_PROBLEMS - 1);
    const hidden = this.extra + 1;
    shown.push({ row: null, column: null, message: `${hidden} more problems not listed: fix these and import again` });
    return shown;
  }
}

/** Columns of the bars being read, filled row by row. */
interface Columns {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

function allocate(n: number): Columns {
  return {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
}

/** A price cell as a positive number, or a problem saying what is wrong with it. */
function readPrice(cell: string | undefined, line: number, column: string, problems: ProblemList): number {
  const s = (cell ?? '').trim();
  if (s === '') {
    problems.add(line, column, `empty ${column}: fill in the price or delete the row`);
    return NaN;
  }
  if (!NUMBER.test(s)) {
    problems.add(
      line,
      column,
      `${column} "${s}" is not a number: write prices with a dot for decimals and no thousands separators or currency signs`,
    );
    return NaN;
  }
  const x = Number(s);
  if (!(x > 0) || !Number.isFinite(x)) {
    problems.add(line, column, `${column} is ${s}: prices must be above zero (fix or delete the row)`);
    return NaN;
  }
  return x;
}

/** A volume cell: empty is no volume (0); otherwise a number of at least 0. */
function readVolume(cell: string | undefined, line: number, column: string, problems: ProblemList): number {
  const s = (cell ?? '').trim();
  if (s === '') return 0;
  if (!NUMBER.test(s) || !Number.isFinite(Number(s))) {
    problems.add(line, column, `volume "${s}" is not a number: write it with a dot for decimals, or leave it empty`);
    return NaN;
  }
  const x = Number(s);
  if (x < 0) problems.add(line, column, `volume is ${s}: volume cannot be negative (fix the cell or leave it empty)`);
  return x;
}

/** Why a row's bar time cannot be read: its date, or, with a separate time column, its time of day. */
function timeProblem(
  f: string[],
  line: number,
  layout: CsvLayout,
  name: (at: number) => string,
  problems: ProblemList,
): void {
  const date = (f[layout.time] ?? '').trim();
  if (date === '') {
    problems.add(line, name(layout.time), 'empty date: fill in the bar time or delete the row');
    return;
  }
  if (layout.timeOfDay === null || parseBarTime(date) === null) {
    problems.add(
      line,
      name(layout.time),
      `cannot read the date "${date}": use ISO dates such as 2024-01-31 or 2024-01-31T09:30:00Z, or epoch seconds or milliseconds`,
    );
    return;
  }
  const clock = (f[layout.timeOfDay] ?? '').trim();
  problems.add(
    line,
    name(layout.timeOfDay),
    clock === ''
      ? "empty time: fill in the bar's time of day or delete the row"
      : `cannot read the time "${clock}" with the date ${date}: use 24-hour times such as 09:30 or 09:30:00`,
  );
}

function readRow(
  r: CsvRecord,
  k: number,
  layout: CsvLayout,
  header: string[],
  out: Columns,
  problems: ProblemList,
): void {
  const name = (at: number) => header[at]!.trim();
  const f = r.fields;
  if (f.length !== header.length) {
    problems.add(
      r.line,
      null,
      `this line has ${f.length} fields but the header has ${header.length}: check for a missing or extra ${f.length < header.length ? 'value' : 'comma'}`,
    );
    return;
  }
  const timeText = rowTimeText(f, layout);
  const t = timeText === null ? null : parseBarTime(timeText);
  if (t === null) timeProblem(f, r.line, layout, name, problems);
  out.time[k] = t ?? NaN;
  if (layout.kind === 'close-only') {
    const c = readPrice(f[layout.close], r.line, name(layout.close), problems);
    out.open[k] = out.high[k] = out.low[k] = out.close[k] = c;
    return;
  }
  const o = readPrice(f[layout.open], r.line, name(layout.open), problems);
  const h = readPrice(f[layout.high], r.line, name(layout.high), problems);
  const l = readPrice(f[layout.low], r.line, name(layout.low), problems);
  const c = readPrice(f[layout.close], r.line, name(layout.close), problems);
  out.open[k] = o;
  out.high[k] = h;
  out.low[k] = l;
  out.close[k] = c;
  out.volume[k] = layout.volume === null ? 0 : readVolume(f[layout.volume], r.line, name(layout.volume), problems);
  if (h < l) problems.add(r.line, name(layout.high), `high ${h} is below low ${l}: the columns may be swapped`);
  else if (h < o || h < c)
    problems.add(r.line, name(layout.high), `high ${h} is below the ${h < o ? `open ${o}` : `close ${c}`}: the high must be the bar's highest price`);
  else if (l > o || l > c)
    problems.add(r.line, name(layout.low), `low ${l} is above the ${l > o ? `open ${o}` : `close ${c}`}: the low must be the bar's lowest price`);
}

/**
 * Bars from CSV text. Every problem found (up to MAX_PROBLEMS, each with its 1-based file line, column
 * and how to fix it) refuses the whole file: nothing is half imported. Rows out of time order or with a
 * repeated time are refused with `fixable` counts unless `fixOrder` is set, which sorts them oldest first
 * (stable) and keeps the last row of each repeated time; a file where most rows repeat a time is refused
 * without that offer (its bars have lost their time of day). A date column with a time column of its own
 * is read as one date-time. A file with one price column gives close-only bars: open = high = low =
 * close, volume 0.
 */
export function parseBarsCsv(text: string, options: CsvBarsOptions = {}): CsvBarsResult {
  const records = splitCsvRecords(text);
  if (records.length === 0)
    return {
      ok: false,
      problems: [{ row: null, column: null, message: 'the file is empty: export the bars with a header line and one row per bar' }],
      fixable: null,
      columns: [],
    };
  const header = records[0]!.fields;
  const { layout, problems: headerProblems, priceColumns } = chooseLayout(
    header,
    options.column,
    records[0]!.line,
  );
  if (layout === null) return { ok: false, problems: headerProblems, fixable: null, columns: priceColumns };
  const rows = records.length - 1;
  if (rows === 0)
    return {
      ok: false,
      problems: [{ row: null, column: null, message: 'the file has a header but no rows: add one row per bar' }],
      fixable: null,
      columns: priceColumns,
    };

  const problems = new ProblemList();
  const out = allocate(rows);
  for (let k = 0; k < rows; k++) readRow(records[k + 1]!, k, layout, header, out, problems);
  if (problems.items.length > 0) return { ok: false, problems: problems.list(), fixable: null, columns: priceColumns };

  const lines = Int32Array.from(records.slice(1), (r) => r.line);
  const timeColumn = header[layout.time]!.trim();
  const order = orderProblems(out.time, lines, timeColumn);
  // Most rows sharing their time is not a file out of order but bars without their time of day (a time
  // column the importer did not find): sorting would keep one bar a day. Refused, with no fix offered.
  if (order !== null && 2 * order.fixable.duplicates > rows)
    return {
      ok: false,
      problems: [
        {
          ...order.problem,
          message: `${order.fixable.duplicates} of ${rows} rows repeat a time: is there a separate time column? Name it time, next to the date column, or write date and time in one column such as 2024-01-31T09:30:00Z`,
        },
      ],
      fixable: null,
      columns: priceColumns,
    };
  if (order !== null && options.fixOrder !== true)
    return { ok: false, problems: [order.problem], fixable: order.fixable, columns: priceColumns };
  const closeOnly = layout.kind === 'close-only';
  if (order === null) return { ok: true, bars: { ...out, closeOnly }, fixed: null, columns: priceColumns };
  const sorted = orderBars(out);
  return {
    ok: true,
    bars: { ...sorted, closeOnly },
    fixed: { reordered: order.fixable.outOfOrder, duplicatesDropped: order.fixable.duplicates },
    columns: priceColumns,
  };
}
