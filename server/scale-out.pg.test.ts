/**
 * Scale-out: two real server processes on one PostgreSQL database, as behind a load balancer. A session
 * made on one is valid on the other, a backup uploaded through one is listed and restorable through the
 * other, and rate limits count across both. Runs only in Vitest's "postgres" project.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SoftAuthenticator } from './auth/test-support.js';
import type {} from './db/test-support.js'; // declares inject('databaseUrl')

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const rateLimit = 10;

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** One server process and everything it was given, killed and removed in afterAll. */
interface ServerProcess {
  name: string;
  port: number;
  child: ChildProcess;
  dir: string;
  output: string[];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Plain HTTP over a real socket. `localAddress` picks the client's address on the loopback network, so a
 * test can count against an address (rate-limit key) that no other test has used.
 */
function call(
  server: ServerProcess,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; localAddress?: string } = {},
): Promise<Reply> {
  const raw =
    options.body === undefined
      ? undefined
      : Buffer.isBuffer(options.body)
        ? options.body
        : Buffer.from(JSON.stringify(options.body));
  const headers: Record<string, string> = { origin, ...options.headers };
  if (raw) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(raw.length);
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: server.port, method, path, headers, localAddress: options.localAddress },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: () => JSON.parse(body.toString('utf8')),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(raw);
  });
}

// Both processes accept the same origin, as two backends behind one public address would.
let origin = '';

/** A browser with one cookie jar, talking to whichever process the test names. */
class Browser {
  cookie = '';
  readonly authenticator = new SoftAuthenticator({ origin, rpId: 'localhost' });

  async call(server: ServerProcess, method: string, path: string, body?: unknown, headers = {}) {
    const res = await call(server, method, path, {
      body,
      headers: { ...headers, ...(this.cookie ? { cookie: this.cookie } : {}) },
    });
    const setCookie = res.headers['set-cookie'];
    const session = setCookie?.map((c) => c.split(';')[0]!).find((c) => c.startsWith('lyra_session='));
    if (session !== undefined) this.cookie = session.endsWith('=') ? '' : session;
    return res;
  }

  async register(server: ServerProcess, displayName: string) {
    const options = await this.call(server, 'POST', '/auth/register/options', { displayName });
    expect(options.status, options.body.toString()).toBe(200);
    const response = this.authenticator.register(options.json());
    return this.call(server, 'POST', '/auth/register/verify', { response });
  }

  async signIn(server: ServerProcess) {
    const options = await this.call(server, 'POST', '/auth/sign-in/options', {});
    expect(options.status, options.body.toString()).toBe(200);
    const response = this.authenticator.signIn(options.json());
    return this.call(server, 'POST', '/auth/sign-in/verify', { response });
  }
}

