import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import { openTestDb } from '../db/test-support.js';
import { createPgRateLimiter } from '../rate-limit/pg-rate-limiter.js';
import { createSessionRateLimiter, relayRateRule } from './session-rate-limiter.js';

describe('relayRateRule', () => {
  it('turns a rate and a burst into a window that averages to the rate', () => {
    expect(relayRateRule({ perSecond: 10, burst: 20 })).toEqual({
      bucket: 'relay',
      limit: 20,
      windowMs: 2000,
    });
    expect(relayRateRule({ perSecond: 0.25, burst: 1 })).toEqual({
      bucket: 'relay',
      limit: 1,
      windowMs: 4000,
    });
    // Retry-After counts whole seconds, so no window is shorter than one.
    expect(relayRateRule({ perSecond: 50, burst: 5 }).windowMs).toBe(1000);
  });

  it('refuses a rate that could never let a request through', () => {
    expect(() => relayRateRule({ perSecond: 0, burst: 1 })).toThrow(/perSecond > 0/);
    expect(() => relayRateRule({ perSecond: 1, burst: 0.5 })).toThrow(/burst >= 1/);
  });
});

describe('createSessionRateLimiter', () => {
  let db: Db;
  let cleanup: () => Promise<void>;
  let now = Date.UTC(2026, 0, 5, 12);
  // Each test starts on a fresh hour: a window boundary for every window length used here.
  const nextHour = () => (now = (Math.floor(now / 3_600_000) + 1) * 3_600_000);
  beforeAll(async () => {
    ({ db, cleanup } = await openTestDb());
    await migrate(db);
  });
  afterAll(() => cleanup());
  const limiter = (limit: { perSecond: number; burst: number }) =>
    createSessionRateLimiter(createPgRateLimiter(db, { now: () => now }), limit);

  it('lets a burst through, then refuses until the window ends', async () => {
    nextHour();
    const relay = limiter({ perSecond: 2, burst: 3 }); // 3 per 1.5 s
    for (let i = 0; i < 3; i++) expect(await relay.take('a')).toEqual({ allowed: true });
    expect(await relay.take('a')).toEqual({ allowed: false, retryAfterSeconds: 2 });
    now += 1000;
    expect(await relay.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 500;
    expect(await relay.take('a')).toEqual({ allowed: true });
  });

  it('keeps one budget per session', async () => {
    nextHour();
    const relay = limiter({ perSecond: 1, burst: 1 });
    expect(await relay.take('a')).toEqual({ allowed: true });
    expect(await relay.take('a')).toMatchObject({ allowed: false });
    expect(await relay.take('b')).toEqual({ allowed: true });
  });

  it('shares a session budget between server processes', async () => {
    nextHour();
    const first = limiter({ perSecond: 1, burst: 2 });
    const second = limiter({ perSecond: 1, burst: 2 });
    expect((await first.take('s')).allowed).toBe(true);
    expect((await second.take('s')).allowed).toBe(true);
    expect((await first.take('s')).allowed).toBe(false);
    expect((await second.take('s')).allowed).toBe(false);
  });

  it('rounds a slow window up to whole seconds for Retry-After', async () => {
    nextHour();
    const relay = limiter({ perSecond: 0.25, burst: 1 });
    await relay.take('a');
    expect(await relay.take('a')).toEqual({ allowed: false, retryAfterSeconds: 4 });
  });
});
