import { assertPeriod, assertSameLength } from './validate.js';

/**
 * Rolling volume-weighted average price over the last `period` bars: sum(typical x volume) / sum(volume)
 * with typical = (high + low + close) / 3. NaN before index period - 1 and wherever the window traded no
 * volume at all (a price with no trades behind it is undefined). Both sums run in O(n) and are
 * compensated; whether the window's volume is zero is decided by counting bars with volume, not by the
 * running sum, which can leave a rounding residue. A NaN in any column makes the windows holding it NaN.
 * A negative volume is refused.
 */
export function vwap(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  period = 20,
): Float64Array {
  assertPeriod('vwap', 'period', period);
  const n = assertSameLength('vwap', { high, low, close, volume });
  const out = new Float64Array(n);
  let start = 0;
  let pv = 0;
  let pvComp = 0;
  let vol = 0;
  let volComp = 0;
  let traded = 0;
  for (let i = 0; i < n; i++) {
    const v = volume[i] as number;
    const x = (((high[i] as number) + (low[i] as number) + (close[i] as number)) / 3) * v;
    if (x !== x) {
      start = i + 1;
      pv = pvComp = vol = volComp = 0;
      traded = 0;
      out[i] = NaN;
      continue;
    }
    if (v < 0)
      throw new RangeError(`vwap: volume at index ${i} is ${v}; volumes must be >= 0 (use 0 for no trades)`);
    if (v > 0) traded++;
    // Entering and leaving terms are added separately so each leaves exactly as it entered: a window
    // that follows much larger volumes keeps no residue of them.
    let t = pv + x;
    pvComp += Math.abs(pv) >= Math.abs(x) ? pv - t + x : x - t + pv;
    pv = t;
    t = vol + v;
    volComp += Math.abs(vol) >= Math.abs(v) ? vol - t + v : v - t + vol;
    vol = t;
    if (i - start >= period) {
      const j = i - period;
      const w = volume[j] as number;
      if (w > 0) traded--;
      const y = -((((high[j] as number) + (low[j] as number) + (close[j] as number)) / 3) * w);
      t = pv + y;
      pvComp += Math.abs(pv) >= Math.abs(y) ? pv - t + y : y - t + pv;
      pv = t;
      t = vol - w;
      volComp += Math.abs(vol) >= w ? vol - t - w : -w - t + vol;
      vol = t;
    }
    out[i] = i - start >= period - 1 && traded > 0 ? (pv + pvComp) / (vol + volComp) : NaN;
  }
  return out;
}
