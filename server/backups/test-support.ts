/** Helpers for the backup tests (not used by production code): an app with fake sign-in and a client. */
import { createHash, randomBytes } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { SessionEnv } from '../auth/session.js';
import type { Db } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import { openTestDb } from '../db/test-support.js';
import type { RateDecision, RateLimiter, RateRule } from '../rate-limit/rate-limiter.js';
import { createBackups, type BackupConfig } from './index.js';

export const testConfig: BackupConfig = {
  quotaBytes: 1024 * 1024,
  maxChunkBytes: 64 * 1024,
  keepAllDays: 7,
  keepDailyDays: 30,
  keepWeeklyDays: 365,
};

/** Counts hits per bucket and key in memory; `limit` per rule, no window (tests are short). */
export class FakeLimiter implements RateLimiter {
  readonly hits = new Map<string, number>();
  async hit(rule: RateRule, key: string): Promise<RateDecision> {
    const k = `${rule.bucket}:${key}`;
    const n = (this.hits.get(k) ?? 0) + 1;
    this.hits.set(k, n);
    return n <= rule.limit ? { allowed: true } : { allowed: false, retryAfterSeconds: 42 };
  }
}

/** Signs the request in as the user named by `x-test-user`, a viewer with `x-test-role: viewer`. */
export const fakeRequireOwner: MiddlewareHandler<SessionEnv> = async (c, next) => {
  const userId = c.req.header('x-test-user');
  if (!userId) return c.json({ error: { code: 'signed-out', message: 'not signed in' } }, 401);
  const role = c.req.header('x-test-role') === 'viewer' ? 'viewer' : 'owner';
  if (role !== 'owner') return c.json({ error: { code: 'read-only', message: 'viewer' } }, 403);
  c.set('session', { sessionId: `session-${userId}`, userId, workspaceId: `ws-${userId}`, role });
  await next();
};

export async function addUser(db: Db, userId: string): Promise<void> {
  const at = new Date('2026-01-01T00:00:00Z');
  await db.query('INSERT INTO workspaces (id, created_at) VALUES ($1, $2)', [`ws-${userId}`, at]);
  await db.query(
    `INSERT INTO users (id, workspace_id, role, display_name, webauthn_user_id, created_at)
     VALUES ($1, $2, 'owner', $1, $3, $4)`,
    [userId, `ws-${userId}`, `handle-${userId}`, at],
  );
}

export interface TestBackups {
  app: Hono;
  limiter: FakeLimiter;
  metrics: Registry;
  clock: { now: number };
}

export function buildApp(db: Db, config: Partial<BackupConfig> = {}): TestBackups {
  const limiter = new FakeLimiter();
  const metrics = new Registry();
  const clock = { now: Date.parse('2026-03-01T12:00:00Z') };
  const backups = createBackups({
    db,
    requireOwner: fakeRequireOwner,
    limiter,
    config: { ...testConfig, ...config },
    log: pino({ level: 'silent' }),
    metrics,
    now: () => clock.now,
  });
  const app = new Hono();
  app.route('/', backups);
  return { app, limiter, metrics, clock };
}

export const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
export const rootHashOf = (chunks: Uint8Array[]) =>
  createHash('sha256')
    .update(Buffer.concat(chunks.map((c) => createHash('sha256').update(c).digest())))
    .digest('hex');
export const randomId = () => randomBytes(12).toString('base64url');

/** A minimal backup client: what the browser does, minus the encryption. */
export class Client {
  constructor(
    readonly app: Hono,
    readonly userId: string,
  ) {}

  request(
    method: string,
    path: string,
    init: { json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { 'x-test-user': this.userId, ...init.headers };
    let body = init.body;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    return this.app.request(path, { method, headers, body });
  }

  start(b: { id: string; kind?: 'full' | 'incremental'; parentId?: string | null; plannedBytes?: number }) {
    return this.request('POST', '/backups/uploads', {
      json: {
        id: b.id,
        kind: b.kind ?? 'full',
        parentId: b.parentId ?? null,
        format: 1,
        dataKeyId: 'key-1',
        plannedBytes: b.plannedBytes ?? 0,
      },
    });
  }

  putChunk(id: string, index: number, bytes: Uint8Array, sha = sha256Hex(bytes)) {
    return this.request('PUT', `/backups/uploads/${id}/chunks/${index}`, {
      body: bytes as Uint8Array<ArrayBuffer>,
      headers: { 'content-type': 'application/octet-stream', 'x-chunk-sha256': sha },
    });
  }

  complete(id: string, chunks: Uint8Array[], manifest: Uint8Array = randomBytes(48), overrides: object = {}) {
    return this.request('POST', `/backups/uploads/${id}/complete`, {
      json: {
        chunkCount: chunks.length,
        totalBytes: chunks.reduce((s, c) => s + c.byteLength, 0),
        sha256: rootHashOf(chunks),
        manifest: Buffer.from(manifest).toString('base64url'),
        ...overrides,
      },
    });
  }

  /** Start, send every chunk, complete; throws on any unexpected status. */
  async backup(b: {
    id?: string;
    kind?: 'full' | 'incremental';
    parentId?: string | null;
    chunks: Uint8Array[];
  }): Promise<string> {
    const id = b.id ?? randomId();
    const size = b.chunks.reduce((s, c) => s + c.byteLength, 0);
    await expectStatus(this.start({ ...b, id, plannedBytes: size }), 201);
    for (const [i, chunk] of b.chunks.entries()) await expectStatus(this.putChunk(id, i, chunk), 201);
    await expectStatus(this.complete(id, b.chunks), 200);
    return id;
  }
}

export async function expectStatus(res: Response | Promise<Response>, status: number): Promise<Response> {
  const r = await res;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${await r.text()}`);
  return r;
}

export const json = async <T = Record<string, unknown>>(r: Response | Promise<Response>) =>
  (await (await r).json()) as T;

export const errorCode = async (r: Response | Promise<Response>) =>
  (await json<{ error: { code: string; message: string } }>(r)).error.code;

/** One counter or gauge from the app's registry, 0 when absent. */
export async function metricValue(t: TestBackups, name: string, labels = ''): Promise<number> {
  const text = await t.metrics.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

export interface BackupStoreSuite {
  db: Db;
  /** The app of the current test; a test may replace it (another config) with `buildApp`. */
  t: TestBackups;
  /** Signed in as a fresh owner per test. */
  me: Client;
  /** Another owner, fresh per test. */
  other: Client;
}

let userSeq = 0;

/** Registers the hooks of a backup-store suite: one migrated database, a fresh app and two owners per test. */
export function useBackupStore(): BackupStoreSuite {
  const s = {} as BackupStoreSuite;
  let cleanup: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    const opened = await openTestDb();
    s.db = opened.db;
    cleanup = opened.cleanup;
    await migrate(s.db);
  });
  afterAll(() => cleanup());
  beforeEach(async () => {
    s.t = buildApp(s.db);
    const a = `alice-${++userSeq}`;
    const b = `bob-${userSeq}`;
    await addUser(s.db, a);
    await addUser(s.db, b);
    s.me = new Client(s.t.app, a);
    s.other = new Client(s.t.app, b);
  });
  return s;
}
