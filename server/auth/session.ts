import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Db, Queryable } from '../db/db.js';
import { errorResponse } from './errors.js';
import { hashToken, randomId, randomToken } from './tokens.js';
import { summarizeUserAgent } from './user-agent.js';

export type Role = 'owner' | 'viewer';

/** Who is calling: what other server modules (relay, backups) need to authorise a request. */
export interface SessionInfo {
  sessionId: string;
  userId: string;
  workspaceId: string;
  role: Role;
}

/** What the auth routes also need about the current session. */
export interface SessionDetails extends SessionInfo {
  passkeyId: string | null;
}

export interface SessionPolicy {
  /** A session unused for this long ends. */
  idleMs: number;
  /** A session ends this long after sign-in, used or not. */
  maxMs: number;
  now: () => number;
}

export type SessionResolver = (c: Context) => Promise<SessionInfo | null>;

/** Hono variables set by requireSession. */
export interface SessionEnv {
  Variables: { session: SessionInfo };
}

export const sessionCookieName = 'lyra_session';
const touchEveryMs = 60_000;

export const defaultSessionPolicy: SessionPolicy = {
  idleMs: 7 * 24 * 3_600_000,
  maxMs: 30 * 24 * 3_600_000,
  now: Date.now,
};

interface SessionRow {
  id: string;
  user_id: string;
  passkey_id: string | null;
  workspace_id: string;
  role: Role;
  last_seen_at: Date;
  expires_at: Date;
}

export async function lookupSession(
  db: Db,
  c: Context,
  policy: SessionPolicy = defaultSessionPolicy,
): Promise<SessionDetails | null> {
  const token = getCookie(c, sessionCookieName);
  if (!token || token.length > 100) return null;
  const [row] = await db.query<SessionRow>(
    `SELECT s.id, s.user_id, s.passkey_id, s.last_seen_at, s.expires_at, u.workspace_id, u.role
       FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = $1`,
    [hashToken(token)],
  );
  if (!row) return null;
  const now = policy.now();
  const lastSeen = new Date(row.last_seen_at).getTime();
  if (now >= new Date(row.expires_at).getTime() || now - lastSeen >= policy.idleMs) {
    await db.query('DELETE FROM sessions WHERE id = $1', [row.id]);
    return null;
  }
  // Writing on every request would turn each read into a write; a minute's precision is plenty.
  if (now - lastSeen >= touchEveryMs) {
    await db.query('UPDATE sessions SET last_seen_at = $2 WHERE id = $1', [row.id, new Date(now)]);
  }
  return {
    sessionId: row.id,
    userId: row.user_id,
    workspaceId: row.workspace_id,
    role: row.role,
    passkeyId: row.passkey_id,
  };
}

/**
 * Reads the session cookie and answers who is signed in, or null. Expired sessions are deleted on sight.
 * Pass the same policy as the auth routes (createAuth exposes a ready resolver).
 */
export function createSessionResolver(db: Db, policy: Partial<SessionPolicy> = {}): SessionResolver {
  const full = { ...defaultSessionPolicy, ...policy };
  return async (c) => {
    const details = await lookupSession(db, c, full);
    if (!details) return null;
    const { sessionId, userId, workspaceId, role } = details;
    return { sessionId, userId, workspaceId, role };
  };
}

/**
 * Refuses requests without a session (401 signed-out) and, with role 'owner', viewers (403 read-only).
 * Sets `c.var.session` for the handlers after it.
 */
export function requireSession(
  resolve: SessionResolver,
  options: { role?: 'owner' } = {},
): MiddlewareHandler<SessionEnv> {
  return async (c, next) => {
    const session = await resolve(c);
    if (!session) {
      return errorResponse(
        c,
        401,
        'signed-out',
        'You are not signed in. Sign in with your passkey on the Account screen.',
      );
    }
    if (options.role === 'owner' && session.role !== 'owner') {
      return errorResponse(
        c,
        403,
        'read-only',
        'Your account is a read-only viewer: only the workspace owner can do this.',
      );
    }
    c.set('session', session);
    await next();
  };
}

/** The cookie is Secure whenever the page itself is served over https (directly or behind a proxy). */
function isSecureRequest(c: Context): boolean {
  const origin = c.req.header('origin');
  return new URL(c.req.url).protocol === 'https:' || (origin?.startsWith('https://') ?? false);
}

/** Creates a session after a successful ceremony and hands its token to the browser as a cookie. */
export async function startSession(
  tx: Queryable,
  c: Context,
  params: { userId: string; passkeyId: string; policy: SessionPolicy },
): Promise<string> {
  const token = randomToken();
  const id = randomId();
  const now = params.policy.now();
  await tx.query(
    `INSERT INTO sessions (id, token_hash, user_id, passkey_id, user_agent, created_at, last_seen_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`,
    [
      id,
      hashToken(token),
      params.userId,
      params.passkeyId,
      summarizeUserAgent(c.req.header('user-agent')),
      new Date(now),
      new Date(now + params.policy.maxMs),
    ],
  );
  setCookie(c, sessionCookieName, token, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: isSecureRequest(c),
    path: '/',
    maxAge: Math.floor(params.policy.maxMs / 1000),
  });
  return id;
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, sessionCookieName, {
    path: '/',
    secure: isSecureRequest(c),
    sameSite: 'Strict',
    httpOnly: true,
  });
}
