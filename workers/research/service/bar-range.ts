import { firstIndexAfter, firstIndexAtOrAfter } from '../data/bars.js';
import type { BarRange } from '../pool/tasks.js';
import { invalid } from './research-errors.js';

function checkEnd(value: number | null | undefined, field: 'from' | 'to'): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw invalid(
      field,
      `"${field}" must be a time in epoch milliseconds, or empty for no limit; got ${String(value)}.`,
    );
  return value;
}

const day = (t: number) => new Date(t).toISOString().replace('T00:00:00.000Z', '').replace('.000Z', 'Z');

/**
 * The bar indexes [from, to) of bars with from <= time <= to (both inclusive); null for all the bars.
 * A range with no bars in it is refused with the dataset's own span, so the form can say what fits.
 */
export function barRange(
  time: Float64Array,
  from: number | null | undefined,
  to: number | null | undefined,
): BarRange | null {
  const start = checkEnd(from, 'from');
  const end = checkEnd(to, 'to');
  if (start === null && end === null) return null;
  if (start !== null && end !== null && start > end)
    throw invalid('to', `The range ends (${day(end)}) before it starts (${day(start)}): swap from and to.`);
  const n = time.length;
  const a = start === null ? 0 : firstIndexAtOrAfter(time, start);
  // Inclusive end: the range stops at the first bar strictly after `end`.
  const b = end === null ? n : firstIndexAfter(time, end);
  if (a >= b) {
    const span =
      n > 0
        ? `the dataset has bars from ${day(time[0] as number)} to ${day(time[n - 1] as number)}`
        : 'the dataset has no bars';
    throw invalid(
      start === null ? 'to' : 'from',
      `No bars fall in the chosen range: ${span}. Pick dates inside it.`,
    );
  }
  return a === 0 && b === n ? null : { from: a, to: b };
}
