import type { AuditFilter } from '../trading/api.js';
import type { AuditEntry } from '../trading/types.js';
import type { JobProgress } from '../research/api.js';

/** The last entry the audit chain vouches for, and how many entries it holds. */
export interface AuditChainHead {
  seq: number;
  hash: string;
  count: number;
}

export type AuditProblemKind =
  /** The entry's fields no longer give its stored hash. */
  | 'altered'
  /** The entry has no hash: it was put into the log outside the chain. */
  | 'unhashed'
  /** The entry does not link to the one before it: entries between them were removed or reordered. */
  | 'link-broken'
  /** The entry comes after the head's last entry: the head does not vouch for it. */
  | 'after-head'
  /** The head records later entries than the log has: entries were removed from the end. */
  | 'tail-removed'
  /** The log has entries but no head. */
  | 'head-missing'
  /** The head records a different number of entries than the log holds. */
  | 'count-mismatch';

export interface AuditProblem {
  kind: AuditProblemKind;
  /** The entry where the problem shows (null when it concerns the log as a whole). */
  seq: number | null;
  /** The last intact entry before it, for problems between two entries (null at the start). */
  after: number | null;
  /** One sentence for the user. */
  message: string;
}

export interface AuditVerifyResult {
  intact: boolean;
  /** Entries read. */
  checked: number;
  head: AuditChainHead | null;
  /** The first problems found, in log order (at most `problemLimit`). */
  problems: AuditProblem[];
  /** Every problem found, listed or not. */
  problemCount: number;
  checkedAt: number;
}

/** The screen's filters, or a stretch of the log by sequence number (both bounds inclusive). */
export interface AuditQuery extends AuditFilter {
  fromSeq?: number | null;
  toSeq?: number | null;
}

/** The audit domain: the log's integrity check, entries by sequence number and CSV export. */
export interface AuditApi {
  /**
   * Walks the whole log in sequence order and checks every hash and link against the chain head.
   * Reports progress per page; `cancel(jobId)` stops it (it then rejects with code 'cancelled').
   */
  verify(jobId: string, onProgress?: (progress: JobProgress) => void): Promise<AuditVerifyResult>;
  cancel(jobId: string): Promise<void>;
  /** Entries matching the query, newest first (at most 5,000; 500 unless `limit` says otherwise). */
  entries(query: AuditQuery): Promise<AuditEntry[]>;
  /** Every entry matching the query (its `limit` ignored) as CSV text, oldest first. */
  exportCsv(query: AuditQuery): Promise<string>;
}
