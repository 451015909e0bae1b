import type { CsvProblem } from '../workers/research/api.js';
import type { Bars } from '../workers/research/backtest/types.js';
import { MAX_PROBLEMS, parseBarsCsv } from '../workers/research/data/csv-bars.js';
import { parseBarTime } from '../workers/research/data/csv-dates.js';
import { chooseLayout, rowTimeText } from '../workers/research/data/csv-layout.js';
import { splitCsvRecords } from '../workers/research/data/csv-records.js';
import { UsageError } from './io.js';
import { readText } from './read-text.js';

/** Bars from a CSV file, and each bar's date as the file wrote it (for dated output). */
export interface DatedBars {
  bars: Bars;
  dates: string[];
}

/** Problems shown before "and N more": enough to see the pattern. */
const SHOWN_PROBLEMS = 5;

/** The importer's last entry when its list overflowed: "N more problems not listed: ...". */
const NOT_LISTED = /^(\d+) more problems? not listed/;

/**
 * The problems the importer listed, and how many it found in all: when its list is full, its last entry
 * is no problem but the count of those left out.
 */
function countProblems(problems: readonly CsvProblem[]): { listed: CsvProblem[]; total: number } {
  const last = problems[problems.length - 1];
  const hidden =
    problems.length >= MAX_PROBLEMS && last !== undefined && last.row === null && last.column === null
      ? NOT_LISTED.exec(last.message)
      : null;
  if (hidden === null) return { listed: problems.slice(), total: problems.length };
  const listed = problems.slice(0, -1);
  return { listed, total: listed.length + Number(hidden[1]) };
}

function where(file: string, p: CsvProblem): string {
  const at = [p.row === null ? null : `line ${p.row}`, p.column === null ? null : `column ${p.column}`]
    .filter((x) => x !== null)
    .join(', ');
  return at === '' ? `${file}: ${p.message}` : `${file}: ${at}: ${p.message}`;
}

/**
 * The date text of each bar, in the bars' order: the file's own text for each row's time (the last row
 * of a repeated time, as the importer keeps), found again by parsing the date column the importer used.
 */
function datesOf(text: string, column: string | null, bars: Bars): string[] {
  const records = splitCsvRecords(text);
  const { layout } = chooseLayout(records[0]?.fields ?? [], column);
  const byTime = new Map<number, string>();
  if (layout !== null)
    for (let k = 1; k < records.length; k++) {
      // A file with separate date and time columns prints both, as one date-time.
      const cell = rowTimeText((records[k] as { fields: string[] }).fields, layout);
      const t = cell === null ? null : parseBarTime(cell);
      if (t !== null && cell !== null) byTime.set(t, cell);
    }
  return Array.from(bars.time, (t) => byTime.get(t) ?? new Date(t).toISOString());
}

/**
 * Reads bars from a CSV file with the app's importer (the same rules as the Import screen). Any problem
 * is a UsageError naming the file, line and column of the first few; a file with several price columns
 * and no --column says which to choose from.
 */
export async function readBarsCsv(
  file: string,
  options: { column: string | null; fixOrder: boolean },
): Promise<DatedBars> {
  const text = await readText(file, 'a CSV file');
  const parsed = parseBarsCsv(text, { column: options.column, fixOrder: options.fixOrder });
  if (!parsed.ok) {
    const { listed, total } = countProblems(parsed.problems);
    const lines = listed.slice(0, SHOWN_PROBLEMS).map((p) => where(file, p));
    if (total > lines.length) lines.push(`(and ${total - lines.length} more)`);
    if (parsed.fixable)
      lines.push('add --fix-order to sort the rows and keep the last of each repeated time');
    else if (options.column === null && parsed.columns.length > 1)
      lines.push(`choose the close with --column (one of ${parsed.columns.join(', ')})`);
    throw new UsageError(lines.join('\n'));
  }
  return { bars: parsed.bars, dates: datesOf(text, options.column, parsed.bars) };
}
