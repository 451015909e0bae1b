import { assertSameLength } from './validate.js';

/**
 * On-Balance Volume: a running total that adds the bar's volume when the close rose, subtracts it when
 * the close fell and keeps it when the close was unchanged. It starts at 0 on the first bar (its level is
 * arbitrary; only its changes mean something). A bar with a NaN close or volume is NaN and the total
 * starts again at 0 after it, like every indicator here (see moving-averages.ts). A negative volume is
 * refused.
 */
export function obv(close: Float64Array, volume: Float64Array): Float64Array {
  const n = assertSameLength('obv', { close, volume });
  const out = new Float64Array(n);
  let total = 0;
  let prev = NaN;
  for (let i = 0; i < n; i++) {
    const c = close[i] as number;
    const v = volume[i] as number;
    if (c !== c || v !== v) {
      prev = NaN;
      out[i] = NaN;
      continue;
    }
    if (v < 0)
      throw new RangeError(`obv: volume at index ${i} is ${v}; volumes must be >= 0 (use 0 for no trades)`);
    // prev is NaN on the first bar of a run: neither comparison holds, and the total restarts.
    if (c > prev) total += v;
    else if (c < prev) total -= v;
    else if (prev !== prev) total = 0;
    prev = c;
    out[i] = total;
  }
  return out;
}
