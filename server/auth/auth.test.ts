import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import type { AuthConfig } from '../config.js';
import type { Db } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import { openTestDb } from '../db/test-support.js';
import { createMetrics } from '../metrics.js';
import { createPgRateLimiter } from '../rate-limit/pg-rate-limiter.js';
import { createSandbox, type Sandbox } from '../sandbox/index.js';
import { ManualClock, silentLog } from '../sandbox/test-support.js';
import { createAuth, type Auth } from './index.js';
import { SoftAuthenticator } from './test-support.js';

const origin = 'http://localhost:3000';
const config: AuthConfig = {
  rpId: 'localhost',
  rpName: 'Lyra test',
  origins: [origin],
  sessionIdleMs: 60 * 60_000,
  sessionMaxMs: 24 * 60 * 60_000,
  rateLimitPerMinute: 1000,
};

type App = ReturnType<typeof createApp>;

/** One browser: keeps its cookie and sends the page's origin, like fetch from the Account screen. */
class Browser {
  cookie = '';
  constructor(
    private readonly app: App,
    readonly authenticator = new SoftAuthenticator({ origin, rpId: config.rpId, prf: true }),
    private readonly userAgent = 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0',
  ) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await this.app.request(path, {
      method,
      headers: {
        origin,
        'user-agent': this.userAgent,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const set = res.headers.get('set-cookie');
    if (set) {
      const pair = set.split(';')[0]!;
      this.cookie = pair.endsWith('=') ? '' : pair;
    }
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, setCookie: set };
  }

  async register(displayName: string, extra: { inviteToken?: string } = {}) {
    const options = await this.call('POST', '/auth/register/options', { displayName, ...extra });
    expect(options.status, JSON.stringify(options.body)).toBe(200);
    const response = this.authenticator.register(options.body);
    return {
      options: options.body,
      response,
      result: await this.call('POST', '/auth/register/verify', { response }),
    };
  }

  async signIn(which = 0) {
    const options = await this.call('POST', '/auth/sign-in/options', {});
    const response = this.authenticator.signIn(options.body, which);
    return { response, result: await this.call('POST', '/auth/sign-in/verify', { response }) };
  }
}

describe('passkey auth through the app', () => {
  let db: Db;
  let cleanup: () => Promise<void>;
  let sandbox: Sandbox;
  let app: App;
  let auth: Auth;
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 12));

  beforeAll(async () => {
    ({ db, cleanup } = await openTestDb());
    await migrate(db);
    const metrics = createMetrics();
    sandbox = createSandbox({ seed: 1, historyDays: 0, log: silentLog, metrics: metrics.registry });
    auth = createAuth({
      db,
      config,
      log: silentLog,
      rateLimiter: createPgRateLimiter(db, { now: () => clock.now() }),
      now: () => clock.now(),
    });
    // A stand-in for the relay: an owner-only route built from the exported middleware.
    const { Hono } = await import('hono');
    const relay = new Hono();
    relay.get('/whoami', auth.requireSession(), async (c) => c.json(await auth.resolveSession(c)));
    relay.post('/trade', auth.requireSession({ role: 'owner' }), (c) => c.json({ traded: true }));
    app = createApp({
      log: silentLog,
      metrics,
      sandbox,
      staticDir: '/nonexistent',
      version: 't',
      startedAt: 0,
      db,
      auth,
      extraRoutes: [{ path: '/relay', routes: relay }],
    });
  });
  afterAll(async () => {
    await sandbox.close();
    await cleanup();
  });

