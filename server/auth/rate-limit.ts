import type { Context, MiddlewareHandler } from 'hono';
import type { RateLimiter, RateRule } from '../rate-limit/rate-limiter.js';
import { errorResponse } from './errors.js';

export interface RateLimitOptions {
  /** Who is counted; the socket's address by default (forwarded headers are spoofable). */
  key?: (c: Context) => string;
}

function remoteAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'local';
}

/**
 * Counts requests per client against `rule` in the shared limiter (PostgreSQL), so the limit holds
 * however many server processes answer: enough to stop guessing and flooding of the auth endpoints.
 */
export function rateLimit(
  limiter: RateLimiter,
  rule: RateRule,
  options: RateLimitOptions = {},
): MiddlewareHandler {
  const key = options.key ?? remoteAddress;
  return async (c, next) => {
    const decision = await limiter.hit(rule, key(c));
    if (!decision.allowed) {
      c.header('retry-after', String(decision.retryAfterSeconds));
      return errorResponse(
        c,
        429,
        'rate-limited',
        `Too many sign-in requests from this address. Try again in ${decision.retryAfterSeconds} s.`,
      );
    }
    await next();
  };
}
