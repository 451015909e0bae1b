/** What the CSV import says to the person: each problem where it is, and the question before fixing order. */
import type { CsvProblem } from '$workers/api';

/** "Line 14, column close: not a number" (the line is the file's, the header being line 1). */
export function problemText(p: CsvProblem): string {
  const where = [p.row !== null ? `Line ${p.row}` : null, p.column ? `column ${p.column}` : null]
    .filter((x): x is string => x !== null)
    .join(', ');
  return where ? `${where}: ${p.message}` : p.message;
}

const rows = (n: number) => (n === 1 ? '1 row is' : `${n.toLocaleString('en-US')} rows are`);
const times = (n: number) => (n === 1 ? '1 time repeats' : `${n.toLocaleString('en-US')} times repeat`);

/**
 * The consent question when only order and repeated times are wrong, e.g. "12 rows are out of order and
 * 3 times repeat: sort and keep the last?"
 */
export function fixOrderQuestion(fixable: { outOfOrder: number; duplicates: number }): string {
  const parts: string[] = [];
  if (fixable.outOfOrder > 0) parts.push(`${rows(fixable.outOfOrder)} out of order`);
  if (fixable.duplicates > 0) parts.push(times(fixable.duplicates));
  const what = parts.join(' and ') || 'The rows need sorting';
  const action = fixable.duplicates > 0 ? 'sort and keep the last?' : 'sort them?';
  return `${what}: ${action}`;
}

/** After a fixed import: what was changed, so nothing happens silently. */
export function fixedText(fixed: { reordered: number; duplicatesDropped: number } | null): string | null {
  if (!fixed || (fixed.reordered === 0 && fixed.duplicatesDropped === 0)) return null;
  const parts: string[] = [];
  if (fixed.reordered > 0)
    parts.push(`${fixed.reordered.toLocaleString('en-US')} ${fixed.reordered === 1 ? 'row' : 'rows'} sorted`);
  if (fixed.duplicatesDropped > 0)
    parts.push(
      `${fixed.duplicatesDropped.toLocaleString('en-US')} repeated ${fixed.duplicatesDropped === 1 ? 'row' : 'rows'} dropped (the last of each time kept)`,
    );
  return `${parts.join(', ')}.`;
}

/** A name for a dataset from its file: "eustockmarkets.csv" -> "eustockmarkets" (the column added when picked). */
export function datasetNameFromFile(fileName: string, column?: string | null): string {
  const base = fileName.replace(/\.[^.]+$/, '').trim() || 'Imported data';
  const name = column ? `${base} ${column}` : base;
  return name.slice(0, 80);
}
