/**
 * The whole server app as server/main.ts assembles it (auth, relay, backups, sandbox, static files) on an
 * in-memory database, for tests that drive every route (not imported by production code). The relay's
 * upstream is a stub, so nothing leaves the process; the sandbox's live loop is never started.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { assembleApp } from './assemble-app.js';
import { SoftAuthenticator } from './auth/test-support.js';
import { loadConfig } from './config.js';
import type { Db } from './db/db.js';
import { migrate } from './db/migrate.js';
import { openTestDb } from './db/test-support.js';
import { createMetrics, type ServerMetrics } from './metrics.js';
import { createSandbox, type Sandbox } from './sandbox/index.js';

export const testOrigin = 'http://localhost:3000';

export interface FullTestApp {
  app: Hono;
  db: Db;
  metrics: ServerMetrics;
  sandbox: Sandbox;
  /** Registers an owner with a software passkey; returns the `name=value` session cookie. */
  signUp(displayName?: string): Promise<string>;
  close(): Promise<void>;
}

export interface FullTestAppOptions {
  log: Logger;
  /** What the relay's exchange answers; by default 200 {"ok":true}. */
  relayFetch?: typeof fetch;
}

export async function startFullTestApp(options: FullTestAppOptions): Promise<FullTestApp> {
  const { log } = options;
  const config = loadConfig({ PORT: '3000', AUTH_RATE_LIMIT_PER_MINUTE: '100000' });
  const { db, cleanup } = await openTestDb();
  await migrate(db);
  const staticDir = mkdtempSync(join(tmpdir(), 'lyra-app-'));
  writeFileSync(join(staticDir, 'index.html'), '<p>home</p>');
  writeFileSync(join(staticDir, '200.html'), '<p>spa</p>');

  const metrics = createMetrics();
  const sandbox = createSandbox({
    seed: 1,
    historyDays: 0,
    log: log.child({ module: 'sandbox' }),
    metrics: metrics.registry,
  });
  const app = assembleApp({
    db,
    config: { ...config, staticDir, backups: { ...config.backups, maxChunkBytes: 64 * 1024 } },
    log,
    metrics,
    sandbox,
    version: 'test',
    startedAt: Date.now(),
    relayFetch: options.relayFetch ?? (async () => Response.json({ ok: true })),
  });

  const signUp = async (displayName = 'Owner'): Promise<string> => {
    const authenticator = new SoftAuthenticator({ origin: testOrigin, rpId: config.auth.rpId });
    const headers = { origin: testOrigin, 'content-type': 'application/json' };
    const options = await app.request('/auth/register/options', {
      method: 'POST',
      headers,
      body: JSON.stringify({ displayName }),
    });
    const verified = await app.request('/auth/register/verify', {
      method: 'POST',
      headers,
      body: JSON.stringify({ response: authenticator.register(await options.json()) }),
    });
    const cookie = verified.headers.get('set-cookie')?.split(';')[0];
    if (verified.status !== 201 || !cookie) throw new Error(`sign-up failed: HTTP ${verified.status}`);
    return cookie;
  };

  return {
    app,
    db,
    metrics,
    sandbox,
    signUp,
    close: async () => {
      await sandbox.close();
      await cleanup();
      rmSync(staticDir, { recursive: true, force: true });
    },
  };
}
