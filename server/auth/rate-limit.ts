import type { Context, MiddlewareHandler } from 'hono';
import { errorResponse } from './errors.js';

export interface RateLimitOptions {
  limit: number;
  windowMs: number;
  now?: () => number;
  /** Who is counted; the socket's address by default (forwarded headers are spoofable). */
  key?: (c: Context) => string;
}

function remoteAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'local';
}

/** A fixed-window counter per client: enough to stop guessing and flooding of the auth endpoints. */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler {
  const now = options.now ?? Date.now;
  const key = options.key ?? remoteAddress;
  const windows = new Map<string, { start: number; count: number }>();
  return async (c, next) => {
    const t = now();
    // Forget finished windows now and then so the map cannot grow without bound.
    if (windows.size > 10_000) {
      for (const [k, w] of windows) if (t - w.start >= options.windowMs) windows.delete(k);
    }
    const k = key(c);
    let w = windows.get(k);
    if (!w || t - w.start >= options.windowMs) {
      w = { start: t, count: 0 };
      windows.set(k, w);
    }
    w.count += 1;
    if (w.count > options.limit) {
      const retryAfter = Math.ceil((w.start + options.windowMs - t) / 1000);
      c.header('retry-after', String(retryAfter));
      return errorResponse(
        c,
        429,
        'rate-limited',
        `Too many sign-in requests from this address. Try again in ${retryAfter} s.`,
      );
    }
    await next();
  };
}
