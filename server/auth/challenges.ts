import type { Queryable } from '../db/db.js';
import { AuthError } from './errors.js';

export type ChallengePurpose = 'register' | 'sign-in' | 'add-passkey';

export const challengeTtlMs = 5 * 60_000;

export interface ChallengeContext {
  userId?: string;
  displayName?: string;
  webauthnUserId?: string;
  inviteId?: string;
}

interface ChallengeRow {
  challenge: string;
  purpose: ChallengePurpose;
  user_id: string | null;
  display_name: string | null;
  webauthn_user_id: string | null;
  invite_id: string | null;
  expires_at: Date;
  used_at: Date | null;
}

export async function storeChallenge(
  db: Queryable,
  challenge: string,
  purpose: ChallengePurpose,
  context: ChallengeContext,
  now: number,
): Promise<void> {
  // Old rows are kept an hour past expiry so a late replay is still told "already used", then dropped.
  await db.query('DELETE FROM auth_challenges WHERE expires_at < $1', [new Date(now - 3_600_000)]);
  await db.query(
    `INSERT INTO auth_challenges
       (challenge, purpose, user_id, display_name, webauthn_user_id, invite_id, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      challenge,
      purpose,
      context.userId ?? null,
      context.displayName ?? null,
      context.webauthnUserId ?? null,
      context.inviteId ?? null,
      new Date(now),
      new Date(now + challengeTtlMs),
    ],
  );
}

/** The challenge a browser signed, read from its clientDataJSON (base64url JSON). */
export function challengeFromClientData(clientDataJSON: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as {
      challenge?: unknown;
    };
    if (typeof parsed.challenge === 'string' && parsed.challenge.length > 0) return parsed.challenge;
  } catch {
    // fall through to the error below
  }
  throw new AuthError(
    400,
    'invalid-client-data',
    'The passkey response has no readable challenge. Start again.',
  );
}

/**
 * Marks a challenge used in one statement, so two requests racing with the same response cannot both
 * pass; then explains a refusal precisely (unknown, replayed or expired).
 */
export async function consumeChallenge(
  db: Queryable,
  challenge: string,
  purpose: ChallengePurpose,
  now: number,
): Promise<ChallengeContext> {
  const [row] = await db.query<ChallengeRow>(
    `UPDATE auth_challenges SET used_at = $3
      WHERE challenge = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
      RETURNING *`,
    [challenge, purpose, new Date(now)],
  );
  if (row) {
    return {
      userId: row.user_id ?? undefined,
      displayName: row.display_name ?? undefined,
      webauthnUserId: row.webauthn_user_id ?? undefined,
      inviteId: row.invite_id ?? undefined,
    };
  }
  const [existing] = await db.query<ChallengeRow>(
    'SELECT * FROM auth_challenges WHERE challenge = $1 AND purpose = $2',
    [challenge, purpose],
  );
  if (!existing) {
    throw new AuthError(
      400,
      'challenge-unknown',
      'This passkey request was not issued by this server. Start again.',
    );
  }
  if (existing.used_at) {
    throw new AuthError(
      400,
      'challenge-used',
      'This passkey request was already used; each one works once. Start again.',
    );
  }
  throw new AuthError(
    400,
    'challenge-expired',
    'This passkey request expired (they last 5 minutes). Start again.',
  );
}
