import { csvLine } from '../shared/csv-cell.js';
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

function isoTime(ms: number): string | null {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/**
 * The entries as CSV (RFC 4180, one header row): every field, the time both as ISO 8601 (UTC) and as
 * milliseconds, details as one JSON column, and the chain's hashes, so the file can be checked again.
 * Cells follow csvCell (workers/shared/csv-cell.ts): a null field is an empty cell and an empty text
 * `""`, and text a spreadsheet would run as a formula starts with an added apostrophe.
 */
export function auditCsv(entries: Iterable<AuditEntry>): string {
  const lines = [AUDIT_CSV_COLUMNS.join(',')];
  for (const e of entries)
    lines.push(
      csvLine([
        e.seq ?? null,
        isoTime(e.time),
        e.time,
        e.kind,
        e.accountId ?? null,
        e.orderId ?? null,
        e.symbol ?? null,
        e.rule ?? null,
        e.message ?? null,
        JSON.stringify(e.details ?? {}),
        e.prevHash ?? null,
        e.hash ?? null,
      ]),
    );
  return `${lines.join('\r\n')}\r\n`;
}
