export interface RateLimit {
  perSecond: number;
  burst: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface SessionRateLimiter {
  take(sessionId: string): RateDecision;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

// Buckets that have refilled hold no information; past this many sessions they are dropped.
const sweepAbove = 10_000;

/** A token bucket per session: `burst` requests at once, refilled at `perSecond`. */
export function createSessionRateLimiter(
  limit: RateLimit,
  nowMs: () => number = () => performance.now(),
): SessionRateLimiter {
  if (!(limit.perSecond > 0) || !(limit.burst >= 1))
    throw new Error('Relay rate limit needs perSecond > 0 and burst >= 1');
  const buckets = new Map<string, Bucket>();

  const refill = (bucket: Bucket, now: number): void => {
    const elapsedSeconds = Math.max(0, now - bucket.updatedAt) / 1000;
    bucket.tokens = Math.min(limit.burst, bucket.tokens + elapsedSeconds * limit.perSecond);
    bucket.updatedAt = now;
  };

  const sweep = (now: number): void => {
    for (const [id, bucket] of buckets) {
      refill(bucket, now);
      if (bucket.tokens >= limit.burst) buckets.delete(id);
    }
  };

  return {
    take(sessionId) {
      const now = nowMs();
      let bucket = buckets.get(sessionId);
      if (!bucket) {
        if (buckets.size >= sweepAbove) sweep(now);
        bucket = { tokens: limit.burst, updatedAt: now };
        buckets.set(sessionId, bucket);
      }
      refill(bucket, now);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true };
      }
      const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond));
      return { allowed: false, retryAfterSeconds };
    },
  };
}
