/** The walk-forward form: window sizes as typed, checked against the data, and how many windows fit. */
import type { DatasetSummary } from '$workers/api';
import { parseNumberText } from '../number-text';

export interface WindowSizes {
  inSample: number;
  outOfSample: number;
}

export type WindowCheck =
  | ({ ok: true; windows: number | null } & WindowSizes)
  | { ok: false; field: 'inSample' | 'outOfSample'; message: string };

/**
 * Out-of-sample windows that fit in `bars`: the first in-sample window, then whole out-of-sample steps
 * (the same count for rolling and anchored windows; anchored ones only grow their in-sample part).
 */
export function windowCount(bars: number, sizes: WindowSizes): number {
  if (!(sizes.inSample > 0) || !(sizes.outOfSample > 0) || !(bars > sizes.inSample)) return 0;
  return Math.floor((bars - sizes.inSample) / sizes.outOfSample);
}

/** Starting sizes for a dataset: a third of the bars in sample and a sixth out, so four windows fit. */
export function defaultWindows(bars: number | null): WindowSizes {
  if (bars === null || !(bars >= 60)) return { inSample: 500, outOfSample: 100 };
  return { inSample: Math.floor(bars / 3), outOfSample: Math.max(1, Math.floor(bars / 6)) };
}

function wholeNumber(text: string): number | null {
  const n = parseNumberText(text);
  return n !== null && Number.isInteger(n) ? n : null;
}

/**
 * Bars a run covers: the dataset's count, or for a from/to range the share of its time span (bars are
 * evenly spaced in most data, so this is close; the worker checks the real count).
 */
export function barsInRange(
  dataset: Pick<DatasetSummary, 'bars' | 'first' | 'last'>,
  from: number | null | undefined,
  to: number | null | undefined,
): { bars: number; exact: boolean } {
  const lo = from ?? null;
  const hi = to ?? null;
  if ((lo === null || lo <= dataset.first) && (hi === null || hi >= dataset.last))
    return { bars: dataset.bars, exact: true };
  const span = dataset.last - dataset.first;
  if (!(span > 0)) return { bars: dataset.bars, exact: true };
  const start = Math.max(dataset.first, lo ?? dataset.first);
  const end = Math.min(dataset.last, hi ?? dataset.last);
  if (end < start) return { bars: 0, exact: true };
  return { bars: Math.round(((end - start) / span) * (dataset.bars - 1)) + 1, exact: false };
}

/** The two sizes checked: whole numbers of bars, and at least one out-of-sample window on `bars` (when known). */
export function checkWindows(inSample: string, outOfSample: string, bars: number | null): WindowCheck {
  const is = wholeNumber(inSample);
  const oos = wholeNumber(outOfSample);
  if (is === null || is < 2)
    return { ok: false, field: 'inSample', message: 'Enter a whole number of bars, 2 or more.' };
  if (oos === null || oos < 1)
    return { ok: false, field: 'outOfSample', message: 'Enter a whole number of bars, 1 or more.' };
  if (bars === null) return { ok: true, inSample: is, outOfSample: oos, windows: null };
  if (is >= bars)
    return {
      ok: false,
      field: 'inSample',
      message: `The data has ${bars.toLocaleString('en-US')} bars; use fewer in sample so a test window fits after it.`,
    };
  const windows = windowCount(bars, { inSample: is, outOfSample: oos });
  if (windows < 1)
    return {
      ok: false,
      field: 'outOfSample',
      message: `Only ${(bars - is).toLocaleString('en-US')} bars are left after the in-sample window; use at most that many out of sample.`,
    };
  return { ok: true, inSample: is, outOfSample: oos, windows };
}
