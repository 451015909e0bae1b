import type { CellResult } from './cells.js';

/**
 * Trade times as epoch milliseconds, UTC. Exchanges export wall-clock times without a zone and say in
 * their documentation (or in the header, Binance's `Date(UTC)`) that they are UTC, so a time without a
 * zone is read at `offsetMinutes` from UTC (0 unless the header says otherwise). Fractions of a second
 * beyond milliseconds (Kraken writes four digits) are cut, not rounded, so a time never moves into the
 * next millisecond or second.
 *
 * Every time, however written, must fall in the years 1973 to 9999 (UTC): epoch numbers in the wrong unit
 * (milliseconds as seconds, microseconds as milliseconds) land far outside, and are refused with the
 * factor that fixes them. Zone offsets are at most ±14:00, with minutes below 60.
 */

export type TimeResult = CellResult<number>;

const DATE_TIME =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i;

/** The earliest time read, 1973-01-01 UTC: epoch seconds are all below it as milliseconds. */
const EARLIEST_MS = Date.UTC(1973, 0, 1);
/** The first time not read, 10000-01-01 UTC. */
const END_MS = Date.UTC(10000, 0, 1);
/** The widest zone offset in use (Kiribati, UTC+14). */
const MAX_OFFSET_MINUTES = 14 * 60;

export const TIME_HOW =
  'write it as 2024-01-31 13:45:00 (UTC), 2024-01-31T13:45:00+10:00 or epoch milliseconds';

const fail = (message: string): TimeResult => ({ ok: false, message });

/** Where a time falls against the years read: 'before' 1973, 'after' 9999, or null inside. */
function outside(ms: number): 'before' | 'after' | null {
  return ms < EARLIEST_MS ? 'before' : ms >= END_MS ? 'after' : null;
}

/** A zone's offset from UTC in minutes, or null when it is not one (beyond ±14:00, or 60 minutes or more). */
function zoneMinutes(zone: string): number | null {
  const upper = zone.toUpperCase();
  if (upper === 'Z' || upper === 'UTC') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  if (minutes >= 60 || hours * 60 + minutes > MAX_OFFSET_MINUTES) return null;
  return sign * (hours * 60 + minutes);
}

function fromDateTime(text: string, offsetMinutes: number): TimeResult | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const bad = fail(`"${text}" is not a real date and time: ${TIME_HOW}`);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return bad;
  // Date.UTC reads years 0-99 as 1900-1999; setUTCFullYear does not.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  date.setUTCFullYear(year, month - 1, day);
  const wall = date.getTime();
  // Another day back means the date does not exist (30 February rolls into March).
  if (date.getUTCDate() !== day) return bad;
  const ms = Number(frac.slice(0, 3).padEnd(3, '0'));
  const offset = zone === undefined ? offsetMinutes : zoneMinutes(zone);
  if (offset === null)
    return fail(
      `"${text}" has the time zone offset ${zone}: an offset is at most ±14:00, with minutes below 60 (${TIME_HOW})`,
    );
  const time = wall + ms - offset * 60_000;
  const side = outside(time);
  if (side !== null)
    return fail(
      `"${text}" is ${side} ${side === 'before' ? '1973' : '9999'} (UTC): trade times must be from 1973 to 9999; ${TIME_HOW}`,
    );
  return { ok: true, value: time };
}

/** How to write a time where a bare number is epoch seconds (Kraken). */
const SECONDS_HOW = 'write it as 2023-01-02 03:04:05 (UTC) or epoch seconds, as Kraken exports it';

/** Epoch seconds (Kraken) or milliseconds (generic files) in the years read, or what is wrong with them. */
function fromEpoch(text: string, unit: 'seconds' | 'ms'): TimeResult {
  const [whole = '0', frac = ''] = text.split('.');
  if (unit === 'ms' && frac !== '')
    return fail(`${text} is not a time: epoch milliseconds are whole numbers (${TIME_HOW})`);
  // Numbers too long for a double become huge or Infinity, so they are refused as after 9999 too.
  const time =
    unit === 'seconds' ? Number(whole) * 1000 + Number(frac.slice(0, 3).padEnd(3, '0')) : Number(whole);
  const side = outside(time);
  if (side === null) return { ok: true, value: time };
  const year = side === 'before' ? '1973' : '9999';
  if (unit === 'seconds')
    return fail(
      `${text} is ${side} ${year} as epoch seconds: ${side === 'after' ? 'if it is epoch milliseconds, divide by 1000' : 'check the cell'} (${SECONDS_HOW})`,
    );
  return fail(
    `${text} is ${side} ${year} as epoch milliseconds: ${side === 'after' ? 'if it is epoch microseconds, divide by 1000' : 'if it is epoch seconds, multiply by 1000'} (${TIME_HOW})`,
  );
}

export interface TimeOptions {
  /** Offset from UTC of times written without a zone, in minutes (Binance's `Date(UTC+8)`). */
  offsetMinutes?: number;
  /** How a bare number is read: epoch milliseconds (generic files), epoch seconds (Kraken), or not at all. */
  epoch?: 'ms' | 'seconds' | 'none';
}

/** A trade time from an export cell, or why it cannot be read. */
export function parseTradeTime(cell: string, options: TimeOptions = {}): TimeResult {
  const text = cell.trim();
  if (text === '') return { ok: false, message: `empty time: ${TIME_HOW}` };
  const epoch = options.epoch ?? 'ms';
  if (epoch !== 'none' && /^\d+(?:\.\d+)?$/.test(text)) return fromEpoch(text, epoch);
  return (
    fromDateTime(text, options.offsetMinutes ?? 0) ?? {
      ok: false,
      message: `cannot read the time "${text.slice(0, 40)}": ${TIME_HOW}`,
    }
  );
}
