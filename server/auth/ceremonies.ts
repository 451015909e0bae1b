import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type WebAuthnCredential,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { AuthConfig } from '../config.js';
import type { Db } from '../db/db.js';
import { challengeFromClientData, challengeTtlMs, consumeChallenge, storeChallenge } from './challenges.js';
import { AuthError } from './errors.js';
import { findPasskey } from './passkeys.js';
import type { authenticationResponseSchema, registrationResponseSchema } from './schemas.js';

export interface CeremonyDeps {
  db: Db;
  config: AuthConfig;
  now: () => number;
}

// ES256 first (every platform authenticator), then EdDSA and RS256 (Windows Hello).
const algorithms = [-7, -8, -257];

export async function registrationOptions(
  deps: CeremonyDeps,
  params: {
    purpose: 'register' | 'add-passkey';
    displayName: string;
    webauthnUserId?: string;
    userId?: string;
    inviteId?: string;
    excludeCredentialIds?: string[];
  },
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const webauthnUserId = params.webauthnUserId ?? randomBytes(32).toString('base64url');
  const options = await generateRegistrationOptions({
    rpName: deps.config.rpName,
    rpID: deps.config.rpId,
    userName: params.displayName,
    userDisplayName: params.displayName,
    userID: new Uint8Array(Buffer.from(webauthnUserId, 'base64url')),
    timeout: challengeTtlMs,
    attestationType: 'none',
    excludeCredentials: (params.excludeCredentialIds ?? []).map((id) => ({ id })),
    authenticatorSelection: {
      residentKey: 'required',
      requireResidentKey: true,
      userVerification: 'required',
    },
    // Asking at registration tells us whether the authenticator can derive vault keys later.
    extensions: { prf: {} },
    supportedAlgorithmIDs: algorithms,
  });
  await storeChallenge(
    deps.db,
    options.challenge,
    params.purpose,
    {
      displayName: params.displayName,
      webauthnUserId,
      userId: params.userId,
      inviteId: params.inviteId,
    },
    deps.now(),
  );
  return options;
}

export interface VerifiedRegistration {
  challenge: { displayName?: string; webauthnUserId?: string; userId?: string; inviteId?: string };
  credential: {
    id: string;
    publicKey: string;
    counter: number;
    transports: string[];
    deviceType: string;
    backedUp: boolean;
    prfEnabled: boolean;
  };
}

export async function verifyRegistration(
  deps: CeremonyDeps,
  purpose: 'register' | 'add-passkey',
  response: z.infer<typeof registrationResponseSchema>,
): Promise<VerifiedRegistration> {
  const challenge = challengeFromClientData(response.response.clientDataJSON);
  const context = await consumeChallenge(deps.db, challenge, purpose, deps.now());
  let result;
  try {
    result = await verifyRegistrationResponse({
      response: response as unknown as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: deps.config.origins,
      expectedRPID: deps.config.rpId,
      requireUserVerification: true,
      supportedAlgorithmIDs: algorithms,
    });
  } catch (e) {
    throw new AuthError(
      400,
      'verification-failed',
      `The passkey could not be verified: ${(e as Error).message}`,
    );
  }
  if (!result.verified) {
    throw new AuthError(400, 'verification-failed', 'The passkey could not be verified. Try again.');
  }
  const info = result.registrationInfo;
  return {
    challenge: context,
    credential: {
      id: info.credential.id,
      publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
      counter: info.credential.counter,
      transports: info.credential.transports ?? response.response.transports ?? [],
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
      // Reported by the browser: whether this passkey can produce PRF output for the vault.
      prfEnabled: response.clientExtensionResults.prf?.enabled === true,
    },
  };
}

export async function signInOptions(deps: CeremonyDeps): Promise<PublicKeyCredentialRequestOptionsJSON> {
  // No allowCredentials: the authenticator offers its discoverable passkeys for this site.
  const options = await generateAuthenticationOptions({
    rpID: deps.config.rpId,
    userVerification: 'required',
    timeout: challengeTtlMs,
  });
  await storeChallenge(deps.db, options.challenge, 'sign-in', {}, deps.now());
  return options;
}

export async function verifySignIn(
  deps: CeremonyDeps,
  response: z.infer<typeof authenticationResponseSchema>,
): Promise<{ passkeyId: string; userId: string; counter: number; backedUp: boolean }> {
  const challenge = challengeFromClientData(response.response.clientDataJSON);
  await consumeChallenge(deps.db, challenge, 'sign-in', deps.now());
  const passkey = await findPasskey(deps.db, response.id);
  if (!passkey) {
    throw new AuthError(
      400,
      'passkey-unknown',
      'This passkey is not registered with Lyra (it may have been revoked). Use another passkey or create an account.',
    );
  }
  let result;
  try {
    result = await verifyAuthenticationResponse({
      response: response as unknown as AuthenticationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: deps.config.origins,
      expectedRPID: deps.config.rpId,
      requireUserVerification: true,
      credential: {
        id: passkey.id,
        publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')),
        counter: passkey.counter,
        transports: passkey.transports as WebAuthnCredential['transports'],
      },
    });
  } catch (e) {
    const message = (e as Error).message;
    if (/counter/i.test(message)) {
      // A counter that goes backwards means the credential may have been cloned.
      throw new AuthError(
        400,
        'counter-regressed',
        'This passkey reported a use count lower than before, a sign it may have been copied. Sign in with another passkey and revoke this one.',
      );
    }
    throw new AuthError(400, 'verification-failed', `The passkey could not be verified: ${message}`);
  }
  if (!result.verified) {
    throw new AuthError(400, 'verification-failed', 'The passkey could not be verified. Try again.');
  }
  return {
    passkeyId: passkey.id,
    userId: passkey.userId,
    counter: result.authenticationInfo.newCounter,
    backedUp: result.authenticationInfo.credentialBackedUp,
  };
}