  it('registers an owner with a passkey, sets a safe session cookie and reports PRF', async () => {
    const b = new Browser(app);
    const { options, result } = await b.register('Ada');
    expect(options.authenticatorSelection).toMatchObject({
      residentKey: 'required',
      userVerification: 'required',
    });
    expect(options.extensions).toMatchObject({ prf: {} });
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ role: 'owner', prfAvailable: true, user: { displayName: 'Ada' } });
    expect(result.setCookie).toMatch(/HttpOnly/);
    expect(result.setCookie).toMatch(/SameSite=Strict/);
    expect(result.setCookie).not.toMatch(/Secure/); // plain http on localhost
    const token = decodeURIComponent(b.cookie.split('=')[1]!);
    // Only the token's hash is stored.
    const stored = await db.query<{ token_hash: string }>('SELECT token_hash FROM sessions');
    expect(stored.some((s) => s.token_hash === token)).toBe(false);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const me = await b.call('GET', '/auth/me');
    expect(me.body).toMatchObject({ role: 'owner', prfAvailable: true, user: { displayName: 'Ada' } });
  });

  it('marks the cookie Secure when the page is served over https', async () => {
    const httpsApp = createApp({
      log: silentLog,
      metrics: createMetrics(),
      sandbox,
      staticDir: '/nonexistent',
      version: 't',
      startedAt: 0,
      db,
      auth: createAuth({
        db,
        config: { ...config, origins: ['https://localhost'] },
        log: silentLog,
        rateLimiter: createPgRateLimiter(db),
      }),
    });
    const a = new SoftAuthenticator({ origin: 'https://localhost', rpId: 'localhost' });
    const headers = { origin: 'https://localhost', 'content-type': 'application/json' };
    const options = await (
      await httpsApp.request('https://localhost/auth/register/options', {
        method: 'POST',
        headers,
        body: JSON.stringify({ displayName: 'Sec' }),
      })
    ).json();
    const res = await httpsApp.request('https://localhost/auth/register/verify', {
      method: 'POST',
      headers,
      body: JSON.stringify({ response: a.register(options) }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('set-cookie')).toMatch(/Secure/);
  });

  it('signs out and back in with the discoverable passkey; reports PRF off for a passkey without it', async () => {
    const b = new Browser(app, new SoftAuthenticator({ origin, rpId: 'localhost', prf: false }));
    expect((await b.register('Bea')).result.body.prfAvailable).toBe(false);
    expect((await b.call('POST', '/auth/sign-out')).status).toBe(200);
    expect(b.cookie).toBe('');
    expect((await b.call('GET', '/auth/me')).status).toBe(401);
    const { result } = await b.signIn();
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ role: 'owner', prfAvailable: false, user: { displayName: 'Bea' } });
    const passkeys = (await b.call('GET', '/auth/passkeys')).body.passkeys;
    expect(passkeys).toHaveLength(1);
    expect(passkeys[0].lastUsedAt).toBe(new Date(clock.now()).toISOString());
  });

  it('refuses a replayed registration and a replayed sign-in', async () => {
    const b = new Browser(app);
    const { response } = await b.register('Cy');
    const replayRegister = await new Browser(app).call('POST', '/auth/register/verify', { response });
    expect(replayRegister.status).toBe(400);
    expect(replayRegister.body.error.code).toBe('challenge-used');
    const { response: assertion, result } = await b.signIn();
    expect(result.status).toBe(200);
    const thief = new Browser(app);
    const replay = await thief.call('POST', '/auth/sign-in/verify', { response: assertion });
    expect(replay.status).toBe(400);
    expect(replay.body.error).toEqual({
      code: 'challenge-used',
      message: expect.stringMatching(/works once/),
    });
    expect(thief.cookie).toBe('');
  });

  it('refuses a challenge older than 5 minutes, and one it never issued', async () => {
    const b = new Browser(app);
    await b.register('Dee');
    await b.call('POST', '/auth/sign-out');
    const options = await b.call('POST', '/auth/sign-in/options', {});
    clock.t += 5 * 60_000 + 1;
    const late = await b.call('POST', '/auth/sign-in/verify', {
      response: b.authenticator.signIn(options.body),
    });
    expect(late.status).toBe(400);
    expect(late.body.error.code).toBe('challenge-expired');
    expect(late.body.error.message).toMatch(/5 minutes/);
    const forged = await b.call('POST', '/auth/sign-in/verify', {
      response: b.authenticator.signIn({ challenge: 'bm90LWlzc3VlZC1ieS10aGUtc2VydmVy' }),
    });
    expect(forged.body.error.code).toBe('challenge-unknown');
    // A fresh challenge inside the window works.
    expect((await b.signIn()).result.status).toBe(200);
  });

  it('refuses a sign-in whose signature counter went backwards (a cloned passkey)', async () => {
    const b = new Browser(app);
    await b.register('Eve');
    await b.signIn(); // counter 1
    await b.signIn(); // counter 2
    const options = await b.call('POST', '/auth/sign-in/options', {});
    const res = await b.call('POST', '/auth/sign-in/verify', {
      response: b.authenticator.signIn(options.body, 0, { counter: 1 }),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('counter-regressed');
  });

  it('refuses a response made for another origin, and requests from foreign pages', async () => {
    const b = new Browser(app);
    const options = await b.call('POST', '/auth/register/options', { displayName: 'Mallory' });
    const response = b.authenticator.register(options.body, { origin: 'https://evil.example' });
    const res = await b.call('POST', '/auth/register/verify', { response });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('verification-failed');
    const foreign = await b.call('POST', '/auth/sign-in/options', {}, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('origin-refused');
  });

  it('validates bodies and says what is wrong', async () => {
    const b = new Browser(app);
    const empty = await b.call('POST', '/auth/register/options', { displayName: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('invalid-body');
    expect(empty.body.error.message).toMatch(/displayName/);
    const options = await b.call('POST', '/auth/register/options', { displayName: 'Fay' });
    const response = b.authenticator.register(options.body);
    const leaky = {
      ...response,
      clientExtensionResults: { prf: { enabled: true, results: { first: 'AAAA' } } },
    };
    const refused = await b.call('POST', '/auth/register/verify', { response: leaky });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/PRF results/);
    const notJson = await b.call('POST', '/auth/sign-in/verify', undefined, {
      'content-type': 'application/json',
    });
    expect(notJson.body.error.code).toBe('invalid-body');
    expect((await b.call('GET', '/auth/nope')).body.error.code).toBe('not-found');
  });

  it('adds a second passkey, renames it, and refuses to revoke the last one', async () => {
    const b = new Browser(app);
    await b.register('Gus');
    const second = new SoftAuthenticator({ origin, rpId: 'localhost', prf: true });
    clock.t += 1000; // the list is in order of creation
    const options = await b.call('POST', '/auth/passkeys/options', {});
    expect(options.body.excludeCredentials).toHaveLength(1);
    const added = await b.call('POST', '/auth/passkeys/verify', {
      response: second.register(options.body),
      passkeyName: 'Phone',
    });
    expect(added.status).toBe(201);
    expect(added.body.passkey).toMatchObject({ name: 'Phone', prfEnabled: true });
    // The new passkey signs in to the same account (same user handle).
    const other = new Browser(app, second);
    expect((await other.signIn()).result.body.user.displayName).toBe('Gus');

    const list = (await b.call('GET', '/auth/passkeys')).body.passkeys;
    expect(list.map((p: { name: string }) => p.name)).toEqual(['Passkey on Chrome on Linux', 'Phone']);
    // Without a name, a third passkey gets a default that differs from the first's.
    const third = new SoftAuthenticator({ origin, rpId: 'localhost' });
    clock.t += 1000;
    const thirdOptions = await b.call('POST', '/auth/passkeys/options', {});
    const thirdAdded = await b.call('POST', '/auth/passkeys/verify', {
      response: third.register(thirdOptions.body),
    });
    expect(thirdAdded.body.passkey.name).toBe('Passkey on Chrome on Linux (2)');
    expect((await b.call('DELETE', `/auth/passkeys/${thirdAdded.body.passkey.id}`)).status).toBe(200);
    expect((await b.call('PATCH', `/auth/passkeys/${list[1].id}`, { name: 'Pixel' })).status).toBe(200);
    expect((await b.call('GET', '/auth/passkeys')).body.passkeys[1].name).toBe('Pixel');

    // Revoking the second ends the session it signed in; the first then cannot be revoked.
    const revoked = await b.call('DELETE', `/auth/passkeys/${list[1].id}`);
    expect(revoked.body).toEqual({ revoked: true, signedOut: false });
    expect((await other.call('GET', '/auth/me')).status).toBe(401);
    const last = await b.call('DELETE', `/auth/passkeys/${list[0].id}`);
    expect(last.status).toBe(409);
    expect(last.body.error.code).toBe('last-passkey');
    // The revoked passkey can no longer sign in.
    const again = await other.signIn();
    expect(again.result.body.error.code).toBe('passkey-unknown');
  });

  it('lists sessions with "this session" and ends another one', async () => {
    const laptop = new Browser(app);
    await laptop.register('Hal');
    const phone = new Browser(
      app,
      laptop.authenticator,
      'Mozilla/5.0 (Linux; Android 14; Pixel 7) Chrome/140.0',
    );
    await phone.signIn();
    const sessions = (await laptop.call('GET', '/auth/sessions')).body.sessions;
    expect(sessions).toHaveLength(2);
    const mine = sessions.find((s: { current: boolean }) => s.current);
    const theirs = sessions.find((s: { current: boolean }) => !s.current);
    expect(theirs.userAgent).toBe('Chrome on Android');
    expect(mine.userAgent).toBe('Chrome on Linux');
    expect((await laptop.call('DELETE', `/auth/sessions/${theirs.id}`)).body).toEqual({
      ended: true,
      signedOut: false,
    });
    expect((await phone.call('GET', '/auth/me')).status).toBe(401);
    // Someone else's session id is not found, not ended.
    const stranger = new Browser(app);
    await stranger.register('Ivy');
    expect((await stranger.call('DELETE', `/auth/sessions/${mine.id}`)).status).toBe(404);
    expect((await laptop.call('GET', '/auth/me')).status).toBe(200);
  });

  it('ends sessions after idle time and at the absolute limit, touching last-seen at most once a minute', async () => {
    const b = new Browser(app);
    await b.register('Jo');
    const seen = async () =>
      (
        await db.query<{ last_seen_at: Date }>(
          'SELECT s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.display_name = $1',
          ['Jo'],
        )
      )[0]!.last_seen_at.getTime();
    const start = await seen();
    clock.t += 30_000;
    await b.call('GET', '/auth/me');
    expect(await seen()).toBe(start);
    clock.t += 31_000;
    await b.call('GET', '/auth/me');
    expect(await seen()).toBe(clock.t);
    clock.t += config.sessionIdleMs;
    expect((await b.call('GET', '/auth/me')).status).toBe(401);

    // Active all along, still ended at the absolute limit.
    await b.signIn();
    for (let used = 0; used < config.sessionMaxMs; used += config.sessionIdleMs / 2) {
      clock.t += config.sessionIdleMs / 2;
      if (used + config.sessionIdleMs / 2 < config.sessionMaxMs) {
        expect((await b.call('GET', '/auth/me')).status).toBe(200);
      }
    }
    expect((await b.call('GET', '/auth/me')).status).toBe(401);
  });

  it('requireSession refuses requests without a session, and viewers where an owner is required', async () => {
    const anonymous = new Browser(app);
    const res = await anonymous.call('GET', '/relay/whoami');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('signed-out');
    const forged = await anonymous.call('GET', '/relay/whoami', undefined, {
      cookie: 'lyra_session=forged-token',
    });
    expect(forged.status).toBe(401);

    const owner = new Browser(app);
    await owner.register('Kai');
    const who = (await owner.call('GET', '/relay/whoami')).body;
    expect(who).toMatchObject({ role: 'owner', userId: expect.any(String), workspaceId: expect.any(String) });
    expect((await owner.call('POST', '/relay/trade', {})).status).toBe(200);

    const invite = (await owner.call('POST', '/auth/invites', {})).body.invite;
    const viewer = new Browser(app);
    expect((await viewer.call('POST', '/auth/invites/inspect', { token: invite.token })).body.ownerName).toBe(
      'Kai',
    );
    const { result } = await viewer.register('Lu', { inviteToken: invite.token });
    expect(result.status).toBe(201);
    expect(result.body.role).toBe('viewer');
    const viewerWho = (await viewer.call('GET', '/relay/whoami')).body;
    expect(viewerWho).toMatchObject({ role: 'viewer', workspaceId: who.workspaceId });
    const trade = await viewer.call('POST', '/relay/trade', {});
    expect(trade.status).toBe(403);
    expect(trade.body.error.code).toBe('read-only');
    expect((await viewer.call('POST', '/auth/invites', {})).status).toBe(403);
    expect((await viewer.call('GET', '/auth/me')).body).toMatchObject({
      role: 'viewer',
      workspaceOwner: 'Kai',
    });
  });

  it('invites work once, expire after a day, and owners list and remove viewers', async () => {
    const owner = new Browser(app);
    await owner.register('Max');
    const invite = (await owner.call('POST', '/auth/invites', {})).body.invite;
    expect((await owner.call('GET', '/auth/invites')).body.invites.map((i: { id: string }) => i.id)).toEqual([
      invite.id,
    ]);
    const viewer = new Browser(app);
    await viewer.register('Ned', { inviteToken: invite.token });
    expect((await owner.call('GET', '/auth/invites')).body.invites).toEqual([]);

    const second = await new Browser(app).call('POST', '/auth/register/options', {
      displayName: 'Olga',
      inviteToken: invite.token,
    });
    expect(second.status).toBe(410);
    expect(second.body.error.code).toBe('invite-used');

    const stale = (await owner.call('POST', '/auth/invites', {})).body.invite;
    clock.t += 24 * 3_600_000 + 1;
    await owner.signIn(); // the owner's session idled out meanwhile
    const expired = await new Browser(app).call('POST', '/auth/invites/inspect', { token: stale.token });
    expect(expired.body.error.code).toBe('invite-expired');

    const viewers = (await owner.call('GET', '/auth/viewers')).body.viewers;
    expect(viewers.map((v: { displayName: string }) => v.displayName)).toEqual(['Ned']);
    await viewer.signIn();
    expect((await owner.call('DELETE', `/auth/viewers/${viewers[0].id}`)).body).toEqual({ removed: true });
    expect((await viewer.call('GET', '/auth/me')).status).toBe(401);
    expect((await owner.call('GET', '/auth/viewers')).body.viewers).toEqual([]);
    // An owner cannot be removed as if a viewer.
    const me = (await owner.call('GET', '/auth/me')).body;
    expect((await owner.call('DELETE', `/auth/viewers/${me.user.id}`)).status).toBe(404);
  });

  it('rate-limits auth requests per address', async () => {
    // The counters live in the database, shared with the app above: start this address from zero, on a
    // window boundary so the minute cannot end halfway through.
    await db.query('DELETE FROM rate_limits');
    clock.t = (Math.floor(clock.t / 60_000) + 1) * 60_000;
    const limitedAuth = createAuth({
      db,
      config: { ...config, rateLimitPerMinute: 3 },
      log: silentLog,
      rateLimiter: createPgRateLimiter(db, { now: () => clock.now() }),
      now: () => clock.now(),
    });
    const limitedApp = createApp({
      log: silentLog,
      metrics: createMetrics(),
      sandbox,
      staticDir: '/nonexistent',
      version: 't',
      startedAt: 0,
      db,
      auth: limitedAuth,
    });
    const b = new Browser(limitedApp);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await b.call('POST', '/auth/sign-in/options', {})).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await b.call('POST', '/auth/sign-in/options', {});
    expect(refused.body.error.code).toBe('rate-limited');
    expect(refused.body.error.message).toMatch(/Try again in 60 s/);
    clock.t += 60_000;
    expect((await b.call('POST', '/auth/sign-in/options', {})).status).toBe(200);
    // Other auth routes stay available to the limited address (they need an unguessable session token).
    await b.call('POST', '/auth/sign-in/options', {});
    await b.call('POST', '/auth/sign-in/options', {});
    expect((await b.call('POST', '/auth/sign-in/options', {})).status).toBe(429);
    expect((await b.call('POST', '/auth/sign-out', {})).status).toBe(200);
  });
});
