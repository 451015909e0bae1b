import type { ActiveSession, AuthFailure, Invite, Me, Passkey, SignedIn, Viewer } from './types';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/browser';

export class AuthApiError extends Error implements AuthFailure {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'AuthApiError';
  }
}

export const offlineFailure = (): AuthApiError =>
  new AuthApiError(
    'offline',
    'Lyra cannot reach its server. Account actions need a connection; everything else keeps working on this device.',
  );

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw offlineFailure();
  }
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // A non-JSON answer (a proxy's error page, the offline service worker) is reported below.
  }
  if (!res.ok) {
    const error = (data as { error?: { code?: string; message?: string } } | null)?.error;
    throw new AuthApiError(
      error?.code ?? `http-${res.status}`,
      error?.message ?? `The server answered ${res.status}. Try again in a moment.`,
      res.status,
    );
  }
  if (data === null) throw new AuthApiError('bad-response', 'The server sent an answer Lyra could not read.');
  return data as T;
}

/** A typed client for the server's /auth/* routes; ceremonies (passkey prompts) live in ceremonies.ts. */
export const authApi = {
  me: () => call<Me>('GET', '/auth/me'),
  registerOptions: (displayName: string, inviteToken?: string) =>
    call<PublicKeyCredentialCreationOptionsJSON>('POST', '/auth/register/options', {
      displayName,
      inviteToken,
    }),
  registerVerify: (response: RegistrationResponseJSON, passkeyName?: string) =>
    call<SignedIn>('POST', '/auth/register/verify', { response, passkeyName }),
  signInOptions: () => call<PublicKeyCredentialRequestOptionsJSON>('POST', '/auth/sign-in/options', {}),
  signInVerify: (response: AuthenticationResponseJSON) =>
    call<SignedIn>('POST', '/auth/sign-in/verify', { response }),
  signOut: () => call<{ signedOut: true }>('POST', '/auth/sign-out', {}),

  passkeys: () => call<{ passkeys: Passkey[] }>('GET', '/auth/passkeys').then((r) => r.passkeys),
  addPasskeyOptions: () => call<PublicKeyCredentialCreationOptionsJSON>('POST', '/auth/passkeys/options', {}),
  addPasskeyVerify: (response: RegistrationResponseJSON, passkeyName?: string) =>
    call<{ passkey: Passkey }>('POST', '/auth/passkeys/verify', { response, passkeyName }).then(
      (r) => r.passkey,
    ),
  renamePasskey: (id: string, name: string) =>
    call<{ renamed: true }>('PATCH', `/auth/passkeys/${encodeURIComponent(id)}`, { name }),
  revokePasskey: (id: string) =>
    call<{ revoked: true; signedOut: boolean }>('DELETE', `/auth/passkeys/${encodeURIComponent(id)}`),

  sessions: () => call<{ sessions: ActiveSession[] }>('GET', '/auth/sessions').then((r) => r.sessions),
  endSession: (id: string) =>
    call<{ ended: true; signedOut: boolean }>('DELETE', `/auth/sessions/${encodeURIComponent(id)}`),

  invites: () => call<{ invites: Invite[] }>('GET', '/auth/invites').then((r) => r.invites),
  createInvite: () =>
    call<{ invite: Invite & { token: string } }>('POST', '/auth/invites', {}).then((r) => r.invite),
  deleteInvite: (id: string) => call<{ deleted: true }>('DELETE', `/auth/invites/${encodeURIComponent(id)}`),
  inspectInvite: (token: string) =>
    call<{ ownerName: string | null; expiresAt: string }>('POST', '/auth/invites/inspect', { token }),
  viewers: () => call<{ viewers: Viewer[] }>('GET', '/auth/viewers').then((r) => r.viewers),
  removeViewer: (id: string) => call<{ removed: true }>('DELETE', `/auth/viewers/${encodeURIComponent(id)}`),
};

export function toAuthFailure(e: unknown): AuthFailure {
  if (e instanceof AuthApiError) return { code: e.code, message: e.message, status: e.status };
  return { code: 'unexpected', message: e instanceof Error ? e.message : String(e) };
}
