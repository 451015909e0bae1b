import {
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
  WebAuthnError,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/browser';
import { AuthApiError, authApi } from './api';
import type { Passkey, SignedIn } from './types';

/**
 * PRF output is key material for the device's vault: it must never reach the server. Keep only whether
 * PRF is enabled, drop everything else the extension returned.
 */
export function withoutPrfOutput<T extends { clientExtensionResults: object }>(response: T): T {
  const { prf, ...others } = response.clientExtensionResults as { prf?: { enabled?: boolean } };
  const clientExtensionResults =
    prf?.enabled === undefined ? others : { ...others, prf: { enabled: prf.enabled } };
  return { ...response, clientExtensionResults };
}

/** The PRF output of a sign-in, if a salt was given and the authenticator produced one. */
function prfOutput(response: AuthenticationResponseJSON): ArrayBuffer | null {
  const results = (response.clientExtensionResults as { prf?: { results?: { first?: ArrayBuffer } } }).prf
    ?.results;
  return results?.first ?? null;
}

function requireWebAuthn(): void {
  if (!browserSupportsWebAuthn()) {
    throw new AuthApiError(
      'unsupported',
      'This browser cannot use passkeys. Use a current Chrome, Edge, Safari or Firefox to sign in.',
    );
  }
}

/** Turns the browser's passkey errors into messages that say what happened and what to do. */
function ceremonyFailure(e: unknown): Error {
  if (e instanceof AuthApiError) return e;
  if (e instanceof WebAuthnError) {
    if (e.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') {
      return new AuthApiError('passkey-exists', 'This device already has a passkey for your account.');
    }
    if (e.code === 'ERROR_CEREMONY_ABORTED')
      return new AuthApiError('cancelled', 'The passkey prompt was cancelled.');
  }
  const name = (e as { name?: string })?.name;
  if (name === 'NotAllowedError' || name === 'AbortError') {
    return new AuthApiError(
      'cancelled',
      'The passkey prompt was closed or timed out, or no passkey for Lyra is on this device. Try again.',
    );
  }
  if (name === 'InvalidStateError') {
    return new AuthApiError('passkey-exists', 'This device already has a passkey for your account.');
  }
  return new AuthApiError(
    'passkey-failed',
    `The passkey did not work: ${(e as Error)?.message ?? String(e)}`,
  );
}

/** Creates an account (an owner, or a viewer with an invite) with a new passkey on this device. */
export async function createAccount(displayName: string, inviteToken?: string): Promise<SignedIn> {
  requireWebAuthn();
  try {
    const optionsJSON = await authApi.registerOptions(displayName, inviteToken);
    const response: RegistrationResponseJSON = await startRegistration({ optionsJSON });
    return await authApi.registerVerify(withoutPrfOutput(response));
  } catch (e) {
    throw ceremonyFailure(e);
  }
}

/**
 * Signs in with any passkey for this site. With `prfSalt` the authenticator also derives a secret from
 * it (for unlocking the vault), returned here and never sent to the server.
 */
export async function signInWithPasskey(
  options: { prfSalt?: Uint8Array } = {},
): Promise<SignedIn & { prfOutput: ArrayBuffer | null }> {
  requireWebAuthn();
  try {
    const optionsJSON = await authApi.signInOptions();
    if (options.prfSalt) {
      // The browser library passes extensions through as they are; PRF wants bytes, not base64url.
      (optionsJSON as { extensions?: unknown }).extensions = { prf: { eval: { first: options.prfSalt } } };
    }
    const response = await startAuthentication({ optionsJSON });
    const signedIn = await authApi.signInVerify(withoutPrfOutput(response));
    return { ...signedIn, prfOutput: prfOutput(response) };
  } catch (e) {
    throw ceremonyFailure(e);
  }
}

/** Adds a passkey on this device (or a security key) to the signed-in account. */
export async function addPasskey(name?: string): Promise<Passkey> {
  requireWebAuthn();
  try {
    const optionsJSON = await authApi.addPasskeyOptions();
    const response = await startRegistration({ optionsJSON });
    return await authApi.addPasskeyVerify(withoutPrfOutput(response), name);
  } catch (e) {
    throw ceremonyFailure(e);
  }
}
