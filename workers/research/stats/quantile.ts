import { maxOf, minOf, selectKth } from './select.js';

export type QuantileType = 1 | 7;

// R's quantile() nudges n*p up by this before flooring for the discontinuous types, so that n*p that
// should be a whole number but lands a hair below it is treated as whole. Reproduced to match R exactly.
const FUZZ = 4 * Number.EPSILON;

// One scratch buffer for the module: workers are single-threaded and quantiles are hot in the risk
// screen, so reusing it avoids an allocation per call without ever touching the caller's array.
let scratch = new Float64Array(1024);

function copyToScratch(x: ArrayLike<number>): Float64Array | null {
  const n = x.length;
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2));
  for (let i = 0; i < n; i++) {
    const v = x[i] as number;
    if (v !== v) return null;
    scratch[i] = v;
  }
  return scratch;
}

/** Zero-based order statistics needed for quantile p of n values: value = (1 - h) x[lo] + h x[hi]. */
interface QuantilePlan {
  lo: number;
  hi: number;
  h: number;
}

function checkP(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile probability must be in [0, 1], got ${p}`);
}

function plan(n: number, p: number, type: QuantileType): QuantilePlan {
  if (type === 7) {
    // R type 7 (its default, Hyndman & Fan's definition 7): index = 1 + (n - 1) p, interpolating
    // linearly between the order statistics either side.
    const index = 1 + (n - 1) * p;
    const lo = Math.floor(index);
    const hi = Math.ceil(index);
    return { lo: lo - 1, hi: hi - 1, h: index - lo };
  }
  if (type === 1) {
    // R type 1, the inverse of the empirical CDF: the order statistic ceil(n p), at least the first.
    const nppm = n * p;
    const j = Math.floor(nppm + FUZZ);
    const k = nppm > j ? j + 1 : j;
    const at = Math.min(n, Math.max(1, k)) - 1;
    return { lo: at, hi: at, h: 0 };
  }
  throw new RangeError(`quantile type must be 1 or 7, got ${String(type)}`);
}

function combine(xlo: number, xhi: number, h: number): number {
  // The same expression and guard as R, so results agree to the bit.
  return h > 0 && xhi !== xlo ? (1 - h) * xlo + h * xhi : xlo;
}

/** Quantile p of an ascending-sorted array (no copy). */
export function quantileSorted(sorted: ArrayLike<number>, p: number, type: QuantileType = 7): number {
  checkP(p);
  const n = sorted.length;
  if (n === 0) return NaN;
  const { lo, hi, h } = plan(n, p, type);
  return combine(sorted[lo] as number, sorted[hi] as number, h);
}

/**
 * Sample quantile p of `x` (unsorted; never modified) with R's type 7 (default) or type 1. NaN when x is
 * empty or holds a NaN. Runs in expected linear time by selection, not sorting.
 */
export function quantile(x: ArrayLike<number>, p: number, type: QuantileType = 7): number {
  checkP(p);
  const n = x.length;
  if (n === 0) return NaN;
  const { lo, hi, h } = plan(n, p, type);
  const a = copyToScratch(x);
  if (a === null) return NaN;
  if (hi === lo) {
    selectKth(a, lo, 0, n - 1);
    return a[lo] as number;
  }
  // The neighbour comes from a scan of the shorter side: in a lower tail, select hi and take the
  // largest of the few values below it; in an upper tail, the reverse.
  if (lo < n / 2) {
    selectKth(a, hi, 0, n - 1);
    return combine(maxOf(a, 0, hi), a[hi] as number, h);
  }
  selectKth(a, lo, 0, n - 1);
  return combine(a[lo] as number, minOf(a, hi, n), h);
}
