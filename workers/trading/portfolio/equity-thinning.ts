import type { CashFlow, Series } from './api.js';
import { equityHistory, flowAdjustedIndex } from './performance.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface ThinningPolicy {
  /** Every point newer than this is kept as recorded. */
  rawMs: number;
  /** Older than `rawMs`, one point per hour is kept up to this age; one per UTC day beyond. */
  hourlyMs: number;
}

/** Every point for a week (and a day more), hourly for a year (and a day more), daily beyond. */
export const defaultThinning: ThinningPolicy = { rawMs: 8 * DAY, hourlyMs: 367 * DAY };

/** Points at or before `hourCut` are thinned; those at or before `dayCut` to one a day. Both are boundaries. */
export function thinningCuts(now: number, policy: ThinningPolicy): { hourCut: number; dayCut: number } {
  const hourCut = Math.floor((now - policy.rawMs) / HOUR) * HOUR;
  const dayCut = Math.min(hourCut, Math.floor((now - policy.hourlyMs) / DAY) * DAY);
  return { hourCut, dayCut };
}

function firstAtOrAfter(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The times thinned points are kept at ("anchors"): each UTC hour (day) boundary that closes a bucket
 * holding a point; for every flow and every account's first point, the first recorded time at or after it
 * (the point the time-weighted return books it to) and the last one before it; and the peak, and the peak
 * and trough of the deepest drawdown, of the flow-adjusted index.
 */
function anchorsOf(
  series: ReadonlyMap<string, Series>,
  flows: readonly CashFlow[],
  hourCut: number,
  dayCut: number,
): Float64Array {
  const history = equityHistory(series, flows);
  const union = history.series.times;
  const out: number[] = [];
  for (let i = 0; i < union.length; i++) {
    const t = union[i] as number;
    if (t > hourCut) break;
    out.push(t <= dayCut ? Math.ceil(t / DAY) * DAY : Math.ceil(t / HOUR) * HOUR);
  }
  const around = (f: number) => {
    const i = firstAtOrAfter(union, f);
    if (i < union.length) out.push(union[i] as number);
    if (i > 0) out.push(union[i - 1] as number);
  };
  for (const f of flows) around(f.time);
  for (const s of series.values()) if (s.times.length) around(s.times[0] as number);
  const index = flowAdjustedIndex(history);
  let peak = -Infinity;
  let peakAt = NaN;
  let worst = 0;
  let worstPeakAt = NaN;
  let worstAt = NaN;
  for (let i = 0; i < index.values.length; i++) {
    const v = index.values[i] as number;
    const t = index.times[i] as number;
    if (v > peak) {
      peak = v;
      peakAt = t;
    }
    if (!(v > 0)) peak = -Infinity;
    else if (peak > 0 && 1 - v / peak > worst) {
      worst = 1 - v / peak;
      worstPeakAt = peakAt;
      worstAt = t;
    }
  }
  let top = -Infinity;
  let topAt = NaN;
  for (let i = 0; i < index.values.length; i++)
    if ((index.values[i] as number) > top) {
      top = index.values[i] as number;
      topAt = index.times[i] as number;
    }
  out.push(topAt, worstPeakAt, worstAt);
  const sorted = Float64Array.from(out.filter((t) => Number.isFinite(t) && t <= hourCut)).sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++)
    if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[n++] = sorted[i] as number;
  return sorted.slice(0, n);
}

/**
 * Thins each account's equity history: every point newer than `policy.rawMs` as recorded; older ones
 * one per UTC hour, and beyond `policy.hourlyMs` one per UTC day, each being the account's last point of
 * its bucket, stamped at the bucket's closing boundary (its value then). Every account is thinned on the
 * same anchors, so the summed equity at every kept time equals the unthinned sum at that time.
 *
 * What is kept exactly (all equities positive): the time-weighted and money-weighted returns and the PnL
 * of any period that starts in the raw part or on a UTC hour boundary (UTC day beyond `hourlyMs`),
 * because the points that book each flow (the first point at or after it, and the one before it) and
 * each account's first point are anchors too, and a sub-period without a flow telescopes; the
 * flow-adjusted index at every kept time; its maximum and current drawdown (the peak and the deepest
 * drawdown's peak and trough are anchors). What changes: a period starting inside a thinned bucket (1M,
 * 1Y counted back from a `now` that is not a boundary) starts from the boundary before it, so it also
 * counts the move within that hour (day); the drawdown curve and intraday statistics show only the kept
 * points; a dip deeper than the deepest one recorded so far, inside a thinned bucket, is not seen later.
 * Returns the thinned series of the accounts that changed.
 */
export function thinHistory(
  series: ReadonlyMap<string, Series>,
  flows: readonly CashFlow[],
  now: number,
  policy: ThinningPolicy = defaultThinning,
): Map<string, Series> {
  const { hourCut, dayCut } = thinningCuts(now, policy);
  const changed = new Map<string, Series>();
  let any = false;
  for (const s of series.values()) if (s.times.length > 1 && (s.times[0] as number) <= hourCut) any = true;
  if (!any) return changed;
  const anchors = anchorsOf(series, flows, hourCut, dayCut);
  for (const [id, s] of series) {
    const n = s.times.length;
    let old = 0;
    while (old < n && (s.times[old] as number) <= hourCut) old++;
    if (old === 0) continue;
    const times = new Float64Array(n);
    const values = new Float64Array(n);
    let m = 0;
    let k = 0;
    for (let i = 0; i < old; i++) {
      const t = s.times[i] as number;
      while ((anchors[k] as number) < t) k++;
      const stamp = anchors[k] as number;
      if (m > 0 && times[m - 1] === stamp) values[m - 1] = s.values[i] as number;
      else {
        times[m] = stamp;
        values[m++] = s.values[i] as number;
      }
    }
    let same = m === old;
    for (let i = 0; same && i < old; i++) same = times[i] === s.times[i];
    if (same) continue;
    times.set(s.times.subarray(old), m);
    values.set(s.values.subarray(old), m);
    m += n - old;
    changed.set(id, { times: times.slice(0, m), values: values.slice(0, m) });
  }
  return changed;
}
