import type { Queryable } from '../db/db.js';
import { versionsToDelete, type RetentionPolicy } from './retention.js';
import { deleteVersions, listCompleteVersions } from './store.js';

/** An upload that received nothing for this long was abandoned (the tab closed for good). */
export const staleUploadMs = 24 * 3_600_000;

/**
 * Applies the retention policy to one user's complete versions, keeping `justCompleted` and the parents
 * of uploads in progress (an incremental being uploaded needs its chain), and deletes abandoned uploads
 * of every user. Returns how many versions of this user were pruned.
 */
export async function applyRetention(
  q: Queryable,
  p: { userId: string; policy: RetentionPolicy; now: number; justCompleted?: string },
): Promise<{ pruned: number; staleUploads: number }> {
  const stale = await q.query<{ id: string }>(
    `DELETE FROM backup_versions WHERE status = 'uploading' AND touched_at < $1 RETURNING id`,
    [new Date(p.now - staleUploadMs)],
  );
  const complete = await listCompleteVersions(q, p.userId);
  const inProgressParents = await q.query<{ parent_id: string }>(
    `SELECT DISTINCT parent_id FROM backup_versions
      WHERE user_id = $1 AND status = 'uploading' AND parent_id IS NOT NULL`,
    [p.userId],
  );
  const pinned = inProgressParents.map((r) => r.parent_id);
  if (p.justCompleted) pinned.push(p.justCompleted);
  const doomed = versionsToDelete(
    complete.map((v) => ({ id: v.id, parentId: v.parentId, completedAt: v.completedAt!.getTime() })),
    p.policy,
    p.now,
    pinned,
  );
  await deleteVersions(q, p.userId, doomed);
  return { pruned: doomed.length, staleUploads: stale.length };
}
