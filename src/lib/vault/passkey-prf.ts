// Relative, not $workers: Vitest runs this file without SvelteKit's aliases.
import { fromBase64Url, toBase64Url } from '../../../workers/vault/bytes';
import type { PasskeyUnlockInfo } from '$workers/api';

/**
 * WebAuthn's PRF extension, called in the page (workers cannot reach navigator.credentials). The
 * 32-byte result is key material: it goes straight to the engine as a transferred buffer, so the page
 * keeps no copy. The salt is passed as bytes: authenticators (and Chromium) refuse a string here.
 */

type Container = Pick<CredentialsContainer, 'create' | 'get'>;

export type PrfOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; reason: 'no-webauthn' | 'no-prf' | 'cancelled' | 'failed'; message: string };

export interface EnrolledPasskey {
  credentialId: string;
  prfSalt: string;
  prfOutput: Uint8Array<ArrayBuffer>;
}

export interface PasskeyPrfResult {
  credentialId: string;
  prfOutput: Uint8Array<ArrayBuffer>;
}

const NO_PRF =
  'This passkey or browser cannot derive keys (the WebAuthn PRF extension), so it cannot unlock the vault. Keep using your passphrase; a passkey from another authenticator may work.';

function container(given?: Container): Container | null {
  if (given) return given;
  if (
    typeof navigator === 'undefined' ||
    !navigator.credentials ||
    typeof PublicKeyCredential === 'undefined'
  ) {
    return null;
  }
  return navigator.credentials;
}

function failure(e: unknown): PrfOutcome<never> {
  const name = e instanceof DOMException || e instanceof Error ? e.name : '';
  if (name === 'NotAllowedError' || name === 'AbortError') {
    return {
      ok: false,
      reason: 'cancelled',
      message: 'The passkey prompt was cancelled or timed out. Try again.',
    };
  }
  return {
    ok: false,
    reason: 'failed',
    message: `The passkey could not be used${e instanceof Error && e.message ? `: ${e.message}` : '.'}`,
  };
}

/** Copies the PRF result into a fresh buffer the engine call can transfer (detach) whole. */
function prfBytes(credential: PublicKeyCredential): Uint8Array<ArrayBuffer> | null {
  const first = credential.getClientExtensionResults().prf?.results?.first;
  if (!first) return null;
  const view =
    first instanceof ArrayBuffer
      ? new Uint8Array(first)
      : new Uint8Array(first.buffer, first.byteOffset, first.byteLength);
  if (view.length !== 32) return null;
  const out = new Uint8Array(32);
  out.set(view);
  view.fill(0);
  return out;
}

function rpId(): string {
  return typeof location === 'undefined' ? 'localhost' : location.hostname;
}

/** Evaluates the PRF with an existing credential. */
async function evaluate(
  c: Container,
  credentialId: Uint8Array<ArrayBuffer>,
  salt: Uint8Array<ArrayBuffer>,
): Promise<PublicKeyCredential | null> {
  return (await c.get({
    publicKey: {
      challenge: crypto.getRandomValues(new Uint8Array(32)),
      rpId: rpId(),
      allowCredentials: [{ type: 'public-key', id: credentialId }],
      userVerification: 'required',
      timeout: 120_000,
      extensions: { prf: { eval: { first: salt } } },
    },
  })) as PublicKeyCredential | null;
}

/**
 * Creates a passkey for unlocking the vault on this device and evaluates its PRF. Works without a
 * Lyra account: nothing is sent to a server, the challenge only has to be fresh.
 */
export async function enrollPasskey(given?: Container): Promise<PrfOutcome<EnrolledPasskey>> {
  const c = container(given);
  if (!c) return { ok: false, reason: 'no-webauthn', message: 'This browser does not support passkeys.' };
  const salt = crypto.getRandomValues(new Uint8Array(32));
  try {
    const created = (await c.create({
      publicKey: {
        challenge: crypto.getRandomValues(new Uint8Array(32)),
        rp: { name: 'Lyra', id: rpId() },
        user: {
          id: crypto.getRandomValues(new Uint8Array(16)),
          name: 'Lyra vault',
          displayName: 'Lyra vault',
        },
        pubKeyCredParams: [
          { type: 'public-key', alg: -7 },
          { type: 'public-key', alg: -257 },
        ],
        authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
        timeout: 120_000,
        extensions: { prf: { eval: { first: salt } } },
      },
    })) as PublicKeyCredential | null;
    if (!created) return failure(new Error('no credential'));
    const prf = created.getClientExtensionResults().prf;
    if (prf?.enabled === false) return { ok: false, reason: 'no-prf', message: NO_PRF };
    const credentialId = new Uint8Array(created.rawId);
    // Some authenticators only answer PRF on a sign-in, not at creation: ask once more.
    let output = prfBytes(created);
    if (!output) {
      const asserted = await evaluate(c, credentialId, salt);
      output = asserted ? prfBytes(asserted) : null;
    }
    if (!output) return { ok: false, reason: 'no-prf', message: NO_PRF };
    return {
      ok: true,
      value: { credentialId: toBase64Url(credentialId), prfSalt: toBase64Url(salt), prfOutput: output },
    };
  } catch (e) {
    return failure(e);
  }
}

/** Asks the authenticator for the PRF output of one of the vault's passkeys. */
export async function passkeyPrf(
  passkeys: readonly PasskeyUnlockInfo[],
  given?: Container,
): Promise<PrfOutcome<PasskeyPrfResult>> {
  const c = container(given);
  if (!c) return { ok: false, reason: 'no-webauthn', message: 'This browser does not support passkeys.' };
  if (!passkeys.length)
    return { ok: false, reason: 'failed', message: 'No passkey has been added to the vault.' };
  const ids = passkeys.map((p) => fromBase64Url(p.credentialId)!);
  const salts = passkeys.map((p) => fromBase64Url(p.prfSalt)!);
  try {
    const credential = (await c.get({
      publicKey: {
        challenge: crypto.getRandomValues(new Uint8Array(32)),
        rpId: rpId(),
        allowCredentials: ids.map((id) => ({ type: 'public-key' as const, id })),
        userVerification: 'required',
        timeout: 120_000,
        // One passkey: eval with its salt. Several: each credential gets its own salt.
        extensions: {
          prf:
            passkeys.length === 1
              ? { eval: { first: salts[0]! } }
              : {
                  evalByCredential: Object.fromEntries(
                    passkeys.map((p, i) => [p.credentialId, { first: salts[i]! }]),
                  ),
                },
        },
      },
    })) as PublicKeyCredential | null;
    if (!credential) return failure(new Error('no credential'));
    const output = prfBytes(credential);
    if (!output) return { ok: false, reason: 'no-prf', message: NO_PRF };
    return {
      ok: true,
      value: { credentialId: toBase64Url(new Uint8Array(credential.rawId)), prfOutput: output },
    };
  } catch (e) {
    return failure(e);
  }
}
