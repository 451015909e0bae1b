import type { AuditEntry } from '../trading/types.js';

export const AUDIT_CSV_COLUMNS = [
  'seq',
  'time',
  'time_ms',
  'kind',
  'account_id',
  'order_id',
  'symbol',
  'rule',
  'message',
  'details',
  'prev_hash',
  'hash',
] as const;

/** Quotes a cell only when it has to (comma, quote or line break), doubling inner quotes. */
function cell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function isoTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}

/**
 * The entries as CSV (RFC 4180, one header row): every field, the time both as ISO 8601 (UTC) and as
 * milliseconds, details as one JSON column, and the chain's hashes, so the file can be checked again.
 */
export function auditCsv(entries: Iterable<AuditEntry>): string {
  const lines = [AUDIT_CSV_COLUMNS.join(',')];
  for (const e of entries)
    lines.push(
      [
        e.seq === undefined ? '' : String(e.seq),
        isoTime(e.time),
        String(e.time),
        e.kind,
        e.accountId ?? '',
        e.orderId ?? '',
        e.symbol ?? '',
        e.rule ?? '',
        e.message ?? '',
        JSON.stringify(e.details ?? {}),
        e.prevHash ?? '',
        e.hash ?? '',
      ]
        .map(cell)
        .join(','),
    );
  return `${lines.join('\r\n')}\r\n`;
}
