import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createApp, type AppDeps } from './app.js';
import { createRelay, createRelayAllowlist } from './relay/index.js';
import { createAuth } from './auth/index.js';
import { ConfigError, loadConfig } from './config.js';
import type { Db } from './db/db.js';
import { migrate } from './db/migrate.js';
import { openTestDb } from './db/test-support.js';
import { createMetrics } from './metrics.js';
import { createPgRateLimiter } from './rate-limit/pg-rate-limiter.js';
import { createSandbox, type Sandbox } from './sandbox/index.js';
import { silentLog } from './sandbox/test-support.js';

describe('loadConfig', () => {
  it('has sane defaults and reads the environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: 'localhost',
      sandboxSeed: 42,
      sandboxHistoryDays: 7,
      logLevel: 'info',
    });
    expect(c.dataDir).toMatch(/data$/);
    expect(loadConfig({ PORT: '8080', SANDBOX_SEED: '7', DATA_DIR: '/tmp/x', LOG_LEVEL: '' })).toMatchObject({
      port: 8080,
      sandboxSeed: 7,
      dataDir: '/tmp/x',
      logLevel: 'info',
    });
  });

  it('refuses bad values and says which', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => loadConfig({ SANDBOX_SEED: '-1' })).toThrow(/SANDBOX_SEED/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a postgres/);
  });

  it('derives the passkey site from HOST and PORT, and checks ORIGIN against RP_ID', () => {
    expect(loadConfig({ PORT: '4321' }).auth).toMatchObject({
      rpId: 'localhost',
      origins: ['http://localhost:4321'],
      sessionIdleMs: 7 * 24 * 3_600_000,
      sessionMaxMs: 30 * 86_400_000,
    });
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '80' }).auth.origins).toEqual(['http://localhost']);
    const prod = loadConfig({
      RP_ID: 'lyra.example.com',
      ORIGIN: 'https://lyra.example.com, https://app.lyra.example.com',
      DATABASE_URL: 'postgres://u:p@db/lyra',
    });
    expect(prod.auth.origins).toEqual(['https://lyra.example.com', 'https://app.lyra.example.com']);
    expect(prod.databaseUrl).toBe('postgres://u:p@db/lyra');
    expect(() => loadConfig({ RP_ID: 'lyra.example.com', ORIGIN: 'https://evil.example' })).toThrow(
      /not on RP_ID "lyra.example.com"/,
    );
    expect(() => loadConfig({ ORIGIN: 'https://localhost/app' })).toThrow(/no path/);
    expect(() => loadConfig({ ORIGIN: 'localhost' })).toThrow(/not a URL/);
    expect(() => loadConfig({ RP_ID: 'https://x.com' })).toThrow(/RP_ID/);
  });

  it('trusts a proxy only when told to', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(true);
    expect(() => loadConfig({ TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY: must be 1/);
  });
});

