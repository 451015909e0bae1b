import type { CsvProblem } from '../api.js';

interface Columns {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export interface OrderProblem {
  problem: CsvProblem;
  fixable: { outOfOrder: number; duplicates: number };
}

/** Row indexes in time order; equal times keep their order in the file (a stable sort). */
function timeOrder(time: Float64Array): Uint32Array {
  const idx = Uint32Array.from({ length: time.length }, (_, k) => k);
  return idx.sort((a, b) => (time[a] as number) - (time[b] as number) || a - b);
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Null when times strictly increase; otherwise how many rows come before an earlier one and how many
 * repeat a time seen before, with a problem pointing at the first such line.
 */
export function orderProblems(time: Float64Array, lines: Int32Array, column: string): OrderProblem | null {
  const n = time.length;
  let outOfOrder = 0;
  let first = -1;
  for (let k = 1; k < n; k++)
    if (!((time[k] as number) > (time[k - 1] as number))) {
      if (first < 0) first = k;
      if ((time[k] as number) < (time[k - 1] as number)) outOfOrder++;
    }
  if (first < 0) return null;
  const sorted = timeOrder(time);
  let duplicates = 0;
  for (let k = 1; k < n; k++) if (time[sorted[k] as number] === time[sorted[k - 1] as number]) duplicates++;
  const parts = [];
  if (outOfOrder > 0) parts.push(`${plural(outOfOrder, 'row comes', 'rows come')} before an earlier time`);
  if (duplicates > 0) parts.push(`${plural(duplicates, 'row repeats', 'rows repeat')} a time already seen`);
  return {
    problem: {
      row: lines[first] as number,
      column,
      message: `${parts.join(' and ')} (first at this line): import again letting Lyra sort the rows oldest first and keep the last row of each repeated time`,
    },
    fixable: { outOfOrder, duplicates },
  };
}

/** The columns sorted by time (stable), keeping only the last row of each repeated time. */
export function orderBars(c: Columns): Columns {
  const sorted = timeOrder(c.time);
  const keep: number[] = [];
  for (let k = 0; k < sorted.length; k++) {
    const row = sorted[k] as number;
    const next = sorted[k + 1];
    // Of equal times the stable sort puts the file's last row last: keep it.
    if (next !== undefined && c.time[next] === c.time[row]) continue;
    keep.push(row);
  }
  const pick = (col: Float64Array) => Float64Array.from(keep, (row) => col[row] as number);
  return {
    time: pick(c.time),
    open: pick(c.open),
    high: pick(c.high),
    low: pick(c.low),
    close: pick(c.close),
    volume: pick(c.volume),
  };
}
