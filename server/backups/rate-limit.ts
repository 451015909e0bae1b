import type { MiddlewareHandler } from 'hono';
import { errorResponse } from '../auth/errors.js';
import type { SessionEnv } from '../auth/session.js';
import type { RateLimiter, RateRule } from '../rate-limit/rate-limiter.js';

// A 1 GiB backup in 4 MiB chunks is 256 requests: a minute's allowance covers a big upload or restore.
export const backupsRateRule: RateRule = { bucket: 'backups', limit: 600, windowMs: 60_000 };

/** Counts every request of a session (set by requireOwner before this runs) against `rule`. */
export function limitPerSession(
  limiter: RateLimiter,
  rule: RateRule,
  onRefused: () => void,
): MiddlewareHandler<SessionEnv> {
  return async (c, next) => {
    const decision = await limiter.hit(rule, c.var.session.sessionId);
    if (!decision.allowed) {
      onRefused();
      c.header('retry-after', String(decision.retryAfterSeconds));
      return errorResponse(
        c,
        429,
        'rate-limited',
        `Too many backup requests from this session; wait ${decision.retryAfterSeconds} s and try again.`,
      );
    }
    await next();
  };
}
