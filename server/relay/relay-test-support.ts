/**
 * Real servers for the relay tests (not imported by production code): an upstream "exchange" that
 * records exactly what reached it, and the relay mounted the way the product server mounts it.
 */
import { serve, type ServerType } from '@hono/node-server';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Hono } from 'hono';
import { pino, type Logger } from 'pino';
import type { Db } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import { openPgliteDb } from '../db/pglite-db.js';
import { createPgRateLimiter, type PgRateLimiterOptions } from '../rate-limit/pg-rate-limiter.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import { createRelay, type RelayDeps, type RelaySession } from './relay.js';

export interface ReceivedRequest {
  method: string;
  /** The request target exactly as it arrived on the wire (path and query). */
  target: string;
  /** Header pairs as sent, names lower-cased. */
  headers: [string, string][];
  body: Buffer;
}

export interface RecordingUpstream {
  origin: string;
  received: ReceivedRequest[];
  header(request: ReceivedRequest, name: string): string | undefined;
  close(): Promise<void>;
}

type Responder = (req: ReceivedRequest, res: ServerResponse) => void;

const answerOk: Responder = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"ok":true}');
};

export async function startRecordingUpstream(respond: Responder = answerOk): Promise<RecordingUpstream> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: [string, string][] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        headers.push([(req.rawHeaders[i] ?? '').toLowerCase(), req.rawHeaders[i + 1] ?? '']);
      const record = {
        method: req.method ?? '',
        target: req.url ?? '',
        headers,
        body: Buffer.concat(chunks),
      };
      received.push(record);
      respond(record, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    header: (request, name) => request.headers.find(([n]) => n === name.toLowerCase())?.[1],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface RunningRelay {
  origin: string;
  /** Base for ccxt's proxyUrl and for hand-built requests: `${origin}/relay/`. */
  relayUrl: string;
  close(): Promise<void>;
}

let sharedDb: Promise<Db> | undefined;

/**
 * The production limiter on one in-memory database per test process, with keys namespaced per call:
 * each relay a test starts gets its own budget, as it had with a fresh server.
 */
export async function relayTestLimiter(options: PgRateLimiterOptions = {}): Promise<RateLimiter> {
  sharedDb ??= openPgliteDb().then(async (db) => {
    await migrate(db);
    return db;
  });
  const limiter = createPgRateLimiter(await sharedDb, options);
  const namespace = randomBytes(8).toString('hex');
  return { hit: (rule, key) => limiter.hit(rule, `${namespace}:${key}`) };
}

export type RelayServerDeps = Omit<RelayDeps, 'rateLimiter'> & { rateLimiter?: RateLimiter };

export async function startRelayServer(deps: RelayServerDeps): Promise<RunningRelay> {
  const app = new Hono();
  app.route('/relay', createRelay({ ...deps, rateLimiter: deps.rateLimiter ?? (await relayTestLimiter()) }));
  const server: ServerType = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    relayUrl: `${origin}/relay/`,
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const ownerSession: RelaySession = {
  sessionId: 'session-owner',
  userId: 'user-1',
  workspaceId: 'workspace-1',
  role: 'owner',
};

export const viewerSession: RelaySession = { ...ownerSession, sessionId: 'session-viewer', role: 'viewer' };

/** A pino logger whose every line is kept, to search for what must never be logged. */
export function capturingLog(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { log: pino({ level: 'trace' }, sink), lines };
}
