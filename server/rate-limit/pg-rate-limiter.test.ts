import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import { openTestDb, testDatabaseUrl } from '../db/test-support.js';
import { createPgRateLimiter } from './pg-rate-limiter.js';
import type { RateRule } from './rate-limiter.js';

describe(`PostgreSQL rate limiter (${testDatabaseUrl() ? 'PostgreSQL' : 'PGlite'})`, () => {
  let db: Db;
  let cleanup: () => Promise<void>;
  let t = Date.UTC(2026, 0, 5, 12);
  const clock = () => t;
  const rule: RateRule = { bucket: 'test', limit: 3, windowMs: 60_000 };

  beforeAll(async () => {
    ({ db, cleanup } = await openTestDb());
    await migrate(db);
  });
  afterAll(() => cleanup());
  beforeEach(async () => {
    // Each test starts on a window boundary, so it knows exactly how much of the window is left.
    t = (Math.floor(t / 3_600_000) + 1) * 3_600_000;
    await db.query('DELETE FROM rate_limits');
  });

  it('allows the limit, then refuses with the seconds left in the window', async () => {
    const limiter = createPgRateLimiter(db, { now: clock });
    for (let i = 0; i < 3; i++) expect(await limiter.hit(rule, 'a')).toEqual({ allowed: true });
    t += 15_500;
    expect(await limiter.hit(rule, 'a')).toEqual({ allowed: false, retryAfterSeconds: 45 });
    t += 44_000;
    expect(await limiter.hit(rule, 'a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('starts a new window with a fresh count', async () => {
    const limiter = createPgRateLimiter(db, { now: clock });
    for (let i = 0; i < 4; i++) await limiter.hit(rule, 'a');
    expect((await limiter.hit(rule, 'a')).allowed).toBe(false);
    t += 60_000;
    expect(await limiter.hit(rule, 'a')).toEqual({ allowed: true });
  });

  it('counts each key and each bucket on its own', async () => {
    const limiter = createPgRateLimiter(db, { now: clock });
    const one = { ...rule, limit: 1 };
    expect((await limiter.hit(one, 'a')).allowed).toBe(true);
    expect((await limiter.hit(one, 'a')).allowed).toBe(false);
    expect((await limiter.hit(one, 'b')).allowed).toBe(true);
    expect((await limiter.hit({ ...one, bucket: 'other' }, 'a')).allowed).toBe(true);
  });

  it('shares counts between limiters on the same database, as separate processes would', async () => {
    const first = createPgRateLimiter(db, { now: clock });
    const second = createPgRateLimiter(db, { now: clock });
    expect((await first.hit(rule, 'shared')).allowed).toBe(true);
    expect((await second.hit(rule, 'shared')).allowed).toBe(true);
    expect((await first.hit(rule, 'shared')).allowed).toBe(true);
    expect((await second.hit(rule, 'shared')).allowed).toBe(false);
  });

  it('counts concurrent hits exactly', async () => {
    const limiters = [createPgRateLimiter(db, { now: clock }), createPgRateLimiter(db, { now: clock })];
    const wide = { ...rule, limit: 25 };
    const decisions = await Promise.all(
      Array.from({ length: 60 }, (_, i) => limiters[i % 2]!.hit(wide, 'burst')),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(25);
    const rows = await db.query<{ count: number }>('SELECT count FROM rate_limits');
    expect(rows.map((r) => Number(r.count))).toEqual([60]);
  });

  it('stores keys as fixed-length hashes, whatever they contain', async () => {
    const limiter = createPgRateLimiter(db, { now: clock });
    const odd = `'; DROP TABLE rate_limits; --\u0000${'x'.repeat(10_000)}`;
    expect((await limiter.hit(rule, odd)).allowed).toBe(true);
    expect((await limiter.hit(rule, odd.slice(0, -1))).allowed).toBe(true);
    const rows = await db.query<{ key: string }>('SELECT key FROM rate_limits ORDER BY key');
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r.key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('sweeps finished windows now and then', async () => {
    const limiter = createPgRateLimiter(db, { now: clock, sweepEveryMs: 120_000 });
    await limiter.hit(rule, 'old');
    t += 60_000;
    await limiter.hit(rule, 'recent');
    expect(await db.query('SELECT 1 FROM rate_limits')).toHaveLength(2);
    t += 60_000;
    await limiter.hit(rule, 'now');
    const keys = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM rate_limits');
    expect(keys[0]?.n).toBe(1);
  });

  it('refuses a malformed rule with a message that says what to fix', async () => {
    const limiter = createPgRateLimiter(db, { now: clock });
    await expect(limiter.hit({ ...rule, bucket: 'Has Spaces' }, 'a')).rejects.toThrow(/a-z, 0-9/);
    await expect(limiter.hit({ ...rule, limit: 0 }, 'a')).rejects.toThrow(/limit >= 1/);
    await expect(limiter.hit({ ...rule, windowMs: 10 }, 'a')).rejects.toThrow(/at least 1 s/);
  });
});
