/**
 * Bar times as the backtest screen writes them, in UTC like the date range fields and the exports:
 * a date for daily or slower bars, a date and minute for faster ones.
 */

const DAY = 86_400_000;

/** "1991-07-01" or "2024-05-01 10:15" (UTC). */
export function barTimeText(ms: number, spacingMs: number): string {
  if (!Number.isFinite(ms)) return '–';
  const iso = new Date(ms).toISOString();
  return spacingMs >= DAY ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** Typical spacing of `bars` bars over first..last (0 when there is one bar or none). */
export function spacingOf(first: number, last: number, bars: number): number {
  return bars > 1 ? (last - first) / (bars - 1) : DAY;
}

/** "1991-07-01 – 1998-08-21": the first and last bar of a dataset. */
export function rangeText(first: number, last: number, bars: number): string {
  const spacing = spacingOf(first, last, bars);
  return `${barTimeText(first, spacing)} – ${barTimeText(last, spacing)}`;
}
