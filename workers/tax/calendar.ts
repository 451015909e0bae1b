/**
 * Calendar dates as 'YYYY-MM-DD' text. Tax law counts calendar days in the taxpayer's time zone, so the
 * engine never works with instants once a trade's date is known; the text sorts like the date.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * Years outside this range are typing mistakes (no fill is older than 1900), and the range keeps clear
 * of Date.UTC mapping years below 100 to 19xx and of Intl's switch to the Julian calendar before 1582.
 */
const MIN_YEAR = 1900;
const MAX_YEAR = 9999;

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The parts of a real calendar date, or null for anything else (2021-02-29, 2021-13-01, 21-1-1). */
export function parseIsoDate(text: string): CalendarDate | null {
  const m = ISO_DATE.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12) return null;
  if (day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

export function formatIsoDate(d: CalendarDate): string {
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  return `${pad(d.year, 4)}-${pad(d.month, 2)}-${pad(d.day, 2)}`;
}

function dayNumber(text: string): number {
  const d = parseIsoDate(text);
  if (d === null) throw new RangeError(`"${text}" is not a calendar date YYYY-MM-DD`);
  return Date.UTC(d.year, d.month - 1, d.day) / DAY_MS;
}

/** Calendar days from `from` to `to` (0 on the same day; 365 from 2021-03-10 to 2022-03-10). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/**
 * The same month and day `years` later, clamped to the month's last day: periods of months and years
 * end on the corresponding day, or the last day of the month when it has none (29 Feb -> 28 Feb).
 */
export function addYearsClamped(date: string, years: number): string {
  const d = parseIsoDate(date);
  if (d === null) throw new RangeError(`"${date}" is not a calendar date YYYY-MM-DD`);
  const year = d.year + years;
  return formatIsoDate({ year, month: d.month, day: Math.min(d.day, daysInMonth(year, d.month)) });
}

/** True when the runtime knows `timeZone` as an IANA zone (e.g. 'Australia/Sydney', 'UTC'). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The calendar date of an instant (epoch ms) in an IANA time zone: a trade at 23:30 UTC on 30 June is on
 * 1 July in Sydney, which is another Australian tax year. Null when the instant is out of range.
 */
export function dateInTimeZone(epochMs: number, timeZone: string): string | null {
  if (!Number.isFinite(epochMs)) return null;
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      era: 'short',
    });
    formatters.set(timeZone, f);
  }
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = f.formatToParts(epochMs);
  } catch {
    return null;
  }
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  // Years BC come back as positive years of the other era: refuse rather than misdate.
  const era = parts.find((p) => p.type === 'era')?.value;
  if (era !== 'AD') return null;
  const text = formatIsoDate({ year: get('year'), month: get('month'), day: get('day') });
  return parseIsoDate(text) === null ? null : text;
}
