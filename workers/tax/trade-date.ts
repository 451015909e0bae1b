import { dateInTimeZone, parseIsoDate } from './calendar.js';

/**
 * The calendar date of a trade from what an input may hold: a date 'YYYY-MM-DD' (already in the
 * taxpayer's time zone), an ISO date-time, or an epoch-ms time. Instants (epoch ms, date-times with Z
 * or an offset) are dated in `timeZone`; a date-time without an offset is a wall-clock time there
 * already, so its date part is its date.
 */

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?$/i;

export type DateResult = { ok: true; date: string } | { ok: false; message: string };

const HOW = 'write a date as YYYY-MM-DD, an ISO date-time (2022-03-10T14:30:00+10:00) or epoch milliseconds';

/**
 * Epoch times before March 1973 are below 1e11 ms: far more likely epoch seconds (or YYYYMMDD) than a
 * fill from then, and dating them in 1970 would be silently wrong.
 */
const MIN_EPOCH_MS = 1e11;

function fromEpochMs(ms: number, timeZone: string): DateResult {
  if (Number.isSafeInteger(ms) && ms > 0 && ms < MIN_EPOCH_MS)
    return {
      ok: false,
      message: `${ms} is before 1973 as epoch milliseconds: if it is epoch seconds, multiply by 1000 (${HOW})`,
    };
  const date = Number.isSafeInteger(ms) && ms > 0 ? dateInTimeZone(ms, timeZone) : null;
  if (date === null) return { ok: false, message: `${ms} is not a time in epoch milliseconds: ${HOW}` };
  return { ok: true, date };
}

function fromText(text: string, timeZone: string): DateResult {
  const trimmed = text.trim();
  if (parseIsoDate(trimmed) !== null) return { ok: true, date: trimmed };
  const m = DATE_TIME.exec(trimmed);
  if (m) {
    const [, day, time, zone] = m as unknown as [string, string, string, string | undefined];
    if (parseIsoDate(day) === null) return { ok: false, message: `"${text}" is not a real date: ${HOW}` };
    const [hours, minutes, seconds] = time.split(':').map((part) => Number.parseFloat(part));
    if (!((hours as number) <= 23 && (minutes as number) <= 59 && (seconds ?? 0) < 60))
      return { ok: false, message: `"${text}" has no such time of day (00:00 to 23:59:59): ${HOW}` };
    if (zone === undefined) return { ok: true, date: day };
    const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
    const ms = Date.parse(`${day}T${time}${offset}`);
    if (Number.isNaN(ms)) return { ok: false, message: `"${text}" is not a real date-time: ${HOW}` };
    return fromEpochMs(ms, timeZone);
  }
  if (/^\d{4}-\d{1,2}-\d{1,2}$/.test(trimmed))
    return { ok: false, message: `"${text}" is not a real date (1900 to 9999): ${HOW}` };
  return { ok: false, message: `"${text}" is not a date: ${HOW}` };
}

/** The date of a `date` or `time` value; numbers are epoch milliseconds. */
export function tradeDate(value: unknown, timeZone: string): DateResult {
  if (typeof value === 'number') return fromEpochMs(value, timeZone);
  if (typeof value === 'string') {
    if (/^\d+$/.test(value.trim())) return fromEpochMs(Number(value.trim()), timeZone);
    return fromText(value, timeZone);
  }
  return { ok: false, message: `${value === null ? 'null' : typeof value} is not a date: ${HOW}` };
}
