import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import type { AuthConfig } from '../config.js';
import type { Db } from '../db/db.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import {
  registrationOptions,
  signInOptions,
  verifyRegistration,
  verifySignIn,
  type CeremonyDeps,
} from './ceremonies.js';
import { AuthError, errorResponse, readBody } from './errors.js';
import {
  createInvite,
  deleteInvite,
  findUsableInvite,
  listPendingInvites,
  markInviteUsedBy,
  redeemInvite,
} from './invites.js';
import { insertPasskey, listPasskeys, recordPasskeyUse, renamePasskey, revokePasskey } from './passkeys.js';
import { rateLimit } from './rate-limit.js';
import {
  addPasskeyVerifyBody,
  inspectInviteBody,
  registerOptionsBody,
  registerVerifyBody,
  renamePasskeyBody,
  signInVerifyBody,
} from './schemas.js';
import {
  clearSessionCookie,
  lookupSession,
  requireSession,
  startSession,
  type SessionDetails,
  type SessionEnv,
  type SessionPolicy,
  type SessionResolver,
} from './session.js';
import { endSession, listSessions } from './sessions-list.js';
import { summarizeUserAgent } from './user-agent.js';
import { createUser, findUser, listViewers, removeViewer, workspaceOwnerName } from './users.js';

export interface AuthDeps {
  db: Db;
  config: AuthConfig;
  log: Logger;
  /** Counts requests to the public endpoints; shared through the database by every process. */
  rateLimiter: RateLimiter;
  /** The clock for challenges, sessions and invites (tests move it forward). */
  now?: () => number;
}

