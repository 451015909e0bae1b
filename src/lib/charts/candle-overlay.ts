/**
 * What the candle chart draws over the candles for the trader's own activity: a horizontal line per
 * open order price (solid for a limit, dashed for a stop or take-profit trigger) and a triangle per
 * fill (up for a buy, down for a sell) on the candle it happened in. Display only: prices are floats.
 */
import { lowerBound } from './candle-geometry';

export interface OverlayLine {
  price: number;
  side: 'buy' | 'sell';
  /** 'limit' is drawn solid, 'trigger' dashed. */
  kind: 'limit' | 'trigger';
  /** Short tag drawn at the line's left end, e.g. "Buy 0.012". */
  label: string;
}

export interface OverlayFill {
  /** Fill time, ms. */
  time: number;
  price: number;
  side: 'buy' | 'sell';
}

export interface CandleOverlay {
  lines: OverlayLine[];
  fills: OverlayFill[];
}

export const EMPTY_OVERLAY: CandleOverlay = { lines: [], fills: [] };

/**
 * Index of the candle a time (seconds) falls in: the last candle that opened at or before it, if the
 * time is before that candle's close (`interval` seconds later). -1 when it is outside every candle.
 */
export function candleIndexAt(xs: ArrayLike<number>, n: number, t: number, interval: number): number {
  if (n === 0 || !Number.isFinite(t)) return -1;
  let i = lowerBound(xs, t, n);
  if (i < n && (xs[i] as number) === t) return i;
  i -= 1;
  if (i < 0) return -1;
  return t < (xs[i] as number) + interval ? i : -1;
}

/** Whether two overlays draw the same thing (so an unchanged snapshot does not redraw the chart). */
export function sameOverlay(a: CandleOverlay, b: CandleOverlay): boolean {
  if (a === b) return true;
  if (a.lines.length !== b.lines.length || a.fills.length !== b.fills.length) return false;
  for (let i = 0; i < a.lines.length; i++) {
    const x = a.lines[i] as OverlayLine;
    const y = b.lines[i] as OverlayLine;
    if (x.price !== y.price || x.side !== y.side || x.kind !== y.kind || x.label !== y.label) return false;
  }
  for (let i = 0; i < a.fills.length; i++) {
    const x = a.fills[i] as OverlayFill;
    const y = b.fills[i] as OverlayFill;
    if (x.time !== y.time || x.price !== y.price || x.side !== y.side) return false;
  }
  return true;
}
