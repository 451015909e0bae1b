import type { AuditEntry } from '../trading/types.js';
import {
  AUDIT_HEAD_KEY,
  chainFrom,
  GENESIS_HASH,
  readAuditHead,
  type AuditTable,
  type StateTable,
} from './audit-chain.js';

/** What settling a restored log did, for tests and logs. */
export type SettledAudit = 'kept' | 'head-written' | 'chained';

const chained = (e: AuditEntry) => typeof e.hash === 'string' && typeof e.prevHash === 'string';

/**
 * Makes the audit chain whole after a restore or an import wrote the log and tradingState (the head)
 * as a pair. Call inside the same transaction, holding both tables, after they are written.
 *
 * - Entries without hashes (a file made before version 8) are chained from the first of them on,
 *   after the last hashed entry before it, and the head is written. Hashed entries before it are left
 *   as they are, so an alteration in them still shows.
 * - A fully hashed log with no head (a file that held no head) gets a head from its last entry.
 * - A fully hashed log with a head is left exactly as it is: if the two disagree, that is evidence the
 *   check must report, not something to paper over.
 */
export async function settleRestoredAudit(
  audit: AuditTable,
  state: StateTable,
  pageSize = 1000,
): Promise<SettledAudit> {
  const firstUnchained = await audit
    .orderBy(':id')
    .filter((e) => !chained(e))
    .first();
  if (firstUnchained?.seq !== undefined) {
    const before = audit.where(':id').below(firstUnchained.seq);
    const last = await before.clone().last();
    const count = await before.count();
    await chainFrom(
      audit,
      state,
      { fromSeq: firstUnchained.seq, prevHash: last?.hash ?? GENESIS_HASH, count },
      pageSize,
    );
    return 'chained';
  }
  if (await readAuditHead(state)) return 'kept';
  const last = await audit.orderBy(':id').last();
  if (last?.seq === undefined || last.hash === undefined) return 'kept';
  await state.put({
    key: AUDIT_HEAD_KEY,
    value: { seq: last.seq, hash: last.hash, count: await audit.count() },
  });
  return 'head-written';
}
