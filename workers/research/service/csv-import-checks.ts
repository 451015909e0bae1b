import type { CsvImportOptions, CsvProblem } from '../api.js';

/** The most bars one import may hold: 2 M bars are about 100 MB in memory and as much in IndexedDB. */
export const maxImportRows = 2_000_000;
export const maxDatasetNameLength = 80;

const problem = (message: string, column: string | null = null): CsvProblem => ({
  row: null,
  column,
  message,
});

/** The options' problems: a name of 1 to 80 characters (after trimming), a column that is text or empty. */
export function importOptionProblems(options: CsvImportOptions | null | undefined): CsvProblem[] {
  if (options === null || typeof options !== 'object')
    return [problem('Import options are missing: give the dataset a name.')];
  const problems: CsvProblem[] = [];
  const name = typeof options.name === 'string' ? options.name.trim() : '';
  if (name.length === 0) problems.push(problem('Give the dataset a name (1 to 80 characters).'));
  else if (name.length > maxDatasetNameLength)
    problems.push(
      problem(`The name has ${name.length} characters: shorten it to at most ${maxDatasetNameLength}.`),
    );
  if (options.column !== undefined && options.column !== null && typeof options.column !== 'string')
    problems.push(problem('The price column must be one of the column names the file lists.'));
  return problems;
}

/** The shortest possible row: a one-digit time, a comma, a one-digit price and a line break. */
const minRowChars = 4;

/**
 * Refuses a file over `maxImportRows` before parsing it: parsing would first allocate columns for every
 * row. Counts the lines after the header that hold more than a line break, so a quoted cell spanning
 * lines counts twice; the parsed bars are checked again exactly.
 */
export function rowLimitProblem(text: string): CsvProblem | null {
  if (text.length < minRowChars * maxImportRows) return null;
  let lines = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const blank = end === start || (end === start + 1 && text.charCodeAt(start) === 13);
    if (!blank) lines++;
    // The first counted line is the header.
    if (lines - 1 > maxImportRows) return tooMany();
    start = end + 1;
  }
  return null;
}

export function tooMany(rows?: number): CsvProblem {
  const counted =
    rows === undefined ? `more than ${maxImportRows.toLocaleString('en')}` : rows.toLocaleString('en');
  return problem(
    `The file has ${counted} rows; Lyra imports at most ${maxImportRows.toLocaleString('en')} bars. Split the file or export a shorter period or a longer timeframe.`,
  );
}
