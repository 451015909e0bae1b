/** Display formatting for market numbers. Values are shown with the market's own precision. */

const fixedFormats = new Map<number, Intl.NumberFormat>();

function fixed(decimals: number): Intl.NumberFormat {
  const d = Math.max(0, Math.min(12, Math.round(decimals)));
  let f = fixedFormats.get(d);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
    fixedFormats.set(d, f);
  }
  return f;
}

const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 });

export function formatFixed(value: number | null | undefined, decimals: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return fixed(decimals).format(value);
}

/** Large volumes as 1.23M; small ones with a few decimals. */
export function formatCompact(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return Math.abs(value) >= 10_000
    ? compactFormat.format(value)
    : fixed(Math.abs(value) >= 100 ? 0 : 2).format(value);
}

export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const sign = value > 0 ? '+' : value < 0 ? '−' : '';
  return `${sign}${fixed(2).format(Math.abs(value))}%`;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return 'unknown';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${fixed(u === 0 ? 0 : 1).format(v)} ${units[u]}`;
}

const clock = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});
const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

export function formatClock(ms: number): string {
  return Number.isFinite(ms) ? clock.format(ms) : '–';
}

export function formatDateTime(ms: number | null | undefined): string {
  return ms !== null && ms !== undefined && Number.isFinite(ms) ? dateTime.format(ms) : '–';
}

/** "12 s ago", "5 min ago", "3 h ago". */
export function formatAgo(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}
