import type { Series } from './api.js';

export interface FlowPoint {
  time: number;
  /** Value in the series' currency; positive in, negative out. */
  amount: number;
}

/**
 * The accounts' series summed on the union of their times: at each time, each account's latest value at
 * or before it (nothing before its first point).
 */
export function sumSeries(series: readonly Series[]): Series {
  const live = series.filter((s) => s.times.length > 0);
  if (live.length === 1) return { times: live[0]!.times.slice(), values: live[0]!.values.slice() };
  let count = 0;
  for (const s of live) count += s.times.length;
  const all = new Float64Array(count);
  let j = 0;
  for (const s of live) {
    all.set(s.times, j);
    j += s.times.length;
  }
  all.sort();
  let n = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[n++] = all[i] as number;
  const times = all.slice(0, n);
  const values = new Float64Array(n);
  for (const s of live) {
    let k = -1;
    for (let i = 0; i < n; i++) {
      const t = times[i] as number;
      while (k + 1 < s.times.length && (s.times[k + 1] as number) <= t) k++;
      if (k >= 0) values[i] = (values[i] as number) + (s.values[k] as number);
    }
  }
  return { times, values };
}

/**
 * Every account's first recorded value came in from outside (a paper account's starting balances, a
 * live account connected with money on it, flows recorded before its history began): that is an inflow at
 * its first point, not a gain. Flows dated at or before that point are already in it, so the caller drops
 * them. Returns the openings, and a point just before each so the time-weighted return splits there.
 */
export function openingFlows(series: ReadonlyMap<string, Series>): { flows: FlowPoint[]; splits: number[] } {
  const flows: FlowPoint[] = [];
  const splits: number[] = [];
  for (const s of series.values()) {
    if (s.times.length === 0) continue;
    const first = s.times[0] as number;
    flows.push({ time: first, amount: s.values[0] as number });
    splits.push(first - 1);
  }
  return { flows, splits };
}

/** The series with extra times added, each valued like its latest point at or before it (0 before any). */
export function withTimes(series: Series, extra: readonly number[]): Series {
  if (extra.length === 0) return series;
  const stepped: Series = { times: Float64Array.from(extra).sort(), values: new Float64Array(extra.length) };
  // Valued on the original series: the extra times carry no value of their own.
  const merged = sumSeries([series, { times: stepped.times, values: stepped.values }]);
  return merged;
}

/** Index of the last time at or before `t`, or -1. */
export function indexAtOrBefore(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The series sampled at `step` ms boundaries (the last value at or before each), for interval statistics. */
export function resample(series: Series, step: number): Series {
  const n = series.times.length;
  if (n === 0) return { times: new Float64Array(0), values: new Float64Array(0) };
  const first = Math.ceil((series.times[0] as number) / step) * step;
  const last = Math.floor((series.times[n - 1] as number) / step) * step;
  if (last < first) return { times: new Float64Array(0), values: new Float64Array(0) };
  const count = Math.floor((last - first) / step) + 1;
  const times = new Float64Array(count);
  const values = new Float64Array(count);
  let k = 0;
  for (let i = 0; i < count; i++) {
    const t = first + i * step;
    while (k + 1 < n && (series.times[k + 1] as number) <= t) k++;
    times[i] = t;
    values[i] = series.values[k] as number;
  }
  return { times, values };
}
