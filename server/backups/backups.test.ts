import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import { openTestDb, testDatabaseUrl } from '../db/test-support.js';
import {
  addUser,
  buildApp,
  Client,
  expectStatus,
  randomId,
  rootHashOf,
  sha256Hex,
  type TestBackups,
} from './test-support.js';

const day = 86_400_000;
let userSeq = 0;

// The same tests run on PGlite (project unit) and on a real PostgreSQL (project postgres).
describe(`encrypted backup store (${testDatabaseUrl() ? 'PostgreSQL' : 'PGlite'})`, () => {
  let db: Db;
  let cleanup: () => Promise<void>;
  let t: TestBackups;
  let me: Client;
  let other: Client;

  beforeAll(async () => {
    ({ db, cleanup } = await openTestDb());
    await migrate(db);
  });
  afterAll(() => cleanup());

  beforeEach(async () => {
    t = buildApp(db);
    const a = `alice-${++userSeq}`;
    const b = `bob-${userSeq}`;
    await addUser(db, a);
    await addUser(db, b);
    me = new Client(t.app, a);
    other = new Client(t.app, b);
  });

  const json = async <T = Record<string, unknown>>(r: Response | Promise<Response>) =>
    (await (await r).json()) as T;
  const errorCode = async (r: Response | Promise<Response>) =>
    (await json<{ error: { code: string; message: string } }>(r)).error.code;
  const metric = async (name: string, labels = '') => {
    const text = await t.metrics.metrics();
    const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
    return line ? Number(line.split(' ')[1]) : 0;
  };

  it('stores a full backup and hands back exactly the bytes uploaded', async () => {
    const chunks = [randomBytes(1000), randomBytes(20), randomBytes(0), randomBytes(4096)];
    const manifest = randomBytes(300);
    const id = randomId();
    const started = await expectStatus(me.start({ id, plannedBytes: 5116 }), 201);
    expect(await started.json()).toEqual({ id, status: 'uploading', received: [] });
    for (const [i, c] of chunks.entries()) {
      const r = await expectStatus(me.putChunk(id, i, c), 201);
      expect(await r.json()).toEqual({ index: i, size: c.byteLength, sha256: sha256Hex(c) });
    }
    const done = await json<{ version: Record<string, unknown> }>(
      expectStatus(me.complete(id, chunks, manifest), 200),
    );
    expect(done.version).toMatchObject({ id, kind: 'full', parentId: null, chunkCount: 4, totalBytes: 5116 });

    const list = await json<{ versions: Record<string, unknown>[]; usage: unknown }>(
      me.request('GET', '/backups'),
    );
    expect(list.usage).toEqual({ usedBytes: 5116, quotaBytes: 1024 * 1024 });
    expect(list.versions).toEqual([
      {
        id,
        kind: 'full',
        parentId: null,
        format: 1,
        dataKeyId: 'key-1',
        chunkCount: 4,
        totalBytes: 5116,
        sha256: rootHashOf(chunks),
        createdAt: new Date(t.clock.now).toISOString(),
        completedAt: new Date(t.clock.now).toISOString(),
        manifest: manifest.toString('base64url'),
      },
    ]);
    for (const [i, c] of chunks.entries()) {
      const r = await expectStatus(me.request('GET', `/backups/${id}/chunks/${i}`), 200);
      expect(r.headers.get('content-type')).toBe('application/octet-stream');
      expect(r.headers.get('x-chunk-sha256')).toBe(sha256Hex(c));
      expect(Buffer.from(await r.arrayBuffer()).equals(c)).toBe(true);
    }
    expect(await errorCode(me.request('GET', `/backups/${id}/chunks/4`))).toBe('chunk-unknown');
    expect(await metric('lyra_backup_bytes_total', '{direction="in"}')).toBe(5116);
    expect(await metric('lyra_backup_bytes_total', '{direction="out"}')).toBe(5116);
    expect(await metric('lyra_backup_versions_completed_total')).toBe(1);
    expect(await json(me.request('GET', '/backups/usage'))).toEqual({
      usedBytes: 5116,
      quotaBytes: 1024 * 1024,
      versions: 1,
    });
  });

  it('resumes an upload: starting the same id again lists what arrived, so only the rest is sent', async () => {
    const chunks = [randomBytes(100), randomBytes(200), randomBytes(300)];
    const id = randomId();
    await expectStatus(me.start({ id }), 201);
    await expectStatus(me.putChunk(id, 0, chunks[0]!), 201);
    await expectStatus(me.putChunk(id, 2, chunks[2]!), 201);
    const resumed = await json<{ received: { index: number }[] }>(expectStatus(me.start({ id }), 200));
    expect(resumed).toEqual({
      id,
      status: 'uploading',
      received: [
        { index: 0, size: 100, sha256: sha256Hex(chunks[0]!) },
        { index: 2, size: 300, sha256: sha256Hex(chunks[2]!) },
      ],
    });
    expect(await json(me.request('GET', `/backups/uploads/${id}`))).toEqual(resumed);
    await expectStatus(me.putChunk(id, 1, chunks[1]!), 201);
    await expectStatus(me.complete(id, chunks), 200);
    expect(await errorCode(me.start({ id }))).toBe('already-complete');
    expect(await errorCode(me.start({ id, kind: 'incremental', parentId: randomId() }))).toBe(
      'already-complete',
    );
  });

  it('refuses to resume with different settings', async () => {
    const id = randomId();
    await expectStatus(me.start({ id }), 201);
    const r = await me.request('POST', '/backups/uploads', {
      json: { id, kind: 'full', parentId: null, format: 2, dataKeyId: 'key-1', plannedBytes: 0 },
    });
    expect(r.status).toBe(409);
    expect(await errorCode(r)).toBe('upload-mismatch');
  });

  it('accepts a replayed chunk and refuses a conflicting one', async () => {
    const id = randomId();
    const chunk = randomBytes(500);
    await expectStatus(me.start({ id }), 201);
    await expectStatus(me.putChunk(id, 0, chunk), 201);
    const replay = await expectStatus(me.putChunk(id, 0, chunk), 200);
    expect(await replay.json()).toEqual({ index: 0, size: 500, sha256: sha256Hex(chunk) });
    const conflict = await me.putChunk(id, 0, randomBytes(500));
    expect(conflict.status).toBe(409);
    expect(await errorCode(conflict)).toBe('chunk-conflict');
    // The replay was counted once, on the usage and on the metric.
    expect(await json(me.request('GET', '/backups/usage'))).toMatchObject({ usedBytes: 500 });
    expect(await metric('lyra_backup_bytes_total', '{direction="in"}')).toBe(500);
  });

  it('refuses a damaged chunk and stores nothing of it', async () => {
    const id = randomId();
    await expectStatus(me.start({ id }), 201);
    const chunk = randomBytes(256);
    const damaged = Buffer.from(chunk);
    damaged[17]! ^= 1;
    const r = await me.putChunk(id, 0, damaged, sha256Hex(chunk));
    expect(r.status).toBe(400);
    expect((await json<{ error: { message: string } }>(r)).error).toEqual({
      code: 'chunk-checksum',
      message: expect.stringMatching(/damaged.*send it again/),
    });
    expect(await json(me.request('GET', `/backups/uploads/${id}`))).toMatchObject({ received: [] });
    const rows = await db.query('SELECT 1 FROM backup_chunks WHERE version_id = $1', [id]);
    expect(rows).toHaveLength(0);
    expect(await metric('lyra_backup_rejections_total', '{reason="chunk-checksum"}')).toBe(1);
  });

  it('will not complete with a chunk missing, or one too many, and keeps the upload open', async () => {
    const chunks = [randomBytes(10), randomBytes(10), randomBytes(10)];
    const id = randomId();
    await expectStatus(me.start({ id }), 201);
    await expectStatus(me.putChunk(id, 0, chunks[0]!), 201);
    await expectStatus(me.putChunk(id, 2, chunks[2]!), 201);
    const r = await me.complete(id, chunks);
    expect(r.status).toBe(400);
    const body = await json<{ error: { code: string; message: string } }>(r);
    expect(body.error.code).toBe('chunks-missing');
    expect(body.error.message).toContain('missing: 1.');
    expect(await json(me.request('GET', `/backups/uploads/${id}`))).toMatchObject({ status: 'uploading' });
    expect(await errorCode(me.complete(id, [chunks[0]!]))).toBe('chunks-unexpected');
    expect(await json(me.request('GET', '/backups'))).toMatchObject({ versions: [] });
  });

  it('names at most 20 missing chunks', async () => {
    const id = randomId();
    await expectStatus(me.start({ id }), 201);
    const r = await me.request('POST', `/backups/uploads/${id}/complete`, {
      json: { chunkCount: 100, totalBytes: 0, sha256: '0'.repeat(64), manifest: '' },
    });
    const message = (await json<{ error: { message: string } }>(r)).error.message;
    expect(message).toContain(
      'missing: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, ...',
    );
  });

  it('will not complete with a wrong root hash or total', async () => {
    const chunks = [randomBytes(10), randomBytes(20)];
    const id = randomId();
    await expectStatus(me.start({ id }), 201);
    await expectStatus(me.putChunk(id, 0, chunks[0]!), 201);
    await expectStatus(me.putChunk(id, 1, chunks[1]!), 201);
    // The hash of the chunks in the wrong order is not the version's hash.
    const swapped = await me.complete(id, chunks, undefined, {
      sha256: rootHashOf([chunks[1]!, chunks[0]!]),
    });
    expect(swapped.status).toBe(400);
    expect(await errorCode(swapped)).toBe('checksum-mismatch');
    expect(await errorCode(me.complete(id, chunks, undefined, { totalBytes: 31 }))).toBe('checksum-mismatch');
    expect(await json(me.request('GET', `/backups/uploads/${id}`))).toMatchObject({ status: 'uploading' });
    await expectStatus(me.complete(id, chunks), 200);
  });

  it('enforces the quota when an upload starts and on the bytes that actually arrive', async () => {
    t = buildApp(db, { quotaBytes: 3000, maxChunkBytes: 2000 });
    me = new Client(t.app, me.userId);
    const tooBig = await me.start({ id: randomId(), plannedBytes: 3001 });
    expect(tooBig.status).toBe(413);
    const message = (await json<{ error: { code: string; message: string } }>(tooBig)).error;
    expect(message.code).toBe('quota-exceeded');
    expect(message.message).toMatch(/0\.0 MB of your 0\.0 MB quota.*Settings > Backups.*BACKUP_QUOTA_MB/);

    // Announces little, sends more: the second chunk would pass the quota.
    const id = randomId();
    await expectStatus(me.start({ id, plannedBytes: 100 }), 201);
    await expectStatus(me.putChunk(id, 0, randomBytes(2000)), 201);
    const over = await me.putChunk(id, 1, randomBytes(1001));
    expect(over.status).toBe(413);
    expect(await errorCode(over)).toBe('quota-exceeded');
    await expectStatus(me.putChunk(id, 1, randomBytes(1000)), 201);

    // An upload in progress holds its space: a second one cannot claim it.
    expect(await errorCode(me.start({ id: randomId(), plannedBytes: 1 }))).toBe('quota-exceeded');
    await expectStatus(me.request('DELETE', `/backups/uploads/${id}`), 204);
    await expectStatus(me.start({ id: randomId(), plannedBytes: 3000 }), 201);
  });

  it('refuses a chunk over the size limit', async () => {
    const id = randomId();
    await expectStatus(me.start({ id }), 201);
    const r = await me.putChunk(id, 0, randomBytes(64 * 1024 + 1));
    expect(r.status).toBe(413);
    expect(await errorCode(r)).toBe('chunk-too-large');
    // With a Content-Length it is refused before reading.
    const declared = await me.request('PUT', `/backups/uploads/${id}/chunks/0`, {
      body: new Uint8Array(64 * 1024 + 1),
      headers: { 'content-length': String(64 * 1024 + 1), 'x-chunk-sha256': '0'.repeat(64) },
    });
    expect(declared.status).toBe(413);
    await expectStatus(me.putChunk(id, 0, randomBytes(64 * 1024)), 201);
  });

  it("keeps one user's backups away from another", async () => {
    const chunks = [randomBytes(64)];
    const mine = await me.backup({ chunks });
    const uploading = randomId();
    await expectStatus(me.start({ id: uploading }), 201);

    expect(await json(other.request('GET', '/backups'))).toMatchObject({
      versions: [],
      usage: { usedBytes: 0 },
    });
    expect(await errorCode(other.request('GET', `/backups/${mine}/chunks/0`))).toBe('version-unknown');
    expect(await errorCode(other.request('DELETE', `/backups/${mine}`))).toBe('version-unknown');
    expect(await errorCode(other.request('GET', `/backups/uploads/${uploading}`))).toBe('upload-unknown');
    expect(await errorCode(other.putChunk(uploading, 0, chunks[0]!))).toBe('upload-unknown');
    expect(await errorCode(other.complete(uploading, []))).toBe('upload-unknown');
    expect(await errorCode(other.request('DELETE', `/backups/uploads/${uploading}`))).toBe('upload-unknown');
    // Taking over the id answers as if it were finished: it says nothing about whose it is.
    for (const id of [mine, uploading]) {
      const r = await other.start({ id });
      expect(r.status).toBe(409);
      expect(await errorCode(r)).toBe('already-complete');
    }
    expect(await errorCode(other.start({ id: randomId(), kind: 'incremental', parentId: mine }))).toBe(
      'parent-unknown',
    );
    // Mine are untouched.
    expect(await json(me.request('GET', '/backups'))).toMatchObject({ versions: [{ id: mine }] });
    expect(await json(me.request('GET', `/backups/uploads/${uploading}`))).toMatchObject({ received: [] });
  });

  it('needs a complete parent of this user for an incremental, and none for a full backup', async () => {
    const r = await me.start({ id: randomId(), kind: 'incremental', parentId: randomId() });
    expect(r.status).toBe(400);
    const error = (await json<{ error: { code: string; message: string } }>(r)).error;
    expect(error.code).toBe('parent-unknown');
    expect(error.message).toContain(
      'the version this backup builds on is gone (pruned or deleted); make a full backup',
    );
    const unfinished = randomId();
    await expectStatus(me.start({ id: unfinished }), 201);
    expect(await errorCode(me.start({ id: randomId(), kind: 'incremental', parentId: unfinished }))).toBe(
      'parent-unknown',
    );
    expect(await errorCode(me.start({ id: randomId(), kind: 'incremental', parentId: null }))).toBe(
      'parent-required',
    );
    expect(await errorCode(me.start({ id: randomId(), kind: 'full', parentId: unfinished }))).toBe(
      'parent-not-allowed',
    );
    const full = await me.backup({ chunks: [randomBytes(8)] });
    t.clock.now += 1000;
    const inc = await me.backup({ kind: 'incremental', parentId: full, chunks: [randomBytes(8)] });
    expect(await json(me.request('GET', '/backups'))).toMatchObject({
      versions: [
        { id: inc, kind: 'incremental', parentId: full },
        { id: full, kind: 'full', parentId: null },
      ],
    });
  });

  it('deletes a version with its dependents only when asked to', async () => {
    const full = await me.backup({ chunks: [randomBytes(8)] });
    t.clock.now += 1000;
    const inc1 = await me.backup({ kind: 'incremental', parentId: full, chunks: [randomBytes(8)] });
    t.clock.now += 1000;
    const inc2 = await me.backup({ kind: 'incremental', parentId: inc1, chunks: [randomBytes(8)] });
    t.clock.now += 1000;
    const other = await me.backup({ chunks: [randomBytes(8)] });

    const refused = await me.request('DELETE', `/backups/${full}`);
    expect(refused.status).toBe(409);
    expect((await json<{ error: { code: string; message: string } }>(refused)).error).toEqual({
      code: 'has-dependents',
      message: '2 later versions build on this one; delete them first or pass ?withDependents=1.',
    });
    expect(await errorCode(me.request('DELETE', `/backups/${full}?withDependents=yes`))).toBe(
      'invalid-param',
    );
    await expectStatus(me.request('DELETE', `/backups/${inc2}`), 204);
    await expectStatus(me.request('DELETE', `/backups/${full}?withDependents=1`), 204);
    const left = await json<{ versions: { id: string }[] }>(me.request('GET', '/backups'));
    expect(left.versions.map((v) => v.id)).toEqual([other]);
    const chunkRows = await db.query('SELECT 1 FROM backup_chunks WHERE version_id = ANY($1::text[])', [
      [full, inc1, inc2],
    ]);
    expect(chunkRows).toHaveLength(0);
    expect(await errorCode(me.request('DELETE', `/backups/${full}`))).toBe('version-unknown');
  });

  it('abandons an upload, but not a finished version', async () => {
    const id = randomId();
    await expectStatus(me.start({ id, plannedBytes: 1000 }), 201);
    await expectStatus(me.putChunk(id, 0, randomBytes(10)), 201);
    await expectStatus(me.request('DELETE', `/backups/uploads/${id}`), 204);
    expect(await errorCode(me.request('GET', `/backups/uploads/${id}`))).toBe('upload-unknown');
    expect(await json(me.request('GET', '/backups/usage'))).toMatchObject({ usedBytes: 0 });
    const done = await me.backup({ chunks: [randomBytes(10)] });
    expect(await errorCode(me.request('DELETE', `/backups/uploads/${done}`))).toBe('already-complete');
  });

  it('prunes by the retention policy when a backup completes, keeping the chains it needs', async () => {
    // One full backup a day for 60 days, each with an incremental on it the same day.
    const start = t.clock.now;
    const made: { id: string; at: number; full: boolean }[] = [];
    for (let d = 0; d < 60; d++) {
      t.clock.now = start + d * day;
      const full = await me.backup({ chunks: [randomBytes(4)] });
      made.push({ id: full, at: t.clock.now, full: true });
      t.clock.now += 3_600_000;
      const inc = await me.backup({ kind: 'incremental', parentId: full, chunks: [randomBytes(4)] });
      made.push({ id: inc, at: t.clock.now, full: false });
    }
    const now = t.clock.now;
    const kept = new Set(
      (await json<{ versions: { id: string }[] }>(me.request('GET', '/backups'))).versions.map((v) => v.id),
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
    const chunkRows = await db.query<{ n: unknown }>(
      `SELECT count(*) AS n FROM backup_chunks c JOIN backup_versions v ON v.id = c.version_id WHERE v.user_id = $1`,
      [me.userId],
    );
    expect(Number(chunkRows[0]!.n)).toBe(kept.size);
  });

  it('deletes uploads left without progress for a day when retention runs', async () => {
    const stale = randomId();
    await expectStatus(me.start({ id: stale, plannedBytes: 10 }), 201);
    const lively = randomId();
    await expectStatus(me.start({ id: lively }), 201);
    t.clock.now += 23 * 3_600_000;
    await expectStatus(me.putChunk(lively, 0, randomBytes(4)), 201);
    t.clock.now += 2 * 3_600_000;
    await me.backup({ chunks: [randomBytes(4)] });
    expect(await errorCode(me.request('GET', `/backups/uploads/${stale}`))).toBe('upload-unknown');
    await expectStatus(me.request('GET', `/backups/uploads/${lively}`), 200);
  });

  it('keeps the parent of an incremental still uploading', async () => {
    t = buildApp(db, { keepAllDays: 0, keepDailyDays: 0, keepWeeklyDays: 0 });
    me = new Client(t.app, me.userId);
    const full = await me.backup({ chunks: [randomBytes(4)] });
    const inc = randomId();
    await expectStatus(me.start({ id: inc, kind: 'incremental', parentId: full }), 201);
    t.clock.now += 1000;
    const newer = await me.backup({ chunks: [randomBytes(4)] });
    const ids = (await json<{ versions: { id: string }[] }>(me.request('GET', '/backups'))).versions.map(
      (v) => v.id,
    );
    expect(ids).toEqual([newer, full]);
    await expectStatus(me.putChunk(inc, 0, randomBytes(4)), 201);
  });

  it('stores key bundles per key id and hands them back', async () => {
    const bundle = randomBytes(200);
    const put = (id: string, b: unknown) => me.request('PUT', `/backups/keys/${id}`, { json: { bundle: b } });
    await expectStatus(put('key-1', bundle.toString('base64url')), 204);
    t.clock.now += 1000;
    const replaced = randomBytes(100);
    await expectStatus(put('key-1', replaced.toString('base64url')), 204);
    await expectStatus(put('key-2', ''), 204);
    const got = await json<{ bundles: unknown[] }>(me.request('GET', '/backups/keys'));
    expect(got.bundles).toEqual([
      {
        dataKeyId: 'key-1',
        bundle: replaced.toString('base64url'),
        updatedAt: new Date(t.clock.now).toISOString(),
      },
      { dataKeyId: 'key-2', bundle: '', updatedAt: new Date(t.clock.now).toISOString() },
    ]);
    expect(await json(other.request('GET', '/backups/keys'))).toEqual({ bundles: [] });
    expect((await put('key-3', 'abc=')).status).toBe(400);
    expect((await put('key-3', Buffer.alloc(64 * 1024 + 1).toString('base64url'))).status).toBe(400);
    expect(await errorCode(put('bad key', 'AAAA'))).toBe('invalid-param');
    expect((await put('x'.repeat(65), 'AAAA')).status).toBe(400);
  });

  it('stores only what the client sent: ciphertext, sizes, checksums and opaque metadata', async () => {
    const chunks = [randomBytes(3000), randomBytes(1)];
    const manifest = randomBytes(700);
    const bundle = randomBytes(180);
    const id = await me.backup({ chunks });
    await me.complete(id, chunks, manifest); // already complete: changes nothing
    const id2 = randomId();
    await expectStatus(me.start({ id: id2, plannedBytes: 3001 }), 201);
    for (const [i, c] of chunks.entries()) await expectStatus(me.putChunk(id2, i, c), 201);
    await expectStatus(me.complete(id2, chunks, manifest), 200);
    await expectStatus(
      me.request('PUT', '/backups/keys/key-1', { json: { bundle: bundle.toString('base64url') } }),
      204,
    );

    const stored = await db.query<{ idx: number; bytes: Uint8Array; size: number; sha256: string }>(
      'SELECT idx, bytes, size, sha256 FROM backup_chunks WHERE version_id = $1 ORDER BY idx',
      [id2],
    );
    expect(stored.map((r) => Buffer.from(r.bytes))).toEqual(chunks);
    expect(stored.map((r) => [r.size, r.sha256])).toEqual(chunks.map((c) => [c.byteLength, sha256Hex(c)]));
    const [version] = await db.query<Record<string, unknown>>('SELECT * FROM backup_versions WHERE id = $1', [
      id2,
    ]);
    expect(Buffer.from(version!.manifest as Uint8Array).equals(manifest)).toBe(true);
    const [key] = await db.query<{ bundle: Uint8Array }>(
      'SELECT bundle FROM backup_key_bundles WHERE user_id = $1',
      [me.userId],
    );
    expect(Buffer.from(key!.bundle).equals(bundle)).toBe(true);

    // Every column is one of these: nothing the server could have derived from the plaintext.
    const columns = async (table: string) =>
      (
        await db.query<{ name: string }>(
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
      user_id: me.userId,
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
      created_at: new Date(t.clock.now),
      touched_at: new Date(t.clock.now),
      completed_at: new Date(t.clock.now),
    });
    expect(Number(version!.planned_bytes)).toBe(3001);
    expect(Number(version!.total_bytes)).toBe(3001);
  });

  it('refuses malformed requests with 4xx and a message, never 5xx', async () => {
    const id = randomId();
    await expectStatus(me.start({ id }), 201);
    const cases: [string, string, { json?: unknown; body?: string; headers?: Record<string, string> }][] = [
      ['POST', '/backups/uploads', { body: '{"id":' }],
      ['POST', '/backups/uploads', { json: [] }],
      ['POST', '/backups/uploads', { json: null }],
      [
        'POST',
        '/backups/uploads',
        { json: { id: 'short', kind: 'full', parentId: null, format: 1, dataKeyId: 'k', plannedBytes: 0 } },
      ],
      [
        'POST',
        '/backups/uploads',
        {
          json: { id: randomId(), kind: 'diff', parentId: null, format: 1, dataKeyId: 'k', plannedBytes: 0 },
        },
      ],
      [
        'POST',
        '/backups/uploads',
        {
          json: {
            id: randomId(),
            kind: 'full',
            parentId: null,
            format: 1.5,
            dataKeyId: 'k',
            plannedBytes: 0,
          },
        },
      ],
      [
        'POST',
        '/backups/uploads',
        {
          json: { id: randomId(), kind: 'full', parentId: null, format: 1, dataKeyId: 'k', plannedBytes: -1 },
        },
      ],
      [
        'POST',
        '/backups/uploads',
        {
          json: {
            id: randomId(),
            kind: 'full',
            parentId: null,
            format: 1,
            dataKeyId: 'k',
            plannedBytes: '1',
          },
        },
      ],
      [
        'POST',
        '/backups/uploads',
        {
          json: {
            id: randomId(),
            kind: 'full',
            parentId: null,
            format: 1,
            dataKeyId: 'k',
            plannedBytes: 1e300,
          },
        },
      ],
      ['PUT', `/backups/uploads/${id}/chunks/0`, { body: 'x' }],
      ['PUT', `/backups/uploads/${id}/chunks/0`, { body: 'x', headers: { 'x-chunk-sha256': 'ABC' } }],
      [
        'PUT',
        `/backups/uploads/${id}/chunks/-1`,
        { body: 'x', headers: { 'x-chunk-sha256': sha256Hex(Buffer.from('x')) } },
      ],
      [
        'PUT',
        `/backups/uploads/${id}/chunks/100000`,
        { body: 'x', headers: { 'x-chunk-sha256': sha256Hex(Buffer.from('x')) } },
      ],
      [
        'PUT',
        `/backups/uploads/${id}/chunks/01`,
        { body: 'x', headers: { 'x-chunk-sha256': sha256Hex(Buffer.from('x')) } },
      ],
      [
        'PUT',
        `/backups/uploads/${id}/chunks/1e3`,
        { body: 'x', headers: { 'x-chunk-sha256': sha256Hex(Buffer.from('x')) } },
      ],
      [
        'PUT',
        `/backups/uploads/${'%00'.repeat(20)}/chunks/0`,
        { body: 'x', headers: { 'x-chunk-sha256': sha256Hex(Buffer.from('x')) } },
      ],
      ['POST', `/backups/uploads/${id}/complete`, { json: { chunkCount: 0 } }],
      [
        'POST',
        `/backups/uploads/${id}/complete`,
        { json: { chunkCount: 0, totalBytes: 0, sha256: '0'.repeat(64), manifest: 'a' } },
      ],
      [
        'POST',
        `/backups/uploads/${id}/complete`,
        { json: { chunkCount: 0, totalBytes: 0, sha256: '0'.repeat(64), manifest: 5 } },
      ],
      [
        'POST',
        `/backups/uploads/${id}/complete`,
        { json: { chunkCount: 0, totalBytes: 0, sha256: '0'.repeat(64), manifest: 'A'.repeat(349_530) } },
      ],
      ['POST', `/backups/uploads/${id}/complete`, { body: 'x'.repeat(400 * 1024) }],
      ['GET', '/backups/uploads/not-an-id', {}],
      ['GET', `/backups/${id}/chunks/abc`, {}],
      ['DELETE', '/backups/uploads', {}],
      ['GET', '/backups/nothing/here/at/all', {}],
      ['POST', '/backups', {}],
      ['PUT', '/backups/keys/k', { body: '' }],
    ];
    for (const [method, path, init] of cases) {
      const r = await me.request(method, path, init);
      expect(r.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(r.status, `${method} ${path}`).toBeLessThan(500);
      const body = await json<{ error: { code: string; message: string } }>(r);
      expect(body.error.message.length, `${method} ${path}`).toBeGreaterThan(10);
    }
    // The largest manifest fits: the JSON limit holds it.
    const manifest = Buffer.alloc(256 * 1024, 7);
    await expectStatus(me.complete(id, [], manifest), 200);
  });

  it('needs an owner session and limits each session to its rate', async () => {
    expect((await t.app.request('/backups')).status).toBe(401);
    const viewer = await t.app.request('/backups', {
      headers: { 'x-test-user': me.userId, 'x-test-role': 'viewer' },
    });
    expect(viewer.status).toBe(403);
    await expectStatus(me.request('GET', '/backups'), 200);
    await expectStatus(me.request('GET', '/backups/usage'), 200);
    // One hit per request, whichever path.
    expect(t.limiter.hits.get(`backups:session-${me.userId}`)).toBe(2);
    t.limiter.hits.set(`backups:session-${me.userId}`, 600);
    const limited = await me.request('GET', '/backups');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('42');
    expect(await errorCode(limited)).toBe('rate-limited');
    await expectStatus(other.request('GET', '/backups'), 200);
  });
});
