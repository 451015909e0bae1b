import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
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

export function createApp(deps: AppDeps): Hono {
  const { log, metrics, sandbox } = deps;
  const app = new Hono();

  app.use('*', async (c, next) => {
    const started = performance.now();
    const route = routeGroup(c.req.path);
    await next();
    // A route's own policy wins (the relay answers with a stricter one).
    for (const [k, v] of Object.entries(securityHeaders)) if (!c.res.headers.has(k)) c.header(k, v);
    const seconds = (performance.now() - started) / 1000;
    metrics.httpRequests.inc({ method: c.req.method, route, status: String(c.res.status) });
    metrics.httpDuration.observe({ method: c.req.method, route }, seconds);
    const level = c.res.status >= 500 ? 'error' : c.res.status >= 400 ? 'warn' : 'debug';
    log[level]({
      method: c.req.method,
      path: loggablePath(c.req.path),
      status: c.res.status,
      ms: Math.round(seconds * 1000),
    });
  });
  app.use(
    '*',
    bodyLimit({
      maxSize: 1024 * 1024,
      onError: (c) => c.json({ error: 'Request body too large (limit 1 MiB)' }, 413),
    }),
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
    log.error(
      { err: { message: err.message, name: err.name }, path: loggablePath(c.req.path) },
      'unhandled error',
    );
    return c.json({ error: 'Internal server error' }, 500);
  });
  return app;
}

/** A relayed request's path is the exchange URL it targets, which may be signed: it is never logged. */
function loggablePath(path: string): string {
  return path.startsWith('/relay/') ? '/relay' : path;
}
