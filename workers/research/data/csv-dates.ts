const ISO =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Epoch numbers from here up are milliseconds (1e11 s is the year 5138; 1e11 ms is 1973). */
const MS_FROM = 1e11;

function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
}

/**
 * A bar time as epoch ms, or null when the text is not one: an ISO date (2024-01-31), date-time
 * (2024-01-31T09:30, seconds and fractions optional, a space allowed for the T) read as UTC unless it
 * carries Z or an offset, or an epoch number (seconds below 1e11, milliseconds from there). Impossible
 * dates (2023-02-30) are refused rather than rolled into the next month.
 */
export function parseBarTime(text: string): number | null {
  const s = text.trim();
  if (s === '') return null;
  if (NUMBER.test(s)) {
    const x = Number(s);
    if (!Number.isFinite(x)) return null;
    return Math.abs(x) >= MS_FROM ? x : x * 1000;
  }
  const m = ISO.exec(s);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(sec);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const ms = frac === '' ? 0 : Number(`0.${frac}`) * 1000;
  const t = Date.UTC(year, month - 1, day, hour, minute, second) + ms;
  // Date.UTC rolls 30 February into March: a different day back means the date does not exist.
  if (new Date(t - ms).getUTCDate() !== day) return null;
  return t - offsetMinutes(zone) * 60_000;
}
