/**
 * A sweep's cells laid out for the heat map: rows are the first axis's values, columns the second's.
 * A one-axis sweep is one row. With a third axis the map shows one slice of it, or for each pair the
 * best score over it.
 */
import type { SweepCell, SweepResult } from '$workers/api';

export type SliceChoice = { kind: 'best' } | { kind: 'value'; value: number };

export interface SweepGrid {
  /** Null for a one-axis sweep (a single row). */
  rowParam: string | null;
  colParam: string;
  rowValues: number[];
  colValues: number[];
  /** The third axis, when there is one. */
  sliceParam: string | null;
  sliceValues: number[];
  /** Row-major scores, NaN where no run has a score (skipped combinations, failed runs). */
  scores: Float64Array;
  /** Row-major index into the result's cells, -1 where there is none. */
  cellIndex: Int32Array;
}

/** Position of `v` in `values`, exact first, else within float noise (values cross a worker as JSON-ish). */
function indexOf(values: readonly number[], lookup: Map<number, number>, v: number | undefined): number {
  if (typeof v !== 'number') return -1;
  const exact = lookup.get(v);
  if (exact !== undefined) return exact;
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    if (Math.abs(x - v) <= 1e-9 * Math.max(1, Math.abs(x))) return i;
  }
  return -1;
}

function lookupOf(values: readonly number[]): Map<number, number> {
  return new Map(values.map((v, i) => [v, i]));
}

/** A better score: higher, and any real number beats NaN. */
function beats(a: number, b: number): boolean {
  if (Number.isNaN(a)) return false;
  return Number.isNaN(b) || a > b;
}

function scoreOf(cell: SweepCell): number {
  return cell.error ? NaN : cell.score;
}

export function sweepGrid(result: SweepResult, slice: SliceChoice = { kind: 'best' }): SweepGrid {
  const [first, second, third] = result.axes;
  if (!first) throw new Error('This sweep has no axes to draw; run it with at least one parameter varied.');
  const oneAxis = !second;
  const rowAxis = oneAxis ? null : first;
  const colAxis = oneAxis ? first : (second as NonNullable<typeof second>);
  const rowValues = rowAxis ? rowAxis.values : [NaN];
  const colValues = colAxis.values;
  const rows = rowValues.length;
  const cols = colValues.length;
  const scores = new Float64Array(rows * cols).fill(NaN);
  const cellIndex = new Int32Array(rows * cols).fill(-1);
  const rowLookup = lookupOf(rowValues);
  const colLookup = lookupOf(colValues);
  const sliceLookup = third ? lookupOf(third.values) : null;
  const wantedSlice =
    third && slice.kind === 'value'
      ? indexOf(third.values, sliceLookup as Map<number, number>, slice.value)
      : -1;
  if (third && slice.kind === 'value' && wantedSlice < 0)
    throw new Error(
      `${third.param} = ${slice.value} is not a value of this sweep; pick one of ${third.values.join(', ')}.`,
    );

  result.cells.forEach((cell, i) => {
    const r = rowAxis ? indexOf(rowValues, rowLookup, cell.params[rowAxis.param]) : 0;
    const c = indexOf(colValues, colLookup, cell.params[colAxis.param]);
    if (r < 0 || c < 0) return;
    if (third && slice.kind === 'value') {
      const s = indexOf(third.values, sliceLookup as Map<number, number>, cell.params[third.param]);
      if (s !== wantedSlice) return;
    }
    const k = r * cols + c;
    const score = scoreOf(cell);
    if (cellIndex[k] === -1 || beats(score, scores[k] as number)) {
      cellIndex[k] = i;
      scores[k] = score;
    }
  });

  return {
    rowParam: rowAxis?.param ?? null,
    colParam: colAxis.param,
    rowValues: rowAxis ? rowValues : [],
    colValues,
    sliceParam: third?.param ?? null,
    sliceValues: third?.values ?? [],
    scores,
    cellIndex,
  };
}
