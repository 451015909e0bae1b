/** Times in the trading panels: the clock for today, the date too for older records. */

const clock = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});
const dayClock = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
const full = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });

function sameDay(a: number, b: number): boolean {
  const x = new Date(a);
  const y = new Date(b);
  return x.getFullYear() === y.getFullYear() && x.getMonth() === y.getMonth() && x.getDate() === y.getDate();
}

/** "14:02:07" today, "22 Nov, 09:15" before. */
export function formatRecordTime(ms: number | null | undefined, now = Date.now()): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  return sameDay(ms, now) ? clock.format(ms) : dayClock.format(ms);
}

/** Full date and time, for a title or a machine-readable datetime's label. */
export function formatFullTime(ms: number | null | undefined): string {
  return ms !== null && ms !== undefined && Number.isFinite(ms) ? full.format(ms) : '–';
}

/** ISO text for a <time datetime>. */
export function isoTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}

/** The value of a datetime-local input as epoch ms (local time), or null when empty or invalid. */
export function localInputToMs(value: string): number | null {
  if (!value) return null;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : null;
}