export interface Auth {
  /** Mount at the app root: every route is under /auth/. */
  routes: Hono;
  /** For other modules (relay, backups): who is signed in, or null. */
  resolveSession: SessionResolver;
  /** Middleware answering 401 without a session and 403 for viewers where an owner is required. */
  requireSession(options?: { role?: 'owner' }): MiddlewareHandler<SessionEnv>;
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export function createAuth(deps: AuthDeps): Auth {
  const { db, config, log } = deps;
  const now = deps.now ?? Date.now;
  const policy: SessionPolicy = { idleMs: config.sessionIdleMs, maxMs: config.sessionMaxMs, now };
  const ceremony: CeremonyDeps = { db, config, now };
  const resolveDetails = (c: Context) => lookupSession(db, c, policy);
  const resolveSession: SessionResolver = async (c) => {
    const d = await resolveDetails(c);
    return d && { sessionId: d.sessionId, userId: d.userId, workspaceId: d.workspaceId, role: d.role };
  };
  const signedIn = requireSession(resolveSession);
  const ownerOnly = requireSession(resolveSession, { role: 'owner' });

  const app = new Hono<SessionEnv>();

  app.use(
    '/auth/*',
    bodyLimit({
      maxSize: 64 * 1024,
      onError: (c) =>
        errorResponse(c, 413, 'body-too-large', 'The request body is too large (limit 64 KiB).'),
    }),
  );
  // Cookies are SameSite=Strict already; refusing foreign origins outright closes the door on CSRF.
  app.use('/auth/*', async (c, next) => {
    if (safeMethods.has(c.req.method)) return next();
    const origin = c.req.header('origin');
    if (!origin || !config.origins.includes(origin)) {
      return errorResponse(
        c,
        403,
        'origin-refused',
        `Requests must come from ${config.origins.join(' or ')}; this one came from ${origin ?? 'no origin'}. Open Lyra at that address, or add it to ORIGIN.`,
      );
    }
    await next();
  });
  // The endpoints anyone can call are limited per address: they start ceremonies (a row each) and check
  // invite tokens. The others need a session token, which cannot be guessed.
  const limited = rateLimit(deps.rateLimiter, {
    bucket: 'auth',
    limit: config.rateLimitPerMinute,
    windowMs: 60_000,
  });
  for (const path of ['/auth/register/*', '/auth/sign-in/*', '/auth/invites/inspect']) app.use(path, limited);

  // --- Registration (new owner, or a viewer with an invite) ---
  app.post('/auth/register/options', async (c) => {
    const body = await readBody(c, registerOptionsBody);
    const invite = body.inviteToken ? await findUsableInvite(db, body.inviteToken, now()) : undefined;
    return c.json(
      await registrationOptions(ceremony, {
        purpose: 'register',
        displayName: body.displayName,
        inviteId: invite?.id,
      }),
    );
  });

  app.post('/auth/register/verify', async (c) => {
    const body = await readBody(c, registerVerifyBody);
    const verified = await verifyRegistration(ceremony, 'register', body.response);
    const { displayName, webauthnUserId, inviteId } = verified.challenge;
    if (!displayName || !webauthnUserId) {
      throw new AuthError(
        400,
        'challenge-unknown',
        'This passkey request was not for creating an account. Start again.',
      );
    }
    const user = await db.transaction(async (tx) => {
      const workspaceId = inviteId ? await redeemInvite(tx, inviteId, now()) : undefined;
      const created = await createUser(tx, {
        displayName,
        webauthnUserId,
        role: inviteId ? 'viewer' : 'owner',
        workspaceId,
        now: now(),
      });
      if (inviteId) await markInviteUsedBy(tx, inviteId, created.id);
      await insertPasskey(tx, {
        ...verified.credential,
        userId: created.id,
        name: body.passkeyName ?? defaultPasskeyName(c),
        createdAt: now(),
      });
      await startSession(tx, c, { userId: created.id, passkeyId: verified.credential.id, policy });
      return created;
    });
    log.info({ userId: user.id, role: user.role }, 'account created');
    return c.json(
      { user: publicUser(user), role: user.role, prfAvailable: verified.credential.prfEnabled },
      201,
    );
  });

  // --- Sign in with a discoverable passkey ---
  app.post('/auth/sign-in/options', async (c) => c.json(await signInOptions(ceremony)));

  app.post('/auth/sign-in/verify', async (c) => {
    const body = await readBody(c, signInVerifyBody);
    const result = await verifySignIn(ceremony, body.response);
    const user = await findUser(db, result.userId);
    if (!user) throw new AuthError(400, 'passkey-unknown', 'This passkey no longer belongs to an account.');
    const handle = body.response.response.userHandle;
    if (handle && handle !== user.webauthnUserId) {
      throw new AuthError(
        400,
        'verification-failed',
        'The passkey answered for a different account. Try again.',
      );
    }
    const passkeys = await listPasskeys(db, user.id);
    await db.transaction(async (tx) => {
      await recordPasskeyUse(tx, result.passkeyId, result.counter, result.backedUp, now());
      await startSession(tx, c, { userId: user.id, passkeyId: result.passkeyId, policy });
    });
    const prfAvailable = passkeys.find((p) => p.id === result.passkeyId)?.prfEnabled ?? false;
    return c.json({ user: publicUser(user), role: user.role, prfAvailable });
  });

  app.post('/auth/sign-out', async (c) => {
    const session = await resolveDetails(c);
    if (session) await endSession(db, session.userId, session.sessionId);
    clearSessionCookie(c);
    return c.json({ signedOut: true });
  });

  app.get('/auth/me', async (c) => {
    const session = await resolveDetails(c);
    if (!session) return errorResponse(c, 401, 'signed-out', 'You are not signed in.');
    return c.json(await describeSession(session));
  });

  // --- Passkeys of the signed-in user ---
  app.get('/auth/passkeys', signedIn, async (c) =>
    c.json({ passkeys: await listPasskeys(db, c.var.session.userId) }),
  );

  app.post('/auth/passkeys/options', signedIn, async (c) => {
    const user = await findUser(db, c.var.session.userId);
    if (!user) throw new AuthError(401, 'signed-out', 'Your account no longer exists.');
    const existing = await listPasskeys(db, user.id);
    return c.json(
      await registrationOptions(ceremony, {
        purpose: 'add-passkey',
        displayName: user.displayName,
        webauthnUserId: user.webauthnUserId,
        userId: user.id,
        excludeCredentialIds: existing.map((p) => p.id),
      }),
    );
  });

  app.post('/auth/passkeys/verify', signedIn, async (c) => {
    const body = await readBody(c, addPasskeyVerifyBody);
    const verified = await verifyRegistration(ceremony, 'add-passkey', body.response);
    if (verified.challenge.userId !== c.var.session.userId) {
      throw new AuthError(
        403,
        'challenge-unknown',
        'This passkey request was started by another account. Start again.',
      );
    }
    const taken = new Set((await listPasskeys(db, c.var.session.userId)).map((p) => p.name));
    await db.transaction((tx) =>
      insertPasskey(tx, {
        ...verified.credential,
        userId: c.var.session.userId,
        name: body.passkeyName ?? defaultPasskeyName(c, taken),
        createdAt: now(),
      }),
    );
    const passkeys = await listPasskeys(db, c.var.session.userId);
    return c.json({ passkey: passkeys.find((p) => p.id === verified.credential.id) }, 201);
  });

  app.patch('/auth/passkeys/:id', signedIn, async (c) => {
    const body = await readBody(c, renamePasskeyBody);
    await renamePasskey(db, c.var.session.userId, idParam(c), body.name);
    return c.json({ renamed: true });
  });

  app.delete('/auth/passkeys/:id', signedIn, async (c) => {
    await db.transaction((tx) => revokePasskey(tx, c.var.session.userId, idParam(c)));
    // Revoking the passkey this session signed in with ends this session too.
    const still = await resolveDetails(c);
    if (!still) clearSessionCookie(c);
    return c.json({ revoked: true, signedOut: !still });
  });

  // --- Sessions ---
  app.get('/auth/sessions', signedIn, async (c) =>
    c.json({
      sessions: await listSessions(db, {
        userId: c.var.session.userId,
        currentSessionId: c.var.session.sessionId,
        now: now(),
        idleMs: policy.idleMs,
      }),
    }),
  );

  app.delete('/auth/sessions/:id', signedIn, async (c) => {
    const id = idParam(c);
    if (!(await endSession(db, c.var.session.userId, id))) {
      return errorResponse(c, 404, 'session-not-found', 'No active session with that id. Reload the list.');
    }
    const current = id === c.var.session.sessionId;
    if (current) clearSessionCookie(c);
    return c.json({ ended: true, signedOut: current });
  });

  // --- Invites and viewers (owners) ---
  app.post('/auth/invites', ownerOnly, async (c) => {
    const invite = await createInvite(db, {
      workspaceId: c.var.session.workspaceId,
      createdBy: c.var.session.userId,
      now: now(),
    });
    return c.json({ invite }, 201);
  });

  app.get('/auth/invites', ownerOnly, async (c) =>
    c.json({ invites: await listPendingInvites(db, c.var.session.workspaceId, now()) }),
  );

  app.delete('/auth/invites/:id', ownerOnly, async (c) => {
    if (!(await deleteInvite(db, c.var.session.workspaceId, idParam(c)))) {
      return errorResponse(
        c,
        404,
        'invite-not-found',
        'No invite with that id in your workspace. Reload the list.',
      );
    }
    return c.json({ deleted: true });
  });

  // Public, so an invited person can see whose workspace they are joining before creating a passkey.
  app.post('/auth/invites/inspect', async (c) => {
    const body = await readBody(c, inspectInviteBody);
    const invite = await findUsableInvite(db, body.token, now());
    return c.json({
      ownerName: await workspaceOwnerName(db, invite.workspaceId),
      expiresAt: invite.expiresAt,
    });
  });

  app.get('/auth/viewers', ownerOnly, async (c) =>
    c.json({ viewers: await listViewers(db, c.var.session.workspaceId) }),
  );

  app.delete('/auth/viewers/:id', ownerOnly, async (c) => {
    if (!(await removeViewer(db, c.var.session.workspaceId, idParam(c)))) {
      return errorResponse(
        c,
        404,
        'viewer-not-found',
        'No viewer with that id in your workspace. Reload the list.',
      );
    }
    return c.json({ removed: true });
  });

  app.all('/auth/*', (c) =>
    errorResponse(
      c,
      404,
      'not-found',
      `There is no ${c.req.method} ${c.req.path} endpoint. See server/auth/index.ts.`,
    ),
  );

  app.onError((err, c) => {
    if (err instanceof AuthError) return errorResponse(c, err.status, err.code, err.message);
    log.error({ err: { message: err.message, name: err.name }, path: c.req.path }, 'auth request failed');
    return errorResponse(c, 500, 'internal', 'Something went wrong on the server. Try again.');
  });

  async function describeSession(session: SessionDetails) {
    const user = await findUser(db, session.userId);
    const passkeys = await listPasskeys(db, session.userId);
    return {
      user: user && publicUser(user),
      role: session.role,
      sessionId: session.sessionId,
      prfAvailable: passkeys.find((p) => p.id === session.passkeyId)?.prfEnabled ?? false,
      workspaceOwner:
        session.role === 'viewer' ? await workspaceOwnerName(db, session.workspaceId) : user?.displayName,
    };
  }

  return {
    routes: app as unknown as Hono,
    resolveSession,
    requireSession: (options) => requireSession(resolveSession, options),
  };
}

function publicUser(u: { id: string; displayName: string; workspaceId: string; createdAt: string }) {
  return { id: u.id, displayName: u.displayName, workspaceId: u.workspaceId, createdAt: u.createdAt };
}

/**
 * The `:id` of a route. Every id is base64url (our random ids, passkey credential ids); anything else
 * names nothing, and must not reach a query: PostgreSQL answers a NUL byte in text with an error.
 */
function idParam(c: Context): string {
  const id = c.req.param('id') ?? '';
  if (!/^[A-Za-z0-9_-]{1,16384}$/.test(id)) {
    throw new AuthError(
      404,
      'not-found',
      'Nothing has that id: ids are letters, digits, - and _. Reload the list.',
    );
  }
  return id;
}

/** "Passkey on Chrome on Android", then "... (2)": names in a list must tell passkeys apart. */
function defaultPasskeyName(c: Context, taken = new Set<string>()): string {
  const base = `Passkey on ${summarizeUserAgent(c.req.header('user-agent'))}`;
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base} (${n})`;
  return name;
}
