import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, base64url: session and invite tokens. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A short random id for rows that are shown and named in URLs (not a secret). */
export function randomId(): string {
  return randomBytes(12).toString('base64url');
}

/** Tokens are stored only as this hash, so a copy of the database cannot sign anyone in. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
