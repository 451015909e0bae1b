import type { Collection } from 'dexie';
import type { LyraDb } from '../store/db.js';
import type { AuditFilter } from '../trading/api.js';
import type { AuditEntry } from '../trading/types.js';
import type { AuditQuery } from './api.js';

const defaultLimit = 500;
const maxLimit = 5000;

/** The screen's filters on one entry. An order id also matches its children (`${id}-n`). */
export function matchesAuditFilter(entry: AuditEntry, filter: AuditFilter): boolean {
  if (filter.kind && entry.kind !== filter.kind) return false;
  if (filter.symbol && entry.symbol !== filter.symbol) return false;
  if (filter.since != null && entry.time < filter.since) return false;
  if (filter.orderId) {
    const id = filter.orderId;
    if (entry.orderId !== id && !(entry.orderId?.startsWith(`${id}-`) ?? false)) return false;
  }
  return true;
}

export function auditLimit(limit: number | undefined): number {
  return Math.min(Math.max(1, Math.floor(limit ?? defaultLimit)), maxLimit);
}

function hasSeqRange(q: AuditQuery): boolean {
  return q.fromSeq != null || q.toSeq != null;
}

/** The matching entries in sequence order, as a Dexie collection (ascending). */
function bySeq(db: LyraDb, q: AuditQuery): Collection<AuditEntry, number> {
  const from = q.fromSeq ?? -Infinity;
  const to = q.toSeq ?? Infinity;
  return db.audit
    .where(':id')
    .between(from, to, true, true)
    .filter((e) => matchesAuditFilter(e, q));
}

/** Entries for the screen, newest first: by time, or by sequence number when a stretch is asked for. */
export async function queryAudit(db: LyraDb, q: AuditQuery): Promise<AuditEntry[]> {
  const limit = auditLimit(q.limit);
  if (hasSeqRange(q)) return bySeq(db, q).reverse().limit(limit).toArray();
  return db.audit
    .where('time')
    .aboveOrEqual(q.since ?? 0)
    .reverse()
    .filter((e) => matchesAuditFilter(e, q))
    .limit(limit)
    .toArray();
}

/** Every matching entry, oldest first, for export. */
export async function allMatching(db: LyraDb, q: AuditQuery): Promise<AuditEntry[]> {
  return bySeq(db, q).toArray();
}