describe('server app', () => {
  let dir: string;
  let sandbox: Sandbox;
  let app: ReturnType<typeof createApp>;
  let deps: AppDeps;
  let db: Db;
  let closeDb: () => Promise<void>;

  beforeAll(async () => {
    ({ db, cleanup: closeDb } = await openTestDb());
    await migrate(db);
    dir = mkdtempSync(join(tmpdir(), 'lyra-static-'));
    mkdirSync(join(dir, '_app/immutable'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<p>home</p>');
    writeFileSync(join(dir, 'trade.html'), '<p>trade</p>');
    writeFileSync(join(dir, '200.html'), '<p>spa</p>');
    writeFileSync(join(dir, '_app/immutable/app.abc.js'), 'export {}');
    writeFileSync(join(dir, 'sw.js'), 'self');
    const metrics = createMetrics();
    sandbox = createSandbox({ seed: 1, historyDays: 0, log: silentLog, metrics: metrics.registry });
    deps = {
      log: silentLog,
      metrics,
      sandbox,
      staticDir: dir,
      version: '9.9.9',
      startedAt: Date.now(),
      db,
      auth: createAuth({
        db,
        config: loadConfig({}).auth,
        log: silentLog,
        rateLimiter: createPgRateLimiter(db),
      }),
    };
    app = createApp(deps);
  });
  afterAll(async () => {
    await sandbox.close();
    await closeDb();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });

  it('serves the prerendered pages and falls back to the SPA shell for deep links', async () => {
    expect(await (await get('/trade', { accept: 'text/html' })).text()).toBe('<p>trade</p>');
    expect(await (await get('/', { accept: 'text/html' })).text()).toBe('<p>home</p>');
    const deep = await get('/portfolio/positions', { accept: 'text/html' });
    expect(deep.status).toBe(200);
    expect(await deep.text()).toBe('<p>spa</p>');
    // A missing asset is a 404, not the shell (a script must never receive HTML).
    expect((await get('/_app/immutable/missing.js')).status).toBe(404);
  });

  it('caches hashed files forever and revalidates everything else', async () => {
    const asset = await get('/_app/immutable/app.abc.js');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('content-type')).toContain('javascript');
    const sw = await get('/sw.js');
    expect(sw.headers.get('cache-control')).toBe('no-cache');
    const again = await get('/sw.js', { 'if-none-match': sw.headers.get('etag')! });
    expect(again.status).toBe(304);
  });

  it('never serves files outside the build directory', async () => {
    for (const path of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/..%2fpackage.json',
      '/%2e%2e%2f%2e%2e%2fetc/passwd',
    ]) {
      const body = await (await get(path, { accept: 'text/html' })).text();
      expect(body).not.toContain('"name"');
      expect(body).not.toContain('root:');
    }
    expect((await get('/%E0%A4%A')).status).toBe(400);
  });

  it('reports health, metrics and sets security headers on every response', async () => {
    const health = await (await get('/healthz')).json();
    expect(health).toMatchObject({ status: 'ok', version: '9.9.9', sandbox: { seed: 1 }, database: db.kind });
    expect(health.sandbox.symbols).toContain('BTC/USDT');
    await get('/api/v3/ping');
    const metrics = await (await get('/metrics')).text();
    expect(metrics).toMatch(
      /lyra_http_requests_total\{method="GET",route="\/api\/v3\/ping",status="200"\} 1/,
    );
    expect(metrics).toContain('lyra_sandbox_');
    await get('/auth/me');
    expect(await (await get('/metrics')).text()).toMatch(
      /lyra_http_requests_total\{method="GET",route="\/auth",status="401"\} 1/,
    );
    const res = await get('/trade', { accept: 'text/html' });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('sets the security headers on pages, API answers and errors alike', async () => {
    for (const res of [
      await get('/trade', { accept: 'text/html' }),
      await get('/api/v3/ping'),
      await get('/auth/me'),
      await get('/_app/immutable/missing.js'),
    ]) {
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('sends Strict-Transport-Security only to requests that came over https', async () => {
    const hsts = 'max-age=63072000; includeSubDomains';
    const forwarded = { 'x-forwarded-proto': 'https' };
    expect((await app.request('https://lyra.example/healthz')).headers.get('strict-transport-security')).toBe(
      hsts,
    );
    expect((await get('/healthz')).headers.get('strict-transport-security')).toBeNull();
    // Anyone can send x-forwarded-proto: it counts only behind a proxy we were told to trust.
    expect((await get('/healthz', forwarded)).headers.get('strict-transport-security')).toBeNull();
    const proxied = createApp({ ...deps, trustProxy: true });
    const viaProxy = await proxied.request('/healthz', { headers: { 'x-forwarded-proto': 'https, http' } });
    expect(viaProxy.headers.get('strict-transport-security')).toBe(hsts);
    const plain = await proxied.request('/healthz', { headers: { 'x-forwarded-proto': 'http' } });
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    expect((await proxied.request('/healthz')).headers.get('strict-transport-security')).toBeNull();
  });

  it('refuses a body over 1 MiB with a JSON 413, except a backup chunk (the backups router limits those)', async () => {
    const big = 'x'.repeat(1024 * 1024 + 1);
    for (const init of [
      { method: 'POST', body: big },
      // Without a Content-Length the limit counts the bytes as they stream in.
      {
        method: 'POST',
        body: new Blob([big]).stream(),
        duplex: 'half',
      } as RequestInit,
    ]) {
      const res = await app.request('/sandbox/api-keys', init);
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect((await res.json()).error).toMatchObject({ code: 'body-too-large' });
    }
    const chunk = await app.request('/backups/uploads/abc/chunks/0', { method: 'PUT', body: big });
    expect(chunk.status).not.toBe(413);
    const notAChunk = await app.request('/backups/uploads/abc/chunks/0', { method: 'POST', body: big });
    expect(notAChunk.status).toBe(413);
  });

  it('counts errors by route group and status in /metrics', async () => {
    await get('/auth/me');
    await get('/api/v3/depth?symbol=NOPE');
    await app.request('/auth/sign-out', { method: 'POST' });
    const text = await (await get('/metrics')).text();
    expect(text).toMatch(/lyra_http_errors_total\{route="\/auth",status="401"\} \d+/);
    expect(text).toMatch(/lyra_http_errors_total\{route="\/auth",status="403"\} \d+/);
    expect(text).toMatch(/lyra_http_errors_total\{route="\/api\/v3\/depth",status="400"\} 1/);
    expect(text).toMatch(/lyra_http_request_duration_seconds_count\{method="GET",route="\/auth"\} \d+/);
    expect(text).not.toMatch(/lyra_http_errors_total\{[^}]*status="200"/);
  });

  it('answers sandbox errors in Binance shape through the app', async () => {
    const res = await get('/api/v3/depth?symbol=NOPE');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: -1121, msg: 'Invalid symbol.' });
  });
});

describe('server app with the relay mounted', () => {
  it('logs a relayed request as /relay: never the exchange URL it carries, which may be signed', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    const { db, cleanup } = await openTestDb();
    await migrate(db);
    const metrics = createMetrics();
    const sandbox = createSandbox({ seed: 1, historyDays: 0, log: silentLog });
    const rateLimiter = createPgRateLimiter(db);
    const auth = createAuth({ db, config: loadConfig({}).auth, log: silentLog, rateLimiter });
    try {
      const app = createApp({
        log,
        metrics,
        sandbox,
        staticDir: tmpdir(),
        version: '1',
        startedAt: Date.now(),
        db,
        auth,
        extraRoutes: [
          {
            path: '/relay',
            routes: createRelay({
              resolveSession: auth.resolveSession,
              allowlist: createRelayAllowlist({ exchanges: ['binance'] }),
              log: silentLog,
              rateLimiter,
            }),
          },
        ],
      });
      const target = encodeURIComponent('https://api.binance.com/api/v3/account?signature=s1gn4tur3x');
      const res = await app.request(`/relay/${target}`, { headers: { 'x-mbx-apikey': 'k3yk3yk3y' } });
      expect(res.status).toBe(401);
      const logged = lines.join('\n');
      expect(logged).toContain('"path":"/relay"');
      for (const leak of ['s1gn4tur3x', 'k3yk3yk3y', 'api.binance.com']) expect(logged).not.toContain(leak);
    } finally {
      await sandbox.close();
      await cleanup();
    }
  });
});
