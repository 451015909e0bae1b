import type { Queryable } from '../db/db.js';
import { AuthError } from './errors.js';
import { hashToken, randomId, randomToken } from './tokens.js';

export const inviteTtlMs = 24 * 3_600_000;

export interface InviteSummary {
  id: string;
  createdAt: string;
  expiresAt: string;
}

interface InviteRow {
  id: string;
  workspace_id: string;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
}

/** Creates a one-time invite; the token is returned once and only its hash is kept. */
export async function createInvite(
  db: Queryable,
  params: { workspaceId: string; createdBy: string; now: number },
): Promise<InviteSummary & { token: string }> {
  const token = randomToken();
  const id = randomId();
  const createdAt = new Date(params.now);
  const expiresAt = new Date(params.now + inviteTtlMs);
  await db.query(
    `INSERT INTO invites (id, token_hash, workspace_id, created_by, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [id, hashToken(token), params.workspaceId, params.createdBy, createdAt, expiresAt],
  );
  return { id, token, createdAt: createdAt.toISOString(), expiresAt: expiresAt.toISOString() };
}

/** Finds a usable invite by its token, or says precisely why it cannot be used. */
export async function findUsableInvite(
  db: Queryable,
  token: string,
  now: number,
): Promise<{ id: string; workspaceId: string; expiresAt: string }> {
  const [row] = await db.query<InviteRow>('SELECT * FROM invites WHERE token_hash = $1', [hashToken(token)]);
  checkUsable(row, now);
  return { id: row!.id, workspaceId: row!.workspace_id, expiresAt: new Date(row!.expires_at).toISOString() };
}

/** Uses an invite up in one statement, so one invite can never make two viewers. */
export async function redeemInvite(tx: Queryable, inviteId: string, now: number): Promise<string> {
  const [row] = await tx.query<InviteRow>(
    `UPDATE invites SET used_at = $2 WHERE id = $1 AND used_at IS NULL AND expires_at > $2 RETURNING *`,
    [inviteId, new Date(now)],
  );
  if (row) return row.workspace_id;
  const [existing] = await tx.query<InviteRow>('SELECT * FROM invites WHERE id = $1', [inviteId]);
  checkUsable(existing, now);
  throw new AuthError(
    409,
    'invite-invalid',
    'This invite can no longer be used. Ask the owner for a new one.',
  );
}

export async function markInviteUsedBy(tx: Queryable, inviteId: string, userId: string): Promise<void> {
  await tx.query('UPDATE invites SET used_by = $2 WHERE id = $1', [inviteId, userId]);
}

export async function listPendingInvites(
  db: Queryable,
  workspaceId: string,
  now: number,
): Promise<InviteSummary[]> {
  const rows = await db.query<InviteRow>(
    `SELECT * FROM invites WHERE workspace_id = $1 AND used_at IS NULL AND expires_at > $2 ORDER BY created_at, id`,
    [workspaceId, new Date(now)],
  );
  return rows.map((r) => ({
    id: r.id,
    createdAt: new Date(r.created_at).toISOString(),
    expiresAt: new Date(r.expires_at).toISOString(),
  }));
}

export async function deleteInvite(db: Queryable, workspaceId: string, id: string): Promise<boolean> {
  const rows = await db.query('DELETE FROM invites WHERE id = $1 AND workspace_id = $2 RETURNING id', [
    id,
    workspaceId,
  ]);
  return rows.length > 0;
}

function checkUsable(row: InviteRow | undefined, now: number): void {
  if (!row) {
    throw new AuthError(
      404,
      'invite-unknown',
      'This invite link is not valid. Check that it was copied whole.',
    );
  }
  if (row.used_at) {
    throw new AuthError(410, 'invite-used', 'This invite was already used. Ask the owner for a new one.');
  }
  if (new Date(row.expires_at).getTime() <= now) {
    throw new AuthError(
      410,
      'invite-expired',
      'This invite has expired (they last 24 hours). Ask the owner for a new one.',
    );
  }
}
