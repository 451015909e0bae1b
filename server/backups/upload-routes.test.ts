import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../db/test-support.js';
import {
  buildApp,
  Client,
  errorCode,
  expectStatus,
  json,
  metricValue,
  randomId,
  rootHashOf,
  sha256Hex,
  useBackupStore,
} from './test-support.js';

// The same tests run on PGlite (project unit) and on a real PostgreSQL (project postgres).
describe(`backup uploads and downloads (${testDatabaseUrl() ? 'PostgreSQL' : 'PGlite'})`, () => {
  const s = useBackupStore();

  it('stores a full backup and hands back exactly the bytes uploaded', async () => {
    const chunks = [randomBytes(1000), randomBytes(20), randomBytes(0), randomBytes(4096)];
    const manifest = randomBytes(300);
    const id = randomId();
    const started = await expectStatus(s.me.start({ id, plannedBytes: 5116 }), 201);
    expect(await started.json()).toEqual({ id, status: 'uploading', received: [] });
    for (const [i, c] of chunks.entries()) {
      const r = await expectStatus(s.me.putChunk(id, i, c), 201);
      expect(await r.json()).toEqual({ index: i, size: c.byteLength, sha256: sha256Hex(c) });
    }
    const done = await json<{ version: Record<string, unknown> }>(
      expectStatus(s.me.complete(id, chunks, manifest), 200),
    );
    expect(done.version).toMatchObject({ id, kind: 'full', parentId: null, chunkCount: 4, totalBytes: 5116 });

    const list = await json<{ versions: Record<string, unknown>[]; usage: unknown }>(
      s.me.request('GET', '/backups'),
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
        createdAt: new Date(s.t.clock.now).toISOString(),
        completedAt: new Date(s.t.clock.now).toISOString(),
        manifest: manifest.toString('base64url'),
      },
    ]);
    for (const [i, c] of chunks.entries()) {
      const r = await expectStatus(s.me.request('GET', `/backups/${id}/chunks/${i}`), 200);
      expect(r.headers.get('content-type')).toBe('application/octet-stream');
      expect(r.headers.get('x-chunk-sha256')).toBe(sha256Hex(c));
      expect(Buffer.from(await r.arrayBuffer()).equals(c)).toBe(true);
    }
    expect(await errorCode(s.me.request('GET', `/backups/${id}/chunks/4`))).toBe('chunk-unknown');
    expect(await metricValue(s.t, 'lyra_backup_bytes_total', '{direction="in"}')).toBe(5116);
    expect(await metricValue(s.t, 'lyra_backup_bytes_total', '{direction="out"}')).toBe(5116);
    expect(await metricValue(s.t, 'lyra_backup_versions_completed_total')).toBe(1);
    expect(await json(s.me.request('GET', '/backups/usage'))).toEqual({
      usedBytes: 5116,
      quotaBytes: 1024 * 1024,
      versions: 1,
    });
  });

  it('resumes an upload: starting the same id again lists what arrived, so only the rest is sent', async () => {
    const chunks = [randomBytes(100), randomBytes(200), randomBytes(300)];
    const id = randomId();
    await expectStatus(s.me.start({ id }), 201);
    await expectStatus(s.me.putChunk(id, 0, chunks[0]!), 201);
    await expectStatus(s.me.putChunk(id, 2, chunks[2]!), 201);
    const resumed = await json<{ received: { index: number }[] }>(expectStatus(s.me.start({ id }), 200));
    expect(resumed).toEqual({
      id,
      status: 'uploading',
      received: [
        { index: 0, size: 100, sha256: sha256Hex(chunks[0]!) },
        { index: 2, size: 300, sha256: sha256Hex(chunks[2]!) },
      ],
    });
    expect(await json(s.me.request('GET', `/backups/uploads/${id}`))).toEqual(resumed);
    await expectStatus(s.me.putChunk(id, 1, chunks[1]!), 201);
    await expectStatus(s.me.complete(id, chunks), 200);
    expect(await errorCode(s.me.start({ id }))).toBe('already-complete');
    expect(await errorCode(s.me.start({ id, kind: 'incremental', parentId: randomId() }))).toBe(
      'already-complete',
    );
  });

  it('refuses to resume with different settings', async () => {
    const id = randomId();
    await expectStatus(s.me.start({ id }), 201);
    const r = await s.me.request('POST', '/backups/uploads', {
      json: { id, kind: 'full', parentId: null, format: 2, dataKeyId: 'key-1', plannedBytes: 0 },
    });
    expect(r.status).toBe(409);
    expect(await errorCode(r)).toBe('upload-mismatch');
  });

  it('accepts a replayed chunk and refuses a conflicting one', async () => {
    const id = randomId();
    const chunk = randomBytes(500);
    await expectStatus(s.me.start({ id }), 201);
    await expectStatus(s.me.putChunk(id, 0, chunk), 201);
    const replay = await expectStatus(s.me.putChunk(id, 0, chunk), 200);
    expect(await replay.json()).toEqual({ index: 0, size: 500, sha256: sha256Hex(chunk) });
    const conflict = await s.me.putChunk(id, 0, randomBytes(500));
    expect(conflict.status).toBe(409);
    expect(await errorCode(conflict)).toBe('chunk-conflict');
    // The replay was counted once, on the usage and on the metric.
    expect(await json(s.me.request('GET', '/backups/usage'))).toMatchObject({ usedBytes: 500 });
    expect(await metricValue(s.t, 'lyra_backup_bytes_total', '{direction="in"}')).toBe(500);
  });

  it('refuses a damaged chunk and stores nothing of it', async () => {
    const id = randomId();
    await expectStatus(s.me.start({ id }), 201);
    const chunk = randomBytes(256);
    const damaged = Buffer.from(chunk);
    damaged[17]! ^= 1;
    const r = await s.me.putChunk(id, 0, damaged, sha256Hex(chunk));
    expect(r.status).toBe(400);
    expect((await json<{ error: { message: string } }>(r)).error).toEqual({
      code: 'chunk-checksum',
      message: expect.stringMatching(/damaged.*send it again/),
    });
    expect(await json(s.me.request('GET', `/backups/uploads/${id}`))).toMatchObject({ received: [] });
    const rows = await s.db.query('SELECT 1 FROM backup_chunks WHERE version_id = $1', [id]);
    expect(rows).toHaveLength(0);
    expect(await metricValue(s.t, 'lyra_backup_rejections_total', '{reason="chunk-checksum"}')).toBe(1);
  });

  it('will not complete with a chunk missing, or one too many, and keeps the upload open', async () => {
    const chunks = [randomBytes(10), randomBytes(10), randomBytes(10)];
    const id = randomId();
    await expectStatus(s.me.start({ id }), 201);
    await expectStatus(s.me.putChunk(id, 0, chunks[0]!), 201);
    await expectStatus(s.me.putChunk(id, 2, chunks[2]!), 201);
    const r = await s.me.complete(id, chunks);
    expect(r.status).toBe(400);
    const body = await json<{ error: { code: string; message: string } }>(r);
    expect(body.error.code).toBe('chunks-missing');
    expect(body.error.message).toContain('missing: 1.');
    expect(await json(s.me.request('GET', `/backups/uploads/${id}`))).toMatchObject({ status: 'uploading' });
    expect(await errorCode(s.me.complete(id, [chunks[0]!]))).toBe('chunks-unexpected');
    expect(await json(s.me.request('GET', '/backups'))).toMatchObject({ versions: [] });
  });

  it('names at most 20 missing chunks', async () => {
    const id = randomId();
    await expectStatus(s.me.start({ id }), 201);
    const r = await s.me.request('POST', `/backups/uploads/${id}/complete`, {
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
    await expectStatus(s.me.start({ id }), 201);
    await expectStatus(s.me.putChunk(id, 0, chunks[0]!), 201);
    await expectStatus(s.me.putChunk(id, 1, chunks[1]!), 201);
    // The hash of the chunks in the wrong order is not the version's hash.
    const swapped = await s.me.complete(id, chunks, undefined, {
      sha256: rootHashOf([chunks[1]!, chunks[0]!]),
    });
    expect(swapped.status).toBe(400);
    expect(await errorCode(swapped)).toBe('checksum-mismatch');
    expect(await errorCode(s.me.complete(id, chunks, undefined, { totalBytes: 31 }))).toBe(
      'checksum-mismatch',
    );
    expect(await json(s.me.request('GET', `/backups/uploads/${id}`))).toMatchObject({ status: 'uploading' });
    await expectStatus(s.me.complete(id, chunks), 200);
  });

  it('enforces the quota when an upload starts and on the bytes that actually arrive', async () => {
    s.t = buildApp(s.db, { quotaBytes: 3000, maxChunkBytes: 2000 });
    s.me = new Client(s.t.app, s.me.userId);
    const tooBig = await s.me.start({ id: randomId(), plannedBytes: 3001 });
    expect(tooBig.status).toBe(413);
    const message = (await json<{ error: { code: string; message: string } }>(tooBig)).error;
    expect(message.code).toBe('quota-exceeded');
    expect(message.message).toMatch(/0\.0 MB of your 0\.0 MB quota.*Settings > Backups.*BACKUP_QUOTA_MB/);

    // Announces little, sends more: the second chunk would pass the quota.
    const id = randomId();
    await expectStatus(s.me.start({ id, plannedBytes: 100 }), 201);
    await expectStatus(s.me.putChunk(id, 0, randomBytes(2000)), 201);
    const over = await s.me.putChunk(id, 1, randomBytes(1001));
    expect(over.status).toBe(413);
    expect(await errorCode(over)).toBe('quota-exceeded');
    await expectStatus(s.me.putChunk(id, 1, randomBytes(1000)), 201);

    // An upload in progress holds its space: a second one cannot claim it.
    expect(await errorCode(s.me.start({ id: randomId(), plannedBytes: 1 }))).toBe('quota-exceeded');
    await expectStatus(s.me.request('DELETE', `/backups/uploads/${id}`), 204);
    await expectStatus(s.me.start({ id: randomId(), plannedBytes: 3000 }), 201);
  });

  it('refuses a chunk over the size limit', async () => {
    const id = randomId();
    await expectStatus(s.me.start({ id }), 201);
    const r = await s.me.putChunk(id, 0, randomBytes(64 * 1024 + 1));
    expect(r.status).toBe(413);
    expect(await errorCode(r)).toBe('chunk-too-large');
    // With a Content-Length it is refused before reading.
    const declared = await s.me.request('PUT', `/backups/uploads/${id}/chunks/0`, {
      body: new Uint8Array(64 * 1024 + 1),
      headers: { 'content-length': String(64 * 1024 + 1), 'x-chunk-sha256': '0'.repeat(64) },
    });
    expect(declared.status).toBe(413);
    await expectStatus(s.me.putChunk(id, 0, randomBytes(64 * 1024)), 201);
  });

  it('refuses malformed requests with 4xx and a message, never 5xx', async () => {
    const id = randomId();
    await expectStatus(s.me.start({ id }), 201);
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
      const r = await s.me.request(method, path, init);
      expect(r.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(r.status, `${method} ${path}`).toBeLessThan(500);
      const body = await json<{ error: { code: string; message: string } }>(r);
      expect(body.error.message.length, `${method} ${path}`).toBeGreaterThan(10);
    }
    // The largest manifest fits: the JSON limit holds it.
    const manifest = Buffer.alloc(256 * 1024, 7);
    await expectStatus(s.me.complete(id, [], manifest), 200);
  });

  it('needs an owner session and limits each session to its rate', async () => {
    expect((await s.t.app.request('/backups')).status).toBe(401);
    const viewer = await s.t.app.request('/backups', {
      headers: { 'x-test-user': s.me.userId, 'x-test-role': 'viewer' },
    });
    expect(viewer.status).toBe(403);
    await expectStatus(s.me.request('GET', '/backups'), 200);
    await expectStatus(s.me.request('GET', '/backups/usage'), 200);
    // One hit per request, whichever path.
    expect(s.t.limiter.hits.get(`backups:session-${s.me.userId}`)).toBe(2);
    s.t.limiter.hits.set(`backups:session-${s.me.userId}`, 600);
    const limited = await s.me.request('GET', '/backups');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('42');
    expect(await errorCode(limited)).toBe('rate-limited');
    await expectStatus(s.other.request('GET', '/backups'), 200);
  });
});
