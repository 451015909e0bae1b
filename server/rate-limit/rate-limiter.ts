/**
 * A rate limiter whose counters live where every server process can see them (PostgreSQL), so a limit
 * holds across several processes behind one load balancer.
 */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateRule {
  /** Names the counter family, e.g. 'auth', 'relay', 'backups'. */
  bucket: string;
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
}

export interface RateLimiter {
  /** Counts one request by `key` (a session id, an address) against `rule`. */
  hit(rule: RateRule, key: string): Promise<RateDecision>;
}
