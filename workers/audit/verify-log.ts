import { cmp } from 'dexie';
import type { LyraDb } from '../store/db.js';
import type { AuditEntry } from '../trading/types.js';
import type { JobProgress } from '../research/api.js';
import { EngineFailure, engineError } from '../shared/errors.js';
import type { AuditVerifyResult } from './api.js';
import { readAuditHead } from './audit-chain.js';
import { ChainWalk, PROBLEM_LIMIT } from './chain-walk.js';

export interface VerifyOptions {
  onProgress?: (progress: JobProgress) => void;
  signal?: AbortSignal;
  pageSize?: number;
  problemLimit?: number;
  now?: () => number;
}

/**
 * Checks the whole audit log against its hash chain. The head and the last sequence number are read
 * together first; the walk then reads pages in short transactions, so trading keeps writing meanwhile,
 * and entries appended after the start (covered by a later head) are left for the next check.
 */
export async function verifyAuditLog(db: LyraDb, options: VerifyOptions = {}): Promise<AuditVerifyResult> {
  const pageSize = options.pageSize ?? 500;
  const start = await db.transaction('r', [db.audit, db.tradingState], async () => ({
    head: await readAuditHead(db.tradingState),
    total: await db.audit.count(),
    lastKey: await db.audit.orderBy(':id').lastKey(),
  }));
  const walk = new ChainWalk(start.head, options.problemLimit ?? PROBLEM_LIMIT);
  const report = (done: number) =>
    options.onProgress?.({ done, total: start.total, stage: 'Checking the audit chain' });
  report(0);
  let after: AuditEntry['seq'] | null = null;
  while (start.lastKey !== undefined) {
    throwIfCancelled(options.signal);
    const from = after;
    const page: AuditEntry[] =
      from === null
        ? await db.audit.orderBy(':id').limit(pageSize).toArray()
        : await db.audit.where(':id').above(from).limit(pageSize).toArray();
    let reachedEnd = page.length < pageSize;
    for (const entry of page) {
      if (cmp(entry.seq, start.lastKey) > 0) {
        reachedEnd = true;
        break;
      }
      walk.add(entry);
    }
    report(walk.checked);
    if (reachedEnd || page.length === 0) break;
    after = page[page.length - 1]!.seq!;
  }
  throwIfCancelled(options.signal);
  walk.finish();
  return {
    intact: walk.problemCount === 0,
    checked: walk.checked,
    head: start.head,
    problems: walk.problems,
    problemCount: walk.problemCount,
    checkedAt: (options.now ?? Date.now)(),
  };
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted)
    throw new EngineFailure(
      engineError(
        'cancelled',
        'The integrity check was cancelled before it finished. Run it again to check the log.',
      ),
    );
}
