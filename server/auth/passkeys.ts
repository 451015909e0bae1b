import type { Queryable } from '../db/db.js';
import { AuthError } from './errors.js';

export interface PasskeyRecord {
  id: string;
  userId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  backedUp: boolean;
  prfEnabled: boolean;
}

export interface PasskeySummary {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  backedUp: boolean;
  prfEnabled: boolean;
}

interface PasskeyRow {
  id: string;
  user_id: string;
  public_key: string;
  counter: string | number;
  transports: string[];
  backed_up: boolean;
  prf_enabled: boolean;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export async function insertPasskey(
  tx: Queryable,
  p: PasskeyRecord & { deviceType: string; name: string; createdAt: number },
): Promise<void> {
  const [clash] = await tx.query('SELECT 1 FROM passkeys WHERE id = $1', [p.id]);
  if (clash) {
    throw new AuthError(
      409,
      'passkey-exists',
      'This passkey is already registered. Sign in with it instead.',
    );
  }
  await tx.query(
    `INSERT INTO passkeys (id, user_id, public_key, counter, transports, device_type, backed_up, prf_enabled, name, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      p.id,
      p.userId,
      p.publicKey,
      p.counter,
      p.transports,
      p.deviceType,
      p.backedUp,
      p.prfEnabled,
      p.name,
      new Date(p.createdAt),
    ],
  );
}

export async function findPasskey(db: Queryable, id: string): Promise<PasskeyRecord | null> {
  const [row] = await db.query<PasskeyRow>('SELECT * FROM passkeys WHERE id = $1', [id]);
  if (!row) return null;
  return {
    id: row.id,
    userId: row.user_id,
    publicKey: row.public_key,
    counter: Number(row.counter),
    transports: row.transports ?? [],
    backedUp: row.backed_up,
    prfEnabled: row.prf_enabled,
  };
}

export async function listPasskeys(db: Queryable, userId: string): Promise<PasskeySummary[]> {
  const rows = await db.query<PasskeyRow>(
    'SELECT * FROM passkeys WHERE user_id = $1 ORDER BY created_at, id',
    [userId],
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    createdAt: iso(r.created_at)!,
    lastUsedAt: iso(r.last_used_at),
    backedUp: r.backed_up,
    prfEnabled: r.prf_enabled,
  }));
}

export async function renamePasskey(db: Queryable, userId: string, id: string, name: string): Promise<void> {
  const rows = await db.query('UPDATE passkeys SET name = $3 WHERE id = $1 AND user_id = $2 RETURNING id', [
    id,
    userId,
    name,
  ]);
  if (rows.length === 0) throw notFound();
}

/**
 * Removes a passkey and ends the sessions it signed in (a lost device must lose access too). The last
 * passkey stays: without it the account could never be signed in to again.
 */
export async function revokePasskey(tx: Queryable, userId: string, id: string): Promise<void> {
  // Lock the user's passkeys so two concurrent revocations cannot remove the last two together.
  const rows = await tx.query<{ id: string }>('SELECT id FROM passkeys WHERE user_id = $1 FOR UPDATE', [
    userId,
  ]);
  if (!rows.some((r) => r.id === id)) throw notFound();
  if (rows.length === 1) {
    throw new AuthError(
      409,
      'last-passkey',
      'This is your only passkey, so it cannot be revoked: you would lose access to the account. Add another passkey first.',
    );
  }
  await tx.query('DELETE FROM sessions WHERE passkey_id = $1', [id]);
  await tx.query('DELETE FROM passkeys WHERE id = $1', [id]);
}

export async function recordPasskeyUse(
  db: Queryable,
  id: string,
  counter: number,
  backedUp: boolean,
  now: number,
): Promise<void> {
  await db.query('UPDATE passkeys SET counter = $2, backed_up = $3, last_used_at = $4 WHERE id = $1', [
    id,
    counter,
    backedUp,
    new Date(now),
  ]);
}

function notFound(): AuthError {
  return new AuthError(404, 'passkey-not-found', 'No passkey with that id on your account. Reload the list.');
}
