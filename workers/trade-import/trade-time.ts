import type { CellResult } from './cells.js';

/**
 * Trade times as epoch milliseconds, UTC. Exchanges export wall-clock times without a zone and say in
 * their documentation (or in the header, Binance's `Date(UTC)`) that they are UTC, so a time without a
 * zone is read at `offsetMinutes` from UTC (0 unless the header says otherwise). Fractions of a second
 * beyond milliseconds (Kraken writes four digits) are cut, not rounded, so a time never moves into the
 * next millisecond or second.
 */

export type TimeResult = CellResult<number>;

const DATE_TIME =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Epoch times from here up are milliseconds; below, probably seconds (1e11 ms is March 1973). */
const MIN_EPOCH_MS = 1e11;
const EARLIEST_YEAR = 1970;

export const TIME_HOW =
  'write it as 2024-01-31 13:45:00 (UTC), 2024-01-31T13:45:00+10:00 or epoch milliseconds';

function zoneMinutes(zone: string): number {
  const upper = zone.toUpperCase();
  if (upper === 'Z' || upper === 'UTC') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
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
  const bad = { ok: false as const, message: `"${text}" is not a real date and time: ${TIME_HOW}` };
  if (year < EARLIEST_YEAR || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59)
    return bad;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 30 February into March: another day back means the date does not exist.
  if (new Date(wall).getUTCDate() !== day) return bad;
  const ms = Number(frac.slice(0, 3).padEnd(3, '0'));
  const offset = zone === undefined ? offsetMinutes : zoneMinutes(zone);
  return { ok: true, value: wall + ms - offset * 60_000 };
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
  if (epoch !== 'none' && /^\d+(?:\.\d+)?$/.test(text)) {
    if (epoch === 'seconds') {
      const [whole = '0', frac = ''] = text.split('.');
      const time = Number(whole) * 1000 + Number(frac.slice(0, 3).padEnd(3, '0'));
      if (Number.isSafeInteger(time)) return { ok: true, value: time };
    } else {
      const time = Number(text);
      if (Number.isSafeInteger(time) && time >= MIN_EPOCH_MS) return { ok: true, value: time };
      if (Number.isSafeInteger(time))
        return {
          ok: false,
          message: `${text} is before 1973 as epoch milliseconds: if it is epoch seconds, multiply by 1000 (${TIME_HOW})`,
        };
    }
    return { ok: false, message: `${text} is not a time: ${TIME_HOW}` };
  }
  return (
    fromDateTime(text, options.offsetMinutes ?? 0) ?? {
      ok: false,
      message: `cannot read the time "${text.slice(0, 40)}": ${TIME_HOW}`,
    }
  );
}
