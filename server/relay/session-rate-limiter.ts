import type { RateDecision, RateLimiter, RateRule } from '../rate-limit/rate-limiter.js';

export interface RateLimit {
  /** The sustained rate a session may send at. */
  perSecond: number;
  /** How many requests a session may send at once. */
  burst: number;
}

export interface SessionRateLimiter {
  take(sessionId: string): Promise<RateDecision>;
}

/**
 * The relay's budget as a fixed window in the shared limiter: `burst` requests per window of
 * burst / perSecond seconds (at least 1 s), which averages to `perSecond` and lets a burst through at
 * once, as ccxt sends them when it loads markets and balances together. Counted in PostgreSQL, so the
 * budget holds across every server process a session's requests land on.
 */
export function relayRateRule(limit: RateLimit): RateRule {
  if (!(limit.perSecond > 0) || !(Number.isInteger(limit.burst) && limit.burst >= 1))
    throw new Error('Relay rate limit needs perSecond > 0 and a whole burst >= 1');
  const windowMs = Math.max(1000, Math.round((limit.burst / limit.perSecond) * 1000));
  return { bucket: 'relay', limit: limit.burst, windowMs };
}

/** One budget per session, in the shared limiter under the bucket 'relay'. */
export function createSessionRateLimiter(limiter: RateLimiter, limit: RateLimit): SessionRateLimiter {
  const rule = relayRateRule(limit);
  return { take: (sessionId) => limiter.hit(rule, sessionId) };
}
