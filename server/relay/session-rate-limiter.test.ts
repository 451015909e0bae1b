import { describe, expect, it } from 'vitest';
import { createSessionRateLimiter } from './session-rate-limiter.js';

describe('createSessionRateLimiter', () => {
  it('lets a burst through, then refuses with the wait until the next token', () => {
    let now = 0;
    const limiter = createSessionRateLimiter({ perSecond: 2, burst: 3 }, () => now);
    for (let i = 0; i < 3; i++) expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 500; // one token at 2 per second
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toMatchObject({ allowed: false });
  });

  it('keeps one budget per session', () => {
    const limiter = createSessionRateLimiter({ perSecond: 1, burst: 1 }, () => 0);
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toMatchObject({ allowed: false });
    expect(limiter.take('b')).toEqual({ allowed: true });
  });

  it('never refills beyond the burst', () => {
    let now = 0;
    const limiter = createSessionRateLimiter({ perSecond: 10, burst: 2 }, () => now);
    now += 60_000;
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
  });

  it('rounds a slow refill up to whole seconds for Retry-After', () => {
    const limiter = createSessionRateLimiter({ perSecond: 0.25, burst: 1 }, () => 0);
    limiter.take('a');
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 4 });
  });
});