async function startServer(
  name: string,
  port: number,
  databaseUrl: string,
  started: ServerProcess[],
): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), `lyra-scale-${name}-`));
  // A stand-in build, so the server does not build the app on start.
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Lyra</title>');
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: join(dir, 'data'),
      STATIC_DIR: dir,
      DATABASE_URL: databaseUrl,
      RP_ID: 'localhost',
      ORIGIN: origin,
      SANDBOX_HISTORY_DAYS: '1',
      LOG_LEVEL: 'warn',
      AUTH_RATE_LIMIT_PER_MINUTE: String(rateLimit),
    },
  });
  const server: ServerProcess = { name, port, child, dir, output: [] };
  started.push(server);
  const keep = (data: Buffer) => {
    server.output.push(data.toString());
    if (server.output.length > 200) server.output.shift();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `server ${name} exited (${child.exitCode ?? child.signalCode}):\n${server.output.join('')}`,
      );
    }
    try {
      const health = await call(server, 'GET', '/healthz');
      if (health.status === 200) {
        expect(health.json()).toMatchObject({ status: 'ok', database: 'postgres' });
        return server;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server ${name} not healthy:\n${server.output.join('')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stopServer(server: ServerProcess): Promise<void> {
  const { child } = server;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(server.dir, { recursive: true, force: true });
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();

describe('two server processes on one PostgreSQL', () => {
  const started: ServerProcess[] = [];
  let a: ServerProcess;
  let b: ServerProcess;
  let admin: pg.Client | undefined;
  let schema = '';
  // Should the test run itself die, the servers go with it.
  const killAll = () => started.forEach((s) => s.child.kill('SIGKILL'));

  beforeAll(async () => {
    const url = inject('databaseUrl');
    if (!url) throw new Error('The scale-out test needs a PostgreSQL server (Vitest project "postgres").');
    process.once('exit', killAll);
    // A schema of its own on the run's database: both processes use it, no other test sees it.
    schema = `lyra_scale_${randomBytes(6).toString('hex')}`;
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    const shared = new URL(url);
    shared.searchParams.set('options', `-c search_path=${schema}`);

    const [portA, portB] = [await freePort(), await freePort()];
    origin = `http://localhost:${portA}`;
    // Started together: both migrate the empty schema at once, as a rolling deploy would.
    [a, b] = await Promise.all([
      startServer('a', portA, shared.href, started),
      startServer('b', portB, shared.href, started),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(started.map(stopServer));
    process.off('exit', killAll);
    if (admin) {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
      await admin.end();
    }
  });

  const browser = () => new Browser();
  let owner: Browser;

  it('honours a session made on one process on the other, and a sign-out on either everywhere', async () => {
    owner = browser();
    const registered = await owner.register(a, 'Ada');
    expect(registered.status, registered.body.toString()).toBe(201);
    expect(owner.cookie).toMatch(/^lyra_session=./);
    const onA = await owner.call(a, 'GET', '/auth/me');
    const onB = await owner.call(b, 'GET', '/auth/me');
    expect(onB.status).toBe(200);
    expect(onB.json()).toEqual(onA.json());
    expect(onB.json()).toMatchObject({ role: 'owner', user: { displayName: 'Ada' } });

    const cookie = owner.cookie;
    expect((await owner.call(b, 'POST', '/auth/sign-out')).status).toBe(200);
    const stale = new Browser();
    stale.cookie = cookie;
    expect((await stale.call(a, 'GET', '/auth/me')).status).toBe(401);
    expect((await stale.call(b, 'GET', '/auth/me')).status).toBe(401);

    // Signing in again on B gives a session A accepts.
    const signedIn = await owner.signIn(b);
    expect(signedIn.status, signedIn.body.toString()).toBe(200);
    expect((await owner.call(a, 'GET', '/auth/me')).status).toBe(200);
  });

  const chunkHeaders = (chunk: Buffer) => ({
    'content-type': 'application/octet-stream',
    'x-chunk-sha256': sha256(chunk).toString('hex'),
  });
  const startUpload = (server: ServerProcess, id: string, chunks: Buffer[]) =>
    owner.call(server, 'POST', '/backups/uploads', {
      id,
      kind: 'full',
      parentId: null,
      format: 1,
      dataKeyId: 'k1',
      plannedBytes: chunks.reduce((n, c) => n + c.length, 0),
    });
  const putChunk = (server: ServerProcess, id: string, index: number, chunk: Buffer) =>
    owner.call(server, 'PUT', `/backups/uploads/${id}/chunks/${index}`, chunk, chunkHeaders(chunk));
  const complete = (server: ServerProcess, id: string, chunks: Buffer[]) =>
    owner.call(server, 'POST', `/backups/uploads/${id}/complete`, {
      chunkCount: chunks.length,
      totalBytes: chunks.reduce((n, c) => n + c.length, 0),
      sha256: sha256(Buffer.concat(chunks.map(sha256))).toString('hex'),
      manifest: randomBytes(48).toString('base64url'),
    });
  const expectRestorable = async (server: ServerProcess, id: string, chunks: Buffer[]) => {
    const list = await owner.call(server, 'GET', '/backups');
    expect(list.status, list.body.toString()).toBe(200);
    const versions = (list.json() as { versions: Array<{ id: string }> }).versions;
    expect(versions.map((v) => v.id)).toContain(id);
    for (const [i, chunk] of chunks.entries()) {
      const got = await owner.call(server, 'GET', `/backups/${id}/chunks/${i}`);
      expect(got.status).toBe(200);
      expect(got.body.equals(chunk), `chunk ${i} of ${id} on ${server.name}`).toBe(true);
    }
  };

  it('lists and restores on one process a backup uploaded through the other', async () => {
    const id = `scale-${randomBytes(8).toString('hex')}`;
    const chunks = [randomBytes(64 * 1024), randomBytes(64 * 1024), randomBytes(1000)];
    const start = await startUpload(a, id, chunks);
    expect(start.status, start.body.toString()).toBe(201);
    expect(start.json()).toMatchObject({ received: [] });
    for (const [i, chunk] of chunks.entries()) {
      const put = await putChunk(a, id, i, chunk);
      expect(put.status, put.body.toString()).toBe(201);
    }
    const done = await complete(a, id, chunks);
    expect(done.status, done.body.toString()).toBe(200);
    await expectRestorable(b, id, chunks);
  });

  it('resumes and completes on one process an upload started on the other', async () => {
    const id = `resume-${randomBytes(8).toString('hex')}`;
    const chunks = [randomBytes(32 * 1024), randomBytes(32 * 1024), randomBytes(32 * 1024), randomBytes(7)];
    expect((await startUpload(a, id, chunks)).status).toBe(201);
    for (const i of [0, 2]) expect((await putChunk(a, id, i, chunks[i]!)).status).toBe(201);

    // B sees what A received, so the client resends only the rest there.
    const status = await owner.call(b, 'GET', `/backups/uploads/${id}`);
    expect(status.status, status.body.toString()).toBe(200);
    const received = (status.json() as { received: Array<{ index: number; size: number; sha256: string }> })
      .received;
    expect([...received].sort((x, y) => x.index - y.index)).toEqual(
      [0, 2].map((i) => ({
        index: i,
        size: chunks[i]!.length,
        sha256: sha256(chunks[i]!).toString('hex'),
      })),
    );
    for (const i of [1, 3]) expect((await putChunk(b, id, i, chunks[i]!)).status).toBe(201);
    const done = await complete(b, id, chunks);
    expect(done.status, done.body.toString()).toBe(200);
    await expectRestorable(a, id, chunks);
    await expectRestorable(b, id, chunks);
  });

  it('counts the sign-in rate limit across both processes', async () => {
    // The limiter's windows are aligned minutes: start clear of a boundary so all requests share one.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 55_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));
    // An address on the loopback network no other test used, so its counter starts at zero.
    const localAddress = '127.0.0.2';
    const statuses: number[] = [];
    for (let i = 0; i < rateLimit + 2; i++) {
      const server = i % 2 === 0 ? a : b;
      const res = await call(server, 'POST', '/auth/sign-in/options', { body: {}, localAddress });
      statuses.push(res.status);
    }
    // Each process alone would allow 10, i.e. 20 in all; together they allow 10, then refuse on both.
    expect(statuses).toEqual([...Array<number>(rateLimit).fill(200), 429, 429]);
  });
});
