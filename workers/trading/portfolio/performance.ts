import { moneyWeightedReturn, timeWeightedReturn, type ValuePoint } from '../../research/stats/index.js';
import type { CashFlow, PerformancePeriod, PeriodPerformance, Series } from './api.js';
import { indexAtOrBefore, openingFlows, sumSeries, withTimes, type FlowPoint } from './equity-series.js';

const DAY = 86_400_000;

export const periods: readonly PerformancePeriod[] = ['1D', '1W', '1M', 'YTD', '1Y', 'All'];

/** Where a period starts, counted back from `now` (YTD: 1 January, UTC). */
export function periodStart(period: PerformancePeriod, now: number, first: number): number {
  switch (period) {
    case '1D':
      return now - DAY;
    case '1W':
      return now - 7 * DAY;
    case '1M':
      return now - 30 * DAY;
    case 'YTD':
      return Date.UTC(new Date(now).getUTCFullYear(), 0, 1);
    case '1Y':
      return now - 365 * DAY;
    case 'All':
      return first;
  }
}

export interface EquityHistory {
  /** All accounts summed, in the valuation currency. */
  series: Series;
  /** The flows inside each account's recorded history, plus each account's opening. */
  flows: FlowPoint[];
  /** Flows left out, and why: said once on the screen. */
  notes: string[];
}

/**
 * The portfolio's equity history for performance: each account's recorded series (plus, when known, its
 * value now), summed over accounts, and the flows that are not performance. Flows are matched to their
 * own account's history: a flow of an account with no recorded equity moved money that no point of the
 * sum contains, so counting it would book it as a loss or gain; it is left out with a note. A flow at or
 * before an account's first point is already inside that first value, which enters as the opening flow.
 */
export function equityHistory(
  byAccount: ReadonlyMap<string, Series>,
  flows: readonly CashFlow[],
  current: ReadonlyMap<string, { time: number; equity: number }> = new Map(),
  labelOf: (accountId: string) => string = (id) => id,
): EquityHistory {
  const accounts = new Map<string, Series>();
  for (const [id, s] of byAccount) if (s.times.length > 0) accounts.set(id, s);
  for (const [id, point] of current) {
    const s = accounts.get(id);
    const n = s?.times.length ?? 0;
    if (s && n > 0 && (s.times[n - 1] as number) >= point.time) continue;
    const times = new Float64Array(n + 1);
    const values = new Float64Array(n + 1);
    if (s) {
      times.set(s.times);
      values.set(s.values);
    }
    times[n] = point.time;
    values[n] = point.equity;
    accounts.set(id, { times, values });
  }
  const kept: FlowPoint[] = [];
  const orphans = new Map<string, number>();
  for (const f of flows) {
    const s = accounts.get(f.accountId);
    if (!s) {
      orphans.set(f.accountId, (orphans.get(f.accountId) ?? 0) + 1);
      continue;
    }
    if (f.time <= (s.times[0] as number)) continue;
    kept.push({ time: f.time, amount: f.value });
  }
  const notes = [...orphans].map(
    ([id, count]) =>
      `${count === 1 ? '1 deposit or withdrawal' : `${count} deposits and withdrawals`} of ${labelOf(id)} ${count === 1 ? 'is' : 'are'} left out of performance: no equity of ${labelOf(id)} is recorded yet, so no snapshot contains that money.`,
  );
  const opening = openingFlows(accounts);
  const summed = sumSeries([...accounts.values()]);
  const first = summed.times.length ? (summed.times[0] as number) : Infinity;
  // A split before the portfolio's first point would only add a zero value: nothing to measure from.
  const series = withTimes(
    summed,
    opening.splits.filter((t) => t > first),
  );
  return {
    series,
    flows: [...kept, ...opening.flows].sort((a, b) => a.time - b.time),
    notes,
  };
}

export interface Measured {
  from: number;
  to: number;
  twr: number | null;
  mwr: number | null;
  /** Change in equity less net flows, in the valuation currency. */
  pnl: number | null;
  /** Whether the history starts after `wanted`. */
  short: boolean;
  points: number;
}

/**
 * Time- and money-weighted return and PnL since `wanted`, flows excluded: a deposit is not a gain. A span
 * longer than the history is measured from its first positive point, and says so (`short`).
 */
