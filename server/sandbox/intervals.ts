/**
 * Binance kline intervals and their UTC alignment: fixed-length intervals are aligned to the Unix
 * epoch, except weeks, which start on Monday 00:00 UTC (the epoch was a Thursday), and months,
 * which follow the calendar.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
const MONDAY_OFFSET = 4 * DAY;

export interface Interval {
  readonly name: string;
  /** Nominal length (months count as 30 days; use `next` for exact boundaries). */
  readonly ms: number;
  /** Open time of the candle containing `t`. */
  floor(t: number): number;
  /** Open time of the candle after the one opening at `open`. */
  next(open: number): number;
  /** Open time of the candle before the one opening at `open`. */
  prev(open: number): number;
}

function fixed(name: string, ms: number, offset = 0): Interval {
  return {
    name,
    ms,
    floor: (t) => Math.floor((t - offset) / ms) * ms + offset,
    next: (open) => open + ms,
    prev: (open) => open - ms,
  };
}

function monthStart(t: number, delta: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + delta, 1);
}

const MONTH: Interval = {
  name: '1M',
  ms: 30 * DAY,
  floor: (t) => monthStart(t, 0),
  next: (open) => monthStart(open, 1),
  prev: (open) => monthStart(open, -1),
};

export const INTERVALS: ReadonlyMap<string, Interval> = new Map(
  [
    fixed('1m', MINUTE),
    fixed('3m', 3 * MINUTE),
    fixed('5m', 5 * MINUTE),
    fixed('15m', 15 * MINUTE),
    fixed('30m', 30 * MINUTE),
    fixed('1h', HOUR),
    fixed('2h', 2 * HOUR),
    fixed('4h', 4 * HOUR),
    fixed('6h', 6 * HOUR),
    fixed('8h', 8 * HOUR),
    fixed('12h', 12 * HOUR),
    fixed('1d', DAY),
    fixed('3d', 3 * DAY),
    fixed('1w', 7 * DAY, MONDAY_OFFSET),
    MONTH,
  ].map((i) => [i.name, i]),
);

export function startOfUtcDay(t: number): number {
  return Math.floor(t / DAY) * DAY;
}
