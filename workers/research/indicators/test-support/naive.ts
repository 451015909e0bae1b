import fc from 'fast-check';

/*
 * Slow, obviously correct versions of the indicators, each window recomputed from scratch, for the
 * property tests to hold the O(n) versions against. Each works on one run without NaN; `perRun`
 * applies it run by run, which is the NaN rule the indicators document.
 */

/** Applies `f` to each maximal run of indexes where every column is a number; NaN elsewhere. */
export function perRun(columns: Float64Array[], f: (...run: Float64Array[]) => Float64Array): Float64Array {
  const n = (columns[0] as Float64Array).length;
  const out = new Float64Array(n).fill(NaN);
  let a = 0;
  while (a < n) {
    const bad = (i: number) => columns.some((c) => Number.isNaN(c[i] as number));
    while (a < n && bad(a)) a++;
    let b = a;
    while (b < n && !bad(b)) b++;
    if (b > a) out.set(f(...columns.map((c) => c.subarray(a, b))), a);
    a = b;
  }
  return out;
}

/** out[i] = f(window ending at i) once `period` values are there. */
export function windowed(
  src: Float64Array,
  period: number,
  f: (window: Float64Array, end: number) => number,
): Float64Array {
  const out = new Float64Array(src.length).fill(NaN);
  for (let i = period - 1; i < src.length; i++) out[i] = f(src.subarray(i - period + 1, i + 1), i);
  return out;
}

export function mean(w: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i] as number;
  return s / w.length;
}

export function twoPassSd(w: Float64Array, ddof: number): number {
  const m = mean(w);
  let ss = 0;
  for (const x of w) ss += (x - m) * (x - m);
  return Math.sqrt(ss / (w.length - ddof));
}

export const naiveSma = (src: Float64Array, p: number) =>
  perRun([src], (run) => windowed(run, p, (w) => mean(w)));

export const naiveWma = (src: Float64Array, p: number) =>
  perRun([src], (run) =>
    windowed(run, p, (w) => {
      let s = 0;
      w.forEach((x, j) => (s += (j + 1) * x));
      return s / ((p * (p + 1)) / 2);
    }),
  );

/** The textbook recursion, seeded with the mean of the first `p` values. */
export const naiveSmoothing = (src: Float64Array, p: number, alpha: number) =>
  perRun([src], (run) => {
    const out = new Float64Array(run.length).fill(NaN);
    if (run.length < p) return out;
    out[p - 1] = mean(run.subarray(0, p));
    for (let i = p; i < run.length; i++)
      out[i] = alpha * (run[i] as number) + (1 - alpha) * (out[i - 1] as number);
    return out;
  });

/** RSI as 100 - 100 / (1 + RS) with Wilder averages, from separate gain and loss series. */
export const naiveRsi = (src: Float64Array, p: number) =>
  perRun([src], (run) => {
    const n = run.length;
    const gains = new Float64Array(n).fill(NaN);
    const losses = new Float64Array(n).fill(NaN);
    for (let i = 1; i < n; i++) {
      gains[i] = Math.max((run[i] as number) - (run[i - 1] as number), 0);
      losses[i] = Math.max((run[i - 1] as number) - (run[i] as number), 0);
    }
    const g = naiveSmoothing(gains, p, 1 / p);
    const l = naiveSmoothing(losses, p, 1 / p);
    return Float64Array.from(g, (gi, i) => {
      const li = l[i] as number;
      if (Number.isNaN(gi)) return NaN;
      if (gi === 0 && li === 0) return 50;
      return li === 0 ? 100 : 100 - 100 / (1 + gi / li);
    });
  });

export const naiveSd = (src: Float64Array, p: number, ddof: number) =>
  perRun([src], (run) => windowed(run, p, (w) => twoPassSd(w, ddof)));

export const naiveMax = (src: Float64Array, p: number) =>
  perRun([src], (run) => windowed(run, p, (w) => Math.max(...w)));

export const naiveMin = (src: Float64Array, p: number) =>
  perRun([src], (run) => windowed(run, p, (w) => Math.min(...w)));

export const naiveVwap = (h: Float64Array, l: Float64Array, c: Float64Array, v: Float64Array, p: number) =>
  perRun([h, l, c, v], (hr, lr, cr, vr) =>
    windowed(vr, p, (w, end) => {
      let pv = 0;
      let vol = 0;
      for (let j = end - p + 1; j <= end; j++) {
        const typical = ((hr[j] as number) + (lr[j] as number) + (cr[j] as number)) / 3;
        pv += typical * (vr[j] as number);
        vol += vr[j] as number;
      }
      return vol === 0 ? NaN : pv / vol;
    }),
  );

/** Relative closeness for property tests: |a - b| <= tol x max(|b|, floor); NaN only matches NaN. */
export function close(a: number, b: number, tol: number, floor = 1e-300): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= tol * Math.max(Math.abs(b), floor);
}

/** Index of the first position where the two series are not `close`, or -1. */
export function firstMismatch(a: Float64Array, b: Float64Array, tol: number, floor?: number): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!close(a[i] as number, b[i] as number, tol, floor)) return i;
  return -1;
}

const price = fc.double({ min: 1, max: 10_000, noNaN: true });

/** Positive prices, optionally with a few NaN gaps. */
export function prices(opts: { minLength?: number; maxLength?: number; nan?: boolean } = {}) {
  const value = opts.nan
    ? fc.oneof({ arbitrary: price, weight: 12 }, { arbitrary: fc.constant(NaN), weight: 1 })
    : price;
  return fc
    .array(value, { minLength: opts.minLength ?? 0, maxLength: opts.maxLength ?? 80 })
    .map((xs) => Float64Array.from(xs));
}

/** A period small enough that short arrays still have defined outputs. */
export const periods = fc.integer({ min: 1, max: 12 });

export interface Ohlcv {
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** Consistent bars: low <= close <= high, whole-number volumes (some zero). */
export function ohlcvBars(opts: { minLength?: number; maxLength?: number } = {}) {
  return fc
    .array(
      fc.tuple(
        price,
        fc.double({ min: 0, max: 0.05, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1_000_000 })),
      ),
      { minLength: opts.minLength ?? 0, maxLength: opts.maxLength ?? 80 },
    )
    .map((rows): Ohlcv => {
      const low = Float64Array.from(rows, ([l]) => l);
      const high = Float64Array.from(rows, ([l, span]) => l * (1 + span));
      const close = Float64Array.from(rows, ([, , at], i) => {
        const lo = low[i] as number;
        const hi = high[i] as number;
        return Math.min(hi, Math.max(lo, lo + (hi - lo) * at));
      });
      const volume = Float64Array.from(rows, ([, , , v]) => v);
      return { high, low, close, volume };
    });
}
