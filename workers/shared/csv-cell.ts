/** A value a CSV writer can put in one cell. */
export type CsvValue = string | number | boolean | null | undefined;

/** Signs a spreadsheet reads as the start of a formula when a cell begins with them. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A negative number is data, not a formula: it keeps its minus sign. */
const NEGATIVE_NUMBER = /^-\d/;

/**
 * One RFC 4180 cell, the same way in every CSV file Lyra writes:
 * - null and undefined are an empty cell (nothing between the commas); an empty string is `""`, so a
 *   reader can tell "no value" from "empty text".
 * - Text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return,
 *   but not a negative number) gets a leading apostrophe, so opening the file runs nothing. Text that
 *   already starts with an apostrophe gets one more, so removing exactly one leading apostrophe from
 *   such cells gives back the original text.
 * - A cell is quoted only when it holds a comma, a quote or a line break (or is the empty string),
 *   with inner quotes doubled.
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  if (value === '') return '""';
  const text = defused(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function defused(text: string): string {
  if (text.startsWith("'")) return `'${text}`;
  if (FORMULA_START.test(text) && !NEGATIVE_NUMBER.test(text)) return `'${text}`;
  return text;
}

/** One CSV line (without its line break) from its cells. */
export function csvLine(values: readonly CsvValue[]): string {
  return values.map(csvCell).join(',');
}
