/**
 * The recent prices of one symbol over a time window, for percent-move alerts: bounded, plain JSON.
 *
 * The window keeps the first price of each of `WINDOW_BUCKETS` equal slices of the window (so at most
 * WINDOW_BUCKETS + 1 samples, however fast prices arrive) and drops samples older than the window. The
 * reference of a move is the oldest price still in the window: at most one slice (windowMs /
 * WINDOW_BUCKETS) younger than the exact window start when data is dense, and after a gap the oldest
 * price that arrived since, never a price from before the window.
 */

export const WINDOW_BUCKETS = 240;

export interface PriceWindowState {
  windowMs: number;
  times: number[];
  prices: number[];
  /** Time of the newest price seen (kept or not); older and equal times are duplicates. null: none yet. */
  lastTime: number | null;
}

export function emptyPriceWindow(windowMs: number): PriceWindowState {
  return { windowMs, times: [], prices: [], lastTime: null };
}

/**
 * Adds a price at `time` and drops what fell out of the window. Returns false (and changes nothing) for
 * a time not newer than the newest seen, a time or price that is not finite, or a price not above zero.
 */
export function addPrice(w: PriceWindowState, time: number, price: number): boolean {
  if (!Number.isFinite(time) || !Number.isFinite(price) || !(price > 0)) return false;
  if (w.lastTime !== null && !(time > w.lastTime)) return false;
  w.lastTime = time;
  const slice = w.windowMs / WINDOW_BUCKETS;
  const n = w.times.length;
  if (n === 0 || Math.floor(time / slice) > Math.floor((w.times[n - 1] as number) / slice)) {
    w.times.push(time);
    w.prices.push(price);
  }
  const start = time - w.windowMs;
  let drop = 0;
  while (drop < w.times.length && (w.times[drop] as number) < start) drop++;
  if (drop > 0) {
    w.times.splice(0, drop);
    w.prices.splice(0, drop);
  }
  return true;
}

/** The oldest price in the window and its time, or null when the window is empty. */
export function referenceOf(w: PriceWindowState): { time: number; price: number } | null {
  if (w.times.length === 0) return null;
  return { time: w.times[0] as number, price: w.prices[0] as number };
}

/** A deep copy that shares nothing with `w`. */
export function copyPriceWindow(w: PriceWindowState): PriceWindowState {
  return { windowMs: w.windowMs, times: w.times.slice(), prices: w.prices.slice(), lastTime: w.lastTime };
}
