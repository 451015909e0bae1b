/** Time axis steps and labels in local time. All times here are Unix seconds (uPlot's x unit). */

export const SECOND = 1;
export const MINUTE = 60;
export const HOUR = 3600;
export const DAY = 86_400;
/** uPlot aligns ticks to calendar months for steps that are whole multiples of 30 days... */
export const MONTH = 30 * DAY;
/** ...and to calendar years for whole multiples of 365 days. */
export const YEAR = 365 * DAY;

/** Candidate tick steps, smallest first; uPlot picks the first that leaves enough room between labels. */
export const TIME_INCRS: number[] = [
  SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  4 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  3 * DAY,
  7 * DAY,
  14 * DAY,
  MONTH,
  2 * MONTH,
  3 * MONTH,
  6 * MONTH,
  YEAR,
  2 * YEAR,
  5 * YEAR,
  10 * YEAR,
];

const incrsCache = new Map<number, number[]>();

/** TIME_INCRS without steps finer than one candle (ticks between candles mean nothing). */
export function timeIncrsFor(candleSeconds: number): number[] {
  const key = Number.isFinite(candleSeconds) && candleSeconds > 0 ? candleSeconds : 0;
  let incrs = incrsCache.get(key);
  if (!incrs) {
    incrs = TIME_INCRS.filter((i) => i >= key);
    if (incrs.length === 0) incrs = [TIME_INCRS[TIME_INCRS.length - 1] as number];
    incrsCache.set(key, incrs);
  }
  return incrs;
}

const monthNameCache = new Map<string, string[]>();

/** Short month names for a locale ("Jan", "Feb", ...), computed once. */
export function monthNames(locale?: string): string[] {
  const key = locale ?? '';
  let names = monthNameCache.get(key);
  if (!names) {
    const f = new Intl.DateTimeFormat(locale, { month: 'short', timeZone: 'UTC' });
    names = [];
    for (let m = 0; m < 12; m++) names.push(f.format(Date.UTC(2001, m, 15)));
    monthNameCache.set(key, names);
  }
  return names;
}

const pad2 = (n: number) => (n < 10 ? '0' : '') + n;

/**
 * Labels for time-axis ticks at a given step (both in seconds), in local time:
 * - under a minute: "13:05:30"; under a day: "13:05" (local midnight shows the date, "Jun 14");
 * - days and weeks: "Jun 14"; months: "Jun"; years: "2025". January 1st shows the year instead, and a
 *   month tick in a year the ticks before it did not reach names it ("Nov 2024", "May 2025"), so
 *   six-monthly ticks that never land on January still say which year they are in.
 */
export function formatTimeTicks(splits: readonly (number | null)[], incr: number, locale?: string): string[] {
  const months = monthNames(locale);
  const out: string[] = new Array<string>(splits.length);
  // The year of the tick before, so month ticks can name a year that has no January tick.
  let previousYear = NaN;
  for (let i = 0; i < splits.length; i++) {
    const s = splits[i];
    if (s == null || !Number.isFinite(s)) {
      out[i] = '';
      continue;
    }
    const d = new Date(s * 1000);
    const mon = d.getMonth();
    const day = d.getDate();
    const yearStart = mon === 0 && day === 1;
    const midnight = d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0;
    let label: string;
    if (incr >= YEAR) label = String(d.getFullYear());
    else if (incr >= MONTH)
      label =
        mon === 0
          ? String(d.getFullYear())
          : d.getFullYear() !== previousYear
            ? `${months[mon] ?? ''} ${d.getFullYear()}`
            : (months[mon] ?? '');
    else if (incr >= DAY) label = yearStart ? String(d.getFullYear()) : `${months[mon] ?? ''} ${day}`;
    else if (midnight) label = `${months[mon] ?? ''} ${day}`;
    else if (incr >= MINUTE) label = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
    else label = `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
    out[i] = label;
    previousYear = d.getFullYear();
  }
  return out;
}

/** A candle's open time for the readout, local: "2025-06-14" for daily candles, else "2025-06-14 13:05". */
export function formatBarTime(ms: number, intervalMs: number): string {
  if (!Number.isFinite(ms)) return '–';
  const d = new Date(ms);
  const date = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  if (intervalMs >= DAY * 1000) return date;
  const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  if (intervalMs > 0 && intervalMs < MINUTE * 1000) return `${date} ${time}:${pad2(d.getSeconds())}`;
  return `${date} ${time}`;
}
