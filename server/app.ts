import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import type { Auth } from './auth/index.js';
import type { Db } from './db/db.js';
import { routeGroup, type ServerMetrics } from './metrics.js';
import type { Sandbox } from './sandbox/index.js';
import { staticFiles } from './static-files.js';

export interface AppDeps {
  log: Logger;
  metrics: ServerMetrics;
  sandbox: Sandbox;
  staticDir: string;
  version: string;
  startedAt: number;
  db: Db;
  /** Passkey sign-in under /auth/*, and the session checks other routers use. */
  auth: Auth;
  /**
   * Further routers mounted before the static files, e.g. the relay at '/relay' built with
   * `auth.resolveSession` or `auth.requireSession()`.
   */
  extraRoutes?: Array<{ path: string; routes: Hono }>;
  /** TRUST_PROXY: believe a reverse proxy's x-forwarded-proto (for Strict-Transport-Security). */
  trustProxy?: boolean;
}

// Headers that hold for every response. The page's own script policy (hashes of SvelteKit's inline
// bootstrap) is emitted by the build as a <meta> CSP; frame-ancestors only works as a header.
const securityHeaders: Record<string, string> = {
  'content-security-policy': "frame-ancestors 'none'; base-uri 'self'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};
// Two years, the preload list's minimum. Sent only over https: over plain http a browser ignores it,
// and a development server on localhost must not pin every localhost port to https.
const hsts = 'max-age=63072000; includeSubDomains';

const defaultBodyLimit = 1024 * 1024;
// Backup chunks are larger than any other body; the backups router applies its own limit to them.
const backupChunk = /^\/backups\/uploads\/[^/]+\/chunks\/[^/]+$/;

export function createApp(deps: AppDeps): Hono {
  const { log, metrics, sandbox } = deps;
  const app = new Hono();

  app.use('*', async (c, next) => {
    const started = performance.now();
    const route = routeGroup(c.req.path);
    await next();
    // A route's own policy wins (the relay answers with a stricter one).
    for (const [k, v] of Object.entries(securityHeaders)) if (!c.res.headers.has(k)) c.header(k, v);
    if (cameOverTls(c, deps.trustProxy ?? false)) c.header('strict-transport-security', hsts);
    const seconds = (performance.now() - started) / 1000;
    const status = String(c.res.status);
    metrics.httpRequests.inc({ method: c.req.method, route, status });
    if (c.res.status >= 400) metrics.httpErrors.inc({ route, status });
    metrics.httpDuration.observe({ method: c.req.method, route }, seconds);
    const level = c.res.status >= 500 ? 'error' : c.res.status >= 400 ? 'warn' : 'debug';
    log[level]({
      method: c.req.method,
      path: loggablePath(c.req.path),
      status: c.res.status,
      ms: Math.round(seconds * 1000),
    });
  });
  const limitBody = bodyLimit({
    maxSize: defaultBodyLimit,
    onError: (c) =>
      jsonError(
        c,
        413,
        'body-too-large',
        'The request body is too large (limit 1 MiB). Send less data in one request.',
      ),
  });
  app.use('*', (c, next) =>
    c.req.method === 'PUT' && backupChunk.test(c.req.path) ? next() : limitBody(c, next),
  );

  app.get('/healthz', (c) =>
    c.json({
      status: 'ok',
      version: deps.version,
      uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
      sandbox: sandbox.info(),
      database: deps.db.kind,
    }),
  );
  app.get('/metrics', async (c) => {
    c.header('content-type', metrics.registry.contentType);
    return c.body(await metrics.registry.metrics());
  });

  app.route('/', deps.auth.routes);
  for (const extra of deps.extraRoutes ?? []) app.route(extra.path, extra.routes);
  app.route('/', sandbox.routes);
  app.all('*', staticFiles(deps.staticDir));

  app.onError((err, c) => {
    // Thrown by Hono's own middleware (a body limit without a handler of its own, for one).
    if (err instanceof HTTPException && err.status < 500) {
      const tooLarge = err.status === 413;
      return jsonError(
        c,
        err.status as ContentfulStatusCode,
        tooLarge ? 'body-too-large' : 'bad-request',
        tooLarge
          ? 'The request body is too large. Send less data in one request.'
          : err.message || 'The request was not understood. Check its method, headers and body.',
      );
    }
    log.error(
      { err: { message: err.message, name: err.name }, path: loggablePath(c.req.path) },
      'unhandled error',
    );
    return jsonError(c, 500, 'internal', 'Something went wrong on the server. Try again.');
  });
  return app;
}

function jsonError(c: Context, status: ContentfulStatusCode, code: string, message: string): Response {
  return c.json({ error: { code, message } }, status);
}

/**
 * Whether the browser reached us over https: directly, or through a reverse proxy that says so. The
 * proxy's header is believed only with TRUST_PROXY=1, as anyone can send it to a server facing them.
 */
function cameOverTls(c: Context, trustProxy: boolean): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  if (!trustProxy) return false;
  // A chain of proxies appends: the first value is what the client-facing one saw.
  const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return proto === 'https';
}

/** A relayed request's path is the exchange URL it targets, which may be signed: it is never logged. */
function loggablePath(path: string): string {
  return path.startsWith('/relay/') ? '/relay' : path;
}
