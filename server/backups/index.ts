import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { AuthError, errorResponse } from '../auth/errors.js';
import type { SessionEnv } from '../auth/session.js';
import type { BackupConfig } from '../config.js';
import type { Db } from '../db/db.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import { BackupError } from './errors.js';
import { backupMetrics } from './metrics.js';
import { backupsRateRule, limitPerSession } from './rate-limit.js';
import { registerUploadRoutes } from './upload-routes.js';
import { registerVersionRoutes } from './version-routes.js';

export type { BackupConfig } from '../config.js';
export { versionsToDelete, type RetainedVersion, type RetentionPolicy } from './retention.js';

export interface BackupsDeps {
  db: Db;
  /** auth.requireSession({ role: 'owner' }): sets c.var.session; viewers get 403. */
  requireOwner: MiddlewareHandler<SessionEnv>;
  limiter: RateLimiter;
  config: BackupConfig;
  log: Logger;
  metrics: Registry;
  /** The clock for created/completed times and retention (tests move it forward). */
  now?: () => number;
}

// Holds a start request, a key bundle (64 KiB) or a completion with the largest manifest (256 KiB, as
// base64url about 342 KiB).
const jsonLimitBytes = 384 * 1024;
const chunkPath = /^\/backups\/uploads\/[^/]+\/chunks\/[^/]+$/;

/**
 * The end-to-end-encrypted backup store: the browser encrypts, the server keeps ciphertext, sizes and
 * checksums. Every route is under /backups/ and needs the workspace owner; mount at '/'. See README.md.
 */
export function createBackups(deps: BackupsDeps): Hono {
  const { db, config, log } = deps;
  const metrics = backupMetrics(deps.metrics);
  const app = new Hono<SessionEnv>();

  const jsonLimit = bodyLimit({
    maxSize: jsonLimitBytes,
    onError: (c) => {
      metrics.rejected('body-too-large');
      return errorResponse(c, 413, 'body-too-large', 'The request body is too large (limit 384 KiB).');
    },
  });
  const chunkLimit = bodyLimit({
    maxSize: config.maxChunkBytes,
    onError: (c) => {
      metrics.rejected('chunk-too-large');
      return errorResponse(
        c,
        413,
        'chunk-too-large',
        `A chunk may hold at most ${config.maxChunkBytes} bytes on this server; split the backup into smaller chunks.`,
      );
    },
  });
  const limited = limitPerSession(deps.limiter, backupsRateRule, () => metrics.rejected('rate-limited'));
  // Answers hold manifests and ciphertext: no cache (the service worker's included) should keep them.
  const noStore: MiddlewareHandler = async (c, next) => {
    await next();
    c.header('cache-control', 'no-store');
  };
  // '/backups/*' also matches '/backups' itself.
  app.use('/backups/*', noStore, deps.requireOwner, limited, (c, next) =>
    c.req.method === 'PUT' && chunkPath.test(c.req.path) ? chunkLimit(c, next) : jsonLimit(c, next),
  );

  const ctx = { app, db, config, log, metrics, now: deps.now ?? Date.now };
  registerUploadRoutes(ctx);
  registerVersionRoutes(ctx);

  app.all('/backups/*', (c) =>
    errorResponse(
      c,
      404,
      'not-found',
      `There is no ${c.req.method} ${c.req.path} endpoint. See server/backups/README.md.`,
    ),
  );

  app.onError((err, c) => {
    if (err instanceof BackupError || err instanceof AuthError) {
      metrics.rejected(err.code);
      return errorResponse(c, err.status, err.code, err.message);
    }
    // Only the error's name and message: bodies, manifests and chunks are never logged.
    log.error({ err: { message: err.message, name: err.name }, path: c.req.path }, 'backup request failed');
    return errorResponse(c, 500, 'internal', 'Something went wrong on the server. Try again.');
  });

  return app as unknown as Hono;
}
