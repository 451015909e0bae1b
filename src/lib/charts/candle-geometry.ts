/**
 * Candle geometry in canvas (device) pixels. Widths are whole pixels and the wick sits exactly in the
 * middle of the body, so candles stay crisp at any devicePixelRatio.
 */

/** Share of the slot (the distance between two candle centres) that a body fills. */
export const BODY_SHARE = 0.7;
/** Widest body in CSS pixels, for charts with only a handful of candles. */
export const MAX_BODY_CSS = 40;

/** A wick is one CSS pixel wide, rounded to whole device pixels (never less than one). */
export function wickWidth(pxRatio: number): number {
  return Math.max(1, Math.round(pxRatio));
}

/**
 * Body width for a slot of `slotPx` device pixels: about 70% of the slot, at least the wick, at most
 * MAX_BODY_CSS, and of the same parity as the wick so both share one centre pixel column.
 */
export function bodyWidth(slotPx: number, pxRatio: number, maxBodyCss = MAX_BODY_CSS): number {
  const wick = wickWidth(pxRatio);
  const max = Math.max(wick, Math.floor(maxBodyCss * pxRatio));
  let w = Number.isFinite(slotPx) ? Math.round(slotPx * BODY_SHARE) : wick;
  w = Math.min(max, Math.max(wick, w));
  if ((w - wick) % 2 !== 0) w = w - 1 >= wick ? w - 1 : w + 1;
  return w;
}

/** Left edge of a box of `width` device pixels centred on `center`, snapped to the pixel grid. */
export function snapLeft(center: number, width: number): number {
  return Math.round(center - width / 2);
}

/** Top of the pixel-snapped span between two y positions. */
export function spanTop(a: number, b: number): number {
  return Math.round(Math.min(a, b));
}

/** Height of the pixel-snapped span between two y positions, at least `min` (a doji is still visible). */
export function spanHeight(a: number, b: number, min: number): number {
  return Math.max(min, Math.round(Math.max(a, b)) - Math.round(Math.min(a, b)));
}

/** First index i in [0, n) with xs[i] >= v (n when none); xs ascending. */
export function lowerBound(xs: ArrayLike<number>, v: number, n = xs.length): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Smallest positive gap between consecutive values of an ascending array (NaN for fewer than two). */
export function minStep(xs: ArrayLike<number>, n = xs.length): number {
  let step = Infinity;
  for (let i = 1; i < n; i++) {
    const d = (xs[i] as number) - (xs[i - 1] as number);
    if (d > 0 && d < step) step = d;
  }
  return step === Infinity ? NaN : step;
}

/**
 * Price-scale range from the visible low/high: a little headroom on top and a larger margin at the
 * bottom so the candles sit above the volume bars. A flat range is widened around the price.
 */
export function priceRange(
  min: number | null | undefined,
  max: number | null | undefined,
  padBottom = 0.24,
  padTop = 0.08,
): [number, number] {
  if (min == null || max == null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  let span = max - min;
  if (!(span > 0)) span = Math.abs(max) * 0.002 || 1;
  return [min - span * padBottom, max + span * padTop];
}

/** Volume-scale range that puts the tallest visible bar at `share` of the plot height. */
export function volumeRange(max: number | null | undefined, share = 0.2): [number, number] {
  const m = max != null && Number.isFinite(max) && max > 0 ? max : 1;
  return [0, m / share];
}
