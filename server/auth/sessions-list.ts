import type { Queryable } from '../db/db.js';

export interface SessionSummary {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string;
  passkeyName: string | null;
  current: boolean;
}

export async function listSessions(
  db: Queryable,
  params: { userId: string; currentSessionId: string; now: number; idleMs: number },
): Promise<SessionSummary[]> {
  const rows = await db.query<{
    id: string;
    created_at: Date;
    last_seen_at: Date;
    expires_at: Date;
    user_agent: string;
    passkey_name: string | null;
  }>(
    `SELECT s.id, s.created_at, s.last_seen_at, s.expires_at, s.user_agent, p.name AS passkey_name
       FROM sessions s LEFT JOIN passkeys p ON p.id = s.passkey_id
      WHERE s.user_id = $1 AND s.expires_at > $2 AND s.last_seen_at > $3
      ORDER BY s.last_seen_at DESC, s.id`,
    [params.userId, new Date(params.now), new Date(params.now - params.idleMs)],
  );
  return rows.map((r) => ({
    id: r.id,
    createdAt: new Date(r.created_at).toISOString(),
    lastSeenAt: new Date(r.last_seen_at).toISOString(),
    expiresAt: new Date(r.expires_at).toISOString(),
    userAgent: r.user_agent,
    passkeyName: r.passkey_name,
    current: r.id === params.currentSessionId,
  }));
}

export async function endSession(db: Queryable, userId: string, sessionId: string): Promise<boolean> {
  const rows = await db.query('DELETE FROM sessions WHERE id = $1 AND user_id = $2 RETURNING id', [
    sessionId,
    userId,
  ]);
  return rows.length > 0;
}
