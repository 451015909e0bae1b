import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../db/test-support.js';
import {
  buildApp,
  Client,
  errorCode,
  expectStatus,
  json,
  randomId,
  rootHashOf,
  sha256Hex,
  useBackupStore,
} from './test-support.js';

const day = 86_400_000;

// The same tests run on PGlite (project unit) and on a real PostgreSQL (project postgres).
describe(`backup versions, retention and keys (${testDatabaseUrl() ? 'PostgreSQL' : 'PGlite'})`, () => {
  const s = useBackupStore();

  it("keeps one user's backups away from another", async () => {
    const chunks = [randomBytes(64)];
    const mine = await s.me.backup({ chunks });
    const uploading = randomId();
    await expectStatus(s.me.start({ id: uploading }), 201);

    expect(await json(s.other.request('GET', '/backups'))).toMatchObject({
      versions: [],
      usage: { usedBytes: 0 },
    });
    expect(await errorCode(s.other.request('GET', `/backups/${mine}/chunks/0`))).toBe('version-unknown');
    expect(await errorCode(s.other.request('DELETE', `/backups/${mine}`))).toBe('version-unknown');
    expect(await errorCode(s.other.request('GET', `/backups/uploads/${uploading}`))).toBe('upload-unknown');
    expect(await errorCode(s.other.putChunk(uploading, 0, chunks[0]!))).toBe('upload-unknown');
    expect(await errorCode(s.other.complete(uploading, []))).toBe('upload-unknown');
    expect(await errorCode(s.other.request('DELETE', `/backups/uploads/${uploading}`))).toBe(
      'upload-unknown',
    );
    // Taking over the id answers as if it were finished: it says nothing about whose it is.
    for (const id of [mine, uploading]) {
      const r = await s.other.start({ id });
      expect(r.status).toBe(409);
      expect(await errorCode(r)).toBe('already-complete');
    }
    expect(await errorCode(s.other.start({ id: randomId(), kind: 'incremental', parentId: mine }))).toBe(
      'parent-unknown',
    );
    // Mine are untouched.
    expect(await json(s.me.request('GET', '/backups'))).toMatchObject({ versions: [{ id: mine }] });
    expect(await json(s.me.request('GET', `/backups/uploads/${uploading}`))).toMatchObject({ received: [] });
  });

  it('needs a complete parent of this user for an incremental, and none for a full backup', async () => {
    const r = await s.me.start({ id: randomId(), kind: 'incremental', parentId: randomId() });
    expect(r.status).toBe(400);
    const error = (await json<{ error: { code: string; message: string } }>(r)).error;
    expect(error.code).toBe('parent-unknown');
    expect(error.message).toContain(
      'the version this backup builds on is gone (pruned or deleted); make a full backup',
    );
    const unfinished = randomId();
    await expectStatus(s.me.start({ id: unfinished }), 201);
    expect(await errorCode(s.me.start({ id: randomId(), kind: 'incremental', parentId: unfinished }))).toBe(
      'parent-unknown',
    );
    expect(await errorCode(s.me.start({ id: randomId(), kind: 'incremental', parentId: null }))).toBe(
      'parent-required',
    );
    expect(await errorCode(s.me.start({ id: randomId(), kind: 'full', parentId: unfinished }))).toBe(
      'parent-not-allowed',
    );
    const full = await s.me.backup({ chunks: [randomBytes(8)] });
    s.t.clock.now += 1000;
    const inc = await s.me.backup({ kind: 'incremental', parentId: full, chunks: [randomBytes(8)] });
    expect(await json(s.me.request('GET', '/backups'))).toMatchObject({
      versions: [
        { id: inc, kind: 'incremental', parentId: full },
        { id: full, kind: 'full', parentId: null },
      ],
    });
  });

  it('deletes a version with its dependents only when asked to', async () => {
    const full = await s.me.backup({ chunks: [randomBytes(8)] });
    s.t.clock.now += 1000;
    const inc1 = await s.me.backup({ kind: 'incremental', parentId: full, chunks: [randomBytes(8)] });
    s.t.clock.now += 1000;
    const inc2 = await s.me.backup({ kind: 'incremental', parentId: inc1, chunks: [randomBytes(8)] });
    s.t.clock.now += 1000;
    const unrelated = await s.me.backup({ chunks: [randomBytes(8)] });

    const refused = await s.me.request('DELETE', `/backups/${full}`);
    expect(refused.status).toBe(409);
    expect((await json<{ error: { code: string; message: string } }>(refused)).error).toEqual({
      code: 'has-dependents',
      message: '2 later versions build on this one; delete them first or pass ?withDependents=1.',
    });
    expect(await errorCode(s.me.request('DELETE', `/backups/${full}?withDependents=yes`))).toBe(
      'invalid-param',
    );
    await expectStatus(s.me.request('DELETE', `/backups/${inc2}`), 204);
    await expectStatus(s.me.request('DELETE', `/backups/${full}?withDependents=1`), 204);
    const left = await json<{ versions: { id: string }[] }>(s.me.request('GET', '/backups'));
    expect(left.versions.map((v) => v.id)).toEqual([unrelated]);
    const chunkRows = await s.db.query('SELECT 1 FROM backup_chunks WHERE version_id = ANY($1::text[])', [
      [full, inc1, inc2],
    ]);
    expect(chunkRows).toHaveLength(0);
    expect(await errorCode(s.me.request('DELETE', `/backups/${full}`))).toBe('version-unknown');
  });

  it('abandons an upload, but not a finished version', async () => {
    const id = randomId();
    await expectStatus(s.me.start({ id, plannedBytes: 1000 }), 201);
    await expectStatus(s.me.putChunk(id, 0, randomBytes(10)), 201);
    await expectStatus(s.me.request('DELETE', `/backups/uploads/${id}`), 204);
    expect(await errorCode(s.me.request('GET', `/backups/uploads/${id}`))).toBe('upload-unknown');
    expect(await json(s.me.request('GET', '/backups/usage'))).toMatchObject({ usedBytes: 0 });
    const done = await s.me.backup({ chunks: [randomBytes(10)] });
    expect(await errorCode(s.me.request('DELETE', `/backups/uploads/${done}`))).toBe('already-complete');
  });

  it('prunes by the retention policy when a backup completes, keeping the chains it needs', async () => {
    // One full backup a day for 60 days, each with an incremental on it the same day.
    const start = s.t.clock.now;
    const made: { id: string; at: number; full: boolean }[] = [];
    for (let d = 0; d < 60; d++) {
      s.t.clock.now = start + d * day;
      const full = await s.me.backup({ chunks: [randomBytes(4)] });
      made.push({ id: full, at: s.t.clock.now, full: true });
      s.t.clock.now += 3_600_000;
      const inc = await s.me.backup({ kind: 'incremental', parentId: full, chunks: [randomBytes(4)] });
      made.push({ id: inc, at: s.t.clock.now, full: false });
    }
    const now = s.t.clock.now;
    const kept = new Set(
      (await json<{ versions: { id: string }[] }>(s.me.request('GET', '/backups'))).versions.map((v) => v.id),
    );
    // Younger than 30 days: the day's newest (the incremental) and the full backup under it, so all.
    // Older: the newest of each ISO week, again with the full backup it builds on.
    const isoWeek = (ms: number) => Math.floor((Math.floor(ms / day) + 3) / 7);
    const expected = new Set<string>();
    made.forEach((m, i) => {
      const newestOfWeek = !made.slice(i + 1).some((n) => isoWeek(n.at) === isoWeek(m.at));
      if (now - m.at < 30 * day || newestOfWeek) {
        expected.add(m.id);
        if (!m.full) expected.add(made[i - 1]!.id);
      }
    });
    expect([...kept].sort()).toEqual([...expected].sort());
    expect(kept.size).toBeLessThan(made.length);
    // Pruned versions are gone with their chunks.
    const chunkRows = await s.db.query<{ n: unknown }>(
      `SELECT count(*) AS n FROM backup_chunks c JOIN backup_versions v ON v.id = c.version_id WHERE v.user_id = $1`,
      [s.me.userId],
    );
    expect(Number(chunkRows[0]!.n)).toBe(kept.size);
  });

  it('deletes uploads left without progress for a day when retention runs', async () => {
    const stale = randomId();
    await expectStatus(s.me.start({ id: stale, plannedBytes: 10 }), 201);
    const lively = randomId();
    await expectStatus(s.me.start({ id: lively }), 201);
    s.t.clock.now += 23 * 3_600_000;
    await expectStatus(s.me.putChunk(lively, 0, randomBytes(4)), 201);
    s.t.clock.now += 2 * 3_600_000;
    await s.me.backup({ chunks: [randomBytes(4)] });
    expect(await errorCode(s.me.request('GET', `/backups/uploads/${stale}`))).toBe('upload-unknown');
    await expectStatus(s.me.request('GET', `/backups/uploads/${lively}`), 200);
  });

  it('keeps the parent of an incremental still uploading', async () => {
    s.t = buildApp(s.db, { keepAllDays: 0, keepDailyDays: 0, keepWeeklyDays: 0 });
    s.me = new Client(s.t.app, s.me.userId);
    const full = await s.me.backup({ chunks: [randomBytes(4)] });
    const inc = randomId();
    await expectStatus(s.me.start({ id: inc, kind: 'incremental', parentId: full }), 201);
    s.t.clock.now += 1000;
    const newer = await s.me.backup({ chunks: [randomBytes(4)] });
    const ids = (await json<{ versions: { id: string }[] }>(s.me.request('GET', '/backups'))).versions.map(
      (v) => v.id,
    );
    expect(ids).toEqual([newer, full]);
    await expectStatus(s.me.putChunk(inc, 0, randomBytes(4)), 201);
  });

  it('stores key bundles per key id and hands them back', async () => {
    const bundle = randomBytes(200);
    const put = (id: string, b: unknown) =>
      s.me.request('PUT', `/backups/keys/${id}`, { json: { bundle: b } });
    await expectStatus(put('key-1', bundle.toString('base64url')), 204);
    s.t.clock.now += 1000;
    const replaced = randomBytes(100);
    await expectStatus(put('key-1', replaced.toString('base64url')), 204);
    await expectStatus(put('key-2', ''), 204);
    const got = await json<{ bundles: unknown[] }>(s.me.request('GET', '/backups/keys'));
    expect(got.bundles).toEqual([
      {
        dataKeyId: 'key-1',
        bundle: replaced.toString('base64url'),
        updatedAt: new Date(s.t.clock.now).toISOString(),
      },
      { dataKeyId: 'key-2', bundle: '', updatedAt: new Date(s.t.clock.now).toISOString() },
    ]);
    expect(await json(s.other.request('GET', '/backups/keys'))).toEqual({ bundles: [] });
    expect((await put('key-3', 'abc=')).status).toBe(400);
    expect((await put('key-3', Buffer.alloc(64 * 1024 + 1).toString('base64url'))).status).toBe(400);
    expect(await errorCode(put('bad key', 'AAAA'))).toBe('invalid-param');
    expect((await put('x'.repeat(65), 'AAAA')).status).toBe(400);
  });

  it('stores only what the client sent: ciphertext, sizes, checksums and opaque metadata', async () => {
    const chunks = [randomBytes(3000), randomBytes(1)];
    const manifest = randomBytes(700);
    const bundle = randomBytes(180);
    const id = await s.me.backup({ chunks });
    await s.me.complete(id, chunks, manifest); // already complete: changes nothing
    const id2 = randomId();
    await expectStatus(s.me.start({ id: id2, plannedBytes: 3001 }), 201);
    for (const [i, c] of chunks.entries()) await expectStatus(s.me.putChunk(id2, i, c), 201);
    await expectStatus(s.me.complete(id2, chunks, manifest), 200);
    await expectStatus(
      s.me.request('PUT', '/backups/keys/key-1', { json: { bundle: bundle.toString('base64url') } }),
      204,
    );

    const stored = await s.db.query<{ idx: number; bytes: Uint8Array; size: number; sha256: string }>(
      'SELECT idx, bytes, size, sha256 FROM backup_chunks WHERE version_id = $1 ORDER BY idx',
      [id2],
    );
    expect(stored.map((r) => Buffer.from(r.bytes))).toEqual(chunks);
    expect(stored.map((r) => [r.size, r.sha256])).toEqual(chunks.map((c) => [c.byteLength, sha256Hex(c)]));
    const [version] = await s.db.query<Record<string, unknown>>(
      'SELECT * FROM backup_versions WHERE id = $1',
      [id2],
    );
    expect(Buffer.from(version!.manifest as Uint8Array).equals(manifest)).toBe(true);
    const [key] = await s.db.query<{ bundle: Uint8Array }>(
      'SELECT bundle FROM backup_key_bundles WHERE user_id = $1',
      [s.me.userId],
    );
    expect(Buffer.from(key!.bundle).equals(bundle)).toBe(true);

    // Every column is one of these: nothing the server could have derived from the plaintext.
    const columns = async (table: string) =>
      (
        await s.db.query<{ name: string }>(
          `SELECT column_name AS name FROM information_schema.columns
            WHERE table_name = $1 AND table_schema = current_schema() ORDER BY column_name`,
          [table],
        )
      ).map((c) => c.name);
    expect(await columns('backup_versions')).toEqual(
      [
        'chunk_count',
        'completed_at',
        'created_at',
        'data_key_id',
        'format',
        'id',
        'kind',
        'manifest',
        'parent_id',
        'planned_bytes',
        'sha256',
        'status',
        'total_bytes',
        'touched_at',
        'user_id',
      ].sort(),
    );
    expect(await columns('backup_chunks')).toEqual(['bytes', 'idx', 'sha256', 'size', 'version_id']);
    expect(await columns('backup_key_bundles')).toEqual(['bundle', 'data_key_id', 'updated_at', 'user_id']);
    // And their values are what the client chose or what the clock and the byte counts say.
    expect(version).toEqual({
      id: id2,
      user_id: s.me.userId,
      kind: 'full',
      parent_id: null,
      format: 1,
      data_key_id: 'key-1',
      status: 'complete',
      planned_bytes: expect.anything(),
      chunk_count: 2,
      total_bytes: expect.anything(),
      sha256: rootHashOf(chunks),
      manifest: expect.anything(),
      created_at: new Date(s.t.clock.now),
      touched_at: new Date(s.t.clock.now),
      completed_at: new Date(s.t.clock.now),
    });
    expect(Number(version!.planned_bytes)).toBe(3001);
    expect(Number(version!.total_bytes)).toBe(3001);
  });
});
