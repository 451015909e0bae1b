import { assertPeriod } from './validate.js';

/**
 * Highest (sign = 1) or lowest (sign = -1) value over the last `period` values, in O(n) with a
 * monotonic deque: indexes whose values can still become the extreme, best first. Each index enters and
 * leaves once. The deque is a ring buffer of a power-of-two size, indexed by masking, so nothing is
 * allocated per bar.
 */
function rollingExtreme(src: Float64Array, period: number, sign: 1 | -1): Float64Array {
  const n = src.length;
  const out = new Float64Array(n);
  // Up to period + 1 indexes are held for a moment: the window's, plus the newest before the oldest leaves.
  let size = 2;
  while (size < period + 1) size *= 2;
  const mask = size - 1;
  const deque = new Int32Array(size);
  let head = 0;
  let tail = 0;
  let start = 0;
  for (let i = 0; i < n; i++) {
    const x = src[i] as number;
    if (x !== x) {
      start = i + 1;
      head = tail = 0;
      out[i] = NaN;
      continue;
    }
    const key = sign * x;
    // Values no better than the new one can never be the extreme again while it is in the window.
    while (tail > head && sign * (src[deque[(tail - 1) & mask] as number] as number) <= key) tail--;
    deque[tail & mask] = i;
    tail++;
    if ((deque[head & mask] as number) <= i - period) head++;
    out[i] = i - start >= period - 1 ? (src[deque[head & mask] as number] as number) : NaN;
  }
  return out;
}

/** Highest value of the last `period` values, the current one included; defined from index period - 1. */
export function rollingMax(src: Float64Array, period: number): Float64Array {
  assertPeriod('rollingMax', 'period', period);
  return rollingExtreme(src, period, 1);
}

/** Lowest value of the last `period` values, the current one included; defined from index period - 1. */
export function rollingMin(src: Float64Array, period: number): Float64Array {
  assertPeriod('rollingMin', 'period', period);
  return rollingExtreme(src, period, -1);
}
