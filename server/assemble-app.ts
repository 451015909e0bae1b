import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { createAuth } from './auth/index.js';
import { createBackups } from './backups/index.js';
import type { ServerConfig } from './config.js';
import type { Db } from './db/db.js';
import type { ServerMetrics } from './metrics.js';
import { createPgRateLimiter } from './rate-limit/pg-rate-limiter.js';
import { createRelay, createRelayAllowlist } from './relay/index.js';
import type { Sandbox } from './sandbox/index.js';

export interface AssembleOptions {
  db: Db;
  config: ServerConfig;
  log: Logger;
  metrics: ServerMetrics;
  sandbox: Sandbox;
  version: string;
  startedAt: number;
  /** The relay's way out; tests pass a stub so nothing leaves the process. */
  relayFetch?: typeof fetch;
}

/**
 * Every router on one app, as the server runs it: auth, the relay, backups, the sandbox and the static
 * PWA. One place, so tests that drive every route (the fuzz test) exercise exactly what main.ts serves.
 */
export function assembleApp(o: AssembleOptions): Hono {
  const { db, config, log, metrics } = o;
  // Rate limits count in the database, so they hold across every process sharing it.
  const rateLimiter = createPgRateLimiter(db);
  const auth = createAuth({ db, config: config.auth, log: log.child({ module: 'auth' }), rateLimiter });
  // The relay forwards ccxt's signed requests for signed-in owners. The sandbox is served from our own
  // origin, the one plain-http target it accepts.
  const relay = createRelay({
    resolveSession: auth.resolveSession,
    allowlist: createRelayAllowlist({
      exchanges: config.relay.exchanges,
      extraHosts: config.relay.extraHosts,
      sandboxOrigin: config.auth.origins[0],
    }),
    log: log.child({ module: 'relay' }),
    metrics: metrics.registry,
    rateLimiter,
    ...(o.relayFetch ? { fetch: o.relayFetch } : {}),
  });
  // End-to-end-encrypted backups: ciphertext in, ciphertext out, for the signed-in owner.
  const backups = createBackups({
    db,
    requireOwner: auth.requireSession({ role: 'owner' }),
    limiter: rateLimiter,
    config: config.backups,
    log: log.child({ module: 'backups' }),
    metrics: metrics.registry,
  });
  return createApp({
    log: log.child({ module: 'http' }),
    metrics,
    sandbox: o.sandbox,
    staticDir: config.staticDir,
    version: o.version,
    startedAt: o.startedAt,
    db,
    auth,
    extraRoutes: [
      { path: '/relay', routes: relay },
      { path: '/', routes: backups },
    ],
    trustProxy: config.trustProxy,
  });
}
