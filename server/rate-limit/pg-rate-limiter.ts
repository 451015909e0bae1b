import { createHash } from 'node:crypto';
import type { Db } from '../db/db.js';
import type { RateDecision, RateLimiter, RateRule } from './rate-limiter.js';

export interface PgRateLimiterOptions {
  /** The clock windows are counted by (tests move it forward). */
  now?: () => number;
  /** How often this process deletes finished windows; default once a minute. */
  sweepEveryMs?: number;
}

const bucketPattern = /^[a-z0-9_-]{1,32}$/;

/**
 * Fixed windows aligned to the epoch, so every process agrees on where a window starts, counted in the
 * rate_limits table (migration 003). One upsert per hit is atomic on PostgreSQL: concurrent hits from
 * any number of processes each get their own count, and no lost update can let a request through.
 */
export function createPgRateLimiter(db: Db, options: PgRateLimiterOptions = {}): RateLimiter {
  const now = options.now ?? Date.now;
  const sweepEveryMs = options.sweepEveryMs ?? 60_000;
  let nextSweep = now() + sweepEveryMs;

  // Awaited by the hit that triggers it: a sweep is rare and indexed, and a background query could
  // outlive a database being closed.
  const sweep = async (t: number): Promise<void> => {
    if (t < nextSweep) return;
    nextSweep = t + sweepEveryMs;
    await db.query('DELETE FROM rate_limits WHERE expires_at <= $1', [new Date(t).toISOString()]);
  };

  return {
    async hit(rule: RateRule, key: string): Promise<RateDecision> {
      if (!bucketPattern.test(rule.bucket)) {
        throw new Error(`Rate limit bucket "${rule.bucket}" must be 1-32 of a-z, 0-9, _ and -`);
      }
      if (!(Number.isInteger(rule.limit) && rule.limit >= 1) || !(rule.windowMs >= 1000)) {
        throw new Error(`Rate limit "${rule.bucket}" needs a whole limit >= 1 and a window of at least 1 s`);
      }
      const t = now();
      await sweep(t);
      const start = Math.floor(t / rule.windowMs) * rule.windowMs;
      const end = start + rule.windowMs;
      const rows = await db.query<{ count: number }>(
        `INSERT INTO rate_limits (bucket, key, window_start, expires_at, count) VALUES ($1, $2, $3, $4, 1)
         ON CONFLICT (bucket, key, window_start) DO UPDATE SET count = rate_limits.count + 1
         RETURNING count`,
        [rule.bucket, hashKey(key), new Date(start).toISOString(), new Date(end).toISOString()],
      );
      const count = Number(rows[0]?.count);
      if (count <= rule.limit) return { allowed: true };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((end - t) / 1000)) };
    },
  };
}

/** Keys may be anything a caller counts by; the table only ever holds a fixed-length digest. */
function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
