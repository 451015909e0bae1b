import type { Queryable } from '../db/db.js';
import { BackupError } from './errors.js';

/**
 * Bytes a user's backups take: a complete version counts its size; an upload in progress counts what it
 * announced or what has arrived, whichever is more, so parallel uploads cannot each claim the same space.
 */
export async function usedBytes(q: Queryable, userId: string, exceptId?: string): Promise<number> {
  const [row] = await q.query<{ used: unknown }>(
    `SELECT coalesce(sum(CASE WHEN status = 'complete' THEN total_bytes
                              ELSE greatest(planned_bytes, total_bytes) END), 0) AS used
       FROM backup_versions
      WHERE user_id = $1 AND id <> $2`,
    [userId, exceptId ?? ''],
  );
  return Number(row?.used ?? 0);
}

export async function countCompleteVersions(q: Queryable, userId: string): Promise<number> {
  const [row] = await q.query<{ n: unknown }>(
    `SELECT count(*) AS n FROM backup_versions WHERE user_id = $1 AND status = 'complete'`,
    [userId],
  );
  return Number(row?.n ?? 0);
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Serialises one user's quota checks with their writes until the transaction ends, so two uploads at once
 * cannot both see the same free space. NO KEY UPDATE leaves other tables' references to the user free.
 */
export async function lockUserBackups(q: Queryable, userId: string): Promise<void> {
  await q.query('SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE', [userId]);
}

/** Refuses (413 quota-exceeded) when `used + adding` would pass the quota; `what` names the addition. */
export function checkQuota(used: number, adding: number, quotaBytes: number, what: string): void {
  if (used + adding <= quotaBytes) return;
  throw new BackupError(
    413,
    'quota-exceeded',
    `${what} needs ${mb(adding)} but your backups already use ${mb(used)} of your ${mb(quotaBytes)} quota. ` +
      'Delete old versions in Settings > Backups, or ask the operator of this server to raise BACKUP_QUOTA_MB.',
  );
}