export function measure(history: EquityHistory, wanted: number, now: number): Measured | null {
  const { times, values } = history.series;
  let firstIndex = 0;
  while (firstIndex < times.length && !((values[firstIndex] as number) > 0)) firstIndex++;
  if (firstIndex >= times.length) return null;
  const at = indexAtOrBefore(times, wanted);
  const startIndex = Math.max(at, firstIndex);
  const from = startIndex === at ? wanted : (times[startIndex] as number);
  // The start value is that of the point at or before `from`: flows after that point and before `from`
  // are not in it, so they count from the point's own time, like the point itself.
  const start: ValuePoint = { time: times[startIndex] as number, value: values[startIndex] as number };
  const points: ValuePoint[] = [start];
  for (let i = startIndex + 1; i < times.length; i++)
    if ((times[i] as number) > start.time && (times[i] as number) <= now)
      points.push({ time: times[i] as number, value: values[i] as number });
  const end = points[points.length - 1]!;
  const enough = points.length >= 2;
  const inside = history.flows.filter((f) => f.time > start.time && f.time <= end.time);
  const net = inside.reduce((s, f) => s + f.amount, 0);
  return {
    from,
    to: end.time,
    twr: enough ? timeWeightedReturn(points, inside) : null,
    mwr: enough ? (moneyWeightedReturn(start, inside, end)?.period ?? null) : null,
    pnl: enough ? end.value - start.value - net : null,
    short: from > wanted,
    points: points.length,
  };
}

/** Each period's performance; `rate` converts the valuation currency to the screen's quote for the PnL. */
export function performance(history: EquityHistory, now: number, rate: number | null): PeriodPerformance[] {
  const first = history.series.times.length ? (history.series.times[0] as number) : now;
  return periods.map((period) => {
    const m = measure(history, periodStart(period, now, first), now);
    if (!m)
      return {
        period,
        from: now,
        to: now,
        twr: null,
        mwr: null,
        pnl: null,
        note: 'No equity recorded yet: performance starts with the first snapshot.',
      };
    return {
      period,
      from: m.from,
      to: m.to,
      twr: m.twr,
      mwr: m.mwr,
      pnl: m.pnl !== null && rate !== null ? m.pnl * rate : null,
      note:
        m.points < 2
          ? 'Not enough history yet: one snapshot so far.'
          : m.short && period !== 'All'
            ? `History starts ${new Date(m.from).toISOString().slice(0, 10)}: this covers less than the full period.`
            : m.twr === null
              ? 'The time-weighted return is undefined: the equity was zero during the period.'
              : null,
    };
  });
}

/**
 * The equity as an index that moves only with performance: 1 at the first positive point, then chained
 * by each sub-period's return with its flows taken out. Drawdowns and equity statistics use it, so a
 * withdrawal is not a drawdown and a deposit not a rally. A sub-period starting from nothing has no
 * return and leaves the index where it was. An index that reaches zero (the equity was wiped out, or
 * more was withdrawn than the snapshots hold) is 0 at that point and restarts at 1 at the next positive
 * value: chaining on from 0 would keep it at 0 for ever and every later return would be undefined.
 */
export function flowAdjustedIndex(history: EquityHistory): Series {
  const { times, values } = history.series;
  let i0 = 0;
  while (i0 < times.length && !((values[i0] as number) > 0)) i0++;
  const n = times.length - i0;
  if (n <= 0) return { times: new Float64Array(0), values: new Float64Array(0) };
  const out = { times: times.slice(i0), values: new Float64Array(n) };
  const flows = history.flows;
  let k = 0;
  while (k < flows.length && (flows[k] as FlowPoint).time <= (times[i0] as number)) k++;
  let index = 1;
  out.values[0] = 1;
  for (let j = 1; j < n; j++) {
    const t = times[i0 + j] as number;
    let flow = 0;
    while (k < flows.length && (flows[k] as FlowPoint).time <= t) flow += (flows[k++] as FlowPoint).amount;
    const prev = values[i0 + j - 1] as number;
    const value = values[i0 + j] as number;
    if (!(index > 0)) index = value > 0 ? 1 : 0;
    else if (prev > 0) {
      const next = (index * (value - flow)) / prev;
      index = Number.isFinite(next) && next > 0 ? next : 0;
    }
    out.values[j] = index;
  }
  return out;
}
