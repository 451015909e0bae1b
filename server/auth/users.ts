import type { Queryable } from '../db/db.js';
import type { Role } from './session.js';
import { randomId } from './tokens.js';

export interface UserRecord {
  id: string;
  workspaceId: string;
  role: Role;
  displayName: string;
  webauthnUserId: string;
  createdAt: string;
}

interface UserRow {
  id: string;
  workspace_id: string;
  role: Role;
  display_name: string;
  webauthn_user_id: string;
  created_at: Date;
}

const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  workspaceId: r.workspace_id,
  role: r.role,
  displayName: r.display_name,
  webauthnUserId: r.webauthn_user_id,
  createdAt: new Date(r.created_at).toISOString(),
});

export async function findUser(db: Queryable, id: string): Promise<UserRecord | null> {
  const [row] = await db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
  return row ? toUser(row) : null;
}

/** A new owner gets a workspace of their own; a viewer joins the workspace that invited them. */
export async function createUser(
  tx: Queryable,
  params: { displayName: string; webauthnUserId: string; role: Role; workspaceId?: string; now: number },
): Promise<UserRecord> {
  const created = new Date(params.now);
  let workspaceId = params.workspaceId;
  if (!workspaceId) {
    workspaceId = randomId();
    await tx.query('INSERT INTO workspaces (id, created_at) VALUES ($1, $2)', [workspaceId, created]);
  }
  const [row] = await tx.query<UserRow>(
    `INSERT INTO users (id, workspace_id, role, display_name, webauthn_user_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
    [randomId(), workspaceId, params.role, params.displayName, params.webauthnUserId, created],
  );
  return toUser(row!);
}

export async function workspaceOwnerName(db: Queryable, workspaceId: string): Promise<string | null> {
  const [row] = await db.query<{ display_name: string }>(
    `SELECT display_name FROM users WHERE workspace_id = $1 AND role = 'owner' ORDER BY created_at LIMIT 1`,
    [workspaceId],
  );
  return row?.display_name ?? null;
}

export interface ViewerSummary {
  id: string;
  displayName: string;
  createdAt: string;
  lastSeenAt: string | null;
}

export async function listViewers(db: Queryable, workspaceId: string): Promise<ViewerSummary[]> {
  const rows = await db.query<{
    id: string;
    display_name: string;
    created_at: Date;
    last_seen_at: Date | null;
  }>(
    `SELECT u.id, u.display_name, u.created_at, max(s.last_seen_at) AS last_seen_at
       FROM users u LEFT JOIN sessions s ON s.user_id = u.id
      WHERE u.workspace_id = $1 AND u.role = 'viewer'
      GROUP BY u.id, u.display_name, u.created_at
      ORDER BY u.created_at, u.id`,
    [workspaceId],
  );
  return rows.map((r) => ({
    id: r.id,
    displayName: r.display_name,
    createdAt: new Date(r.created_at).toISOString(),
    lastSeenAt: r.last_seen_at ? new Date(r.last_seen_at).toISOString() : null,
  }));
}

/** Removes a viewer with their passkeys and sessions; owners are never removed this way. */
export async function removeViewer(db: Queryable, workspaceId: string, viewerId: string): Promise<boolean> {
  const rows = await db.query(
    `DELETE FROM users WHERE id = $1 AND workspace_id = $2 AND role = 'viewer' RETURNING id`,
    [viewerId, workspaceId],
  );
  return rows.length > 0;
}
