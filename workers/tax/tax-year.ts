import { daysInMonth, formatIsoDate, parseIsoDate } from './calendar.js';
import type { Jurisdiction } from './types.js';

/**
 * Tax years. Australia's runs 1 July to 30 June and is named by both calendar years ("2021-22"); a year
 * that starts on 1 January is named by its calendar year ("2022"). Other starts (6 April in the UK,
 * 1 April in New Zealand) are named like Australia's.
 */

export interface YearStart {
  month: number;
  day: number;
}

export function defaultYearStart(jurisdiction: Jurisdiction): string {
  return jurisdiction === 'AU' ? '07-01' : '01-01';
}

/**
 * 'MM-DD' as a year start, or null. 29 February is refused: a year must start on a day every year has.
 */
export function parseYearStart(text: string): YearStart | null {
  const m = /^(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const month = Number(m[1]);
  const day = Number(m[2]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(2001, month)) return null;
  return { month, day };
}

function isCalendar(start: YearStart): boolean {
  return start.month === 1 && start.day === 1;
}

function label(startYear: number, start: YearStart): string {
  if (isCalendar(start)) return String(startYear);
  return `${startYear}-${String((startYear + 1) % 100).padStart(2, '0')}`;
}

/** The tax year a date falls in, e.g. '2022-03-10' -> '2021-22' from 1 July, '2022' from 1 January. */
export function taxYearOf(date: string, start: YearStart): string {
  const d = parseIsoDate(date);
  if (d === null) throw new RangeError(`"${date}" is not a calendar date YYYY-MM-DD`);
  const beforeStart = d.month < start.month || (d.month === start.month && d.day < start.day);
  return label(beforeStart ? d.year - 1 : d.year, start);
}

/** What a tax year's label looks like, for messages: '2021-22' or '2022'. */
export function yearLabelExample(start: YearStart): string {
  return label(2021, start);
}

/**
 * The first and last day of a tax year given by its label, or null when the label is not one of this
 * year start ('2021-22' needs a year that does not start on 1 January, and its two years must follow).
 */
export function yearBounds(
  taxYear: string,
  start: YearStart,
): { first_day: string; last_day: string } | null {
  const m = /^(\d{4})(?:-(\d{2}))?$/.exec(taxYear);
  if (!m) return null;
  const startYear = Number(m[1]);
  if (label(startYear, start) !== taxYear) return null;
  const first = formatIsoDate({ year: startYear, month: start.month, day: start.day });
  if (parseIsoDate(first) === null) return null;
  // The day before the next year's start.
  const next = new Date(Date.UTC(startYear + 1, start.month - 1, start.day - 1));
  const last = formatIsoDate({
    year: next.getUTCFullYear(),
    month: next.getUTCMonth() + 1,
    day: next.getUTCDate(),
  });
  return { first_day: first, last_day: last };
}
