import { ResearchInputError } from './errors.js';
import type { Bars } from './types.js';

/**
 * Bars found fine, with the columns and length they had then. Bars are never changed in place once made
 * (datasets are copied in, slices are new objects), so a sweep's hundreds of runs over the same bars
 * check them once; new columns or a new length check again.
 */
const checked = new WeakMap<
  Bars,
  { time: Float64Array; close: Float64Array; open: Float64Array | null; n: number }
>();

/**
 * Refuses bars the engine would turn into nonsense: ragged columns, times that do not increase, prices
 * that are not positive numbers (a NaN close would poison every equity value after it). One pass over
 * good bars.
 */
export function validateBars(bars: Bars, needsOpen: boolean): void {
  const n = bars.time.length;
  if (n === 0)
    throw new ResearchInputError('bars', 'there are no bars to test: choose a dataset or a wider date range');
  for (const column of ['open', 'high', 'low', 'close', 'volume'] as const)
    if (bars[column].length !== n)
      throw new ResearchInputError(
        'bars',
        `bars.${column} has ${bars[column].length} values but bars.time has ${n}: every column needs one value per bar`,
      );
  const { time, close, open } = bars;
  const seen = checked.get(bars);
  if (
    seen !== undefined &&
    seen.time === time &&
    seen.close === close &&
    seen.n === n &&
    (!needsOpen || seen.open === open)
  )
    return;
  // One pass over the columns says whether everything is fine, the common case; only when something is
  // wrong are they read again, one check at a time, to report the first problem as the checks rank them.
  if (allFine(time, close, needsOpen ? open : null)) {
    checked.set(bars, { time, close, open: needsOpen ? open : null, n });
    return;
  }
  // Neighbours compared by index, not through a variable carried across iterations: such a variable, also
  // read by the error message, makes the optimiser box every value of it (an allocation per bar).
  for (let i = 1; i < n; i++)
    if (!((time[i] as number) > (time[i - 1] as number)))
      throw new ResearchInputError(
        'bars',
        `bar ${i} has time ${time[i]}, not after the bar before it (${time[i - 1]}): sort the bars oldest first and drop repeated times`,
      );
  if (Number.isNaN(time[0]))
    throw new ResearchInputError('bars', 'bar 0 has no time: every bar needs its epoch ms');
  checkPositive(close, 'close', 'every close must be a positive number');
  if (needsOpen) checkPositive(open, 'open', 'execution at the next open needs a positive open on every bar');
}

/** A positive finite price. */
function isPrice(x: number): boolean {
  return x > 0 && x !== Infinity;
}

/** True when times increase and every close (and open, when given) is a positive number: one pass. */
function allFine(time: Float64Array, close: Float64Array, open: Float64Array | null): boolean {
  const n = time.length;
  let previous = time[0] as number;
  if (Number.isNaN(previous) || !isPrice(close[0] as number)) return false;
  if (open !== null) {
    if (!isPrice(open[0] as number)) return false;
    for (let i = 1; i < n; i++) {
      const t = time[i] as number;
      if (!(t > previous) || !isPrice(close[i] as number) || !isPrice(open[i] as number)) return false;
      previous = t;
    }
    return true;
  }
  for (let i = 1; i < n; i++) {
    const t = time[i] as number;
    if (!(t > previous) || !isPrice(close[i] as number)) return false;
    previous = t;
  }
  return true;
}

function checkPositive(values: Float64Array, name: string, rule: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!(v > 0) || v === Infinity)
      throw new ResearchInputError('bars', `bar ${i} has ${name} ${v}: ${rule}`);
  }
}
