import { fromBase64Url, randomBytes, toBase64Url, utf8, type Bytes } from './bytes.js';

/**
 * Key-encryption keys (KEKs) and the data key they wrap. A KEK is derived from something the user
 * has (passphrase, passkey PRF output, recovery key); it only wraps and unwraps the data key, which is
 * the one key that encrypts secrets. Every key made here is non-extractable except the data key inside
 * a rewrap step, which exists only long enough to be wrapped.
 */

/** OWASP's 2023 floor for PBKDF2-HMAC-SHA256. Stored per record, so it can be raised later. */
export const PBKDF2_MIN_ITERATIONS = 600_000;

export interface Pbkdf2Params {
  name: 'PBKDF2';
  hash: 'SHA-256';
  iterations: number;
  /** base64url, 16 random bytes. */
  salt: string;
}

export interface HkdfParams {
  name: 'HKDF';
  hash: 'SHA-256';
  /** base64url, 16 random bytes. */
  salt: string;
  /** Domain separation: a PRF output and a recovery key never derive the same KEK. */
  info: string;
}

export type KdfParams = Pbkdf2Params | HkdfParams;

export const PRF_INFO = 'lyra-vault/kek/prf/v1';
export const RECOVERY_INFO = 'lyra-vault/kek/recovery/v1';

const kekAlgorithm = { name: 'AES-KW', length: 256 } as const;
const dataKeyAlgorithm = { name: 'AES-GCM', length: 256 } as const;

export function newPbkdf2Params(iterations = PBKDF2_MIN_ITERATIONS): Pbkdf2Params {
  if (!Number.isInteger(iterations) || iterations < PBKDF2_MIN_ITERATIONS) {
    throw new RangeError(`PBKDF2 needs at least ${PBKDF2_MIN_ITERATIONS} iterations.`);
  }
  return { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: toBase64Url(randomBytes(16)) };
}

export function newHkdfParams(info: string): HkdfParams {
  return { name: 'HKDF', hash: 'SHA-256', salt: toBase64Url(randomBytes(16)), info };
}

function saltOf(params: KdfParams): Bytes {
  const salt = fromBase64Url(params.salt);
  if (!salt || salt.length < 16) throw new Error('A vault key record has a damaged salt.');
  return salt;
}

/**
 * Passphrases are NFC-normalised so the same words typed on another keyboard or OS unlock the same
 * vault. The derivation always runs all its iterations: there is no early exit to time.
 */
export async function kekFromPassphrase(passphrase: string, params: Pbkdf2Params): Promise<CryptoKey> {
  if (params.iterations < PBKDF2_MIN_ITERATIONS)
    throw new Error('A vault key record has too few iterations.');
  const base = await crypto.subtle.importKey('raw', utf8(passphrase.normalize('NFC')), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: saltOf(params), iterations: params.iterations },
    base,
    kekAlgorithm,
    false,
    ['wrapKey', 'unwrapKey'],
  );
}

/**
 * For high-entropy secrets (PRF output, recovery key) HKDF is enough. The input bytes are imported as a
 * non-extractable HKDF key and then zeroed, so this worker keeps no copy of them.
 */
export async function kekFromSecretBytes(
  secret: Uint8Array<ArrayBuffer>,
  params: HkdfParams,
): Promise<CryptoKey> {
  try {
    const base = await crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveKey']);
    return await crypto.subtle.deriveKey(
      { name: 'HKDF', hash: 'SHA-256', salt: saltOf(params), info: utf8(params.info) },
      base,
      kekAlgorithm,
      false,
      ['wrapKey', 'unwrapKey'],
    );
  } finally {
    secret.fill(0);
  }
}

/** A new data key, extractable only so that it can be wrapped; never keep this one around. */
export function newWrappableDataKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey(dataKeyAlgorithm, true, ['encrypt', 'decrypt']);
}

export async function wrapDataKey(dataKey: CryptoKey, kek: CryptoKey): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.wrapKey('raw', dataKey, kek, 'AES-KW')));
}

/**
 * Unwraps the data key, or returns null when the KEK is not the one that wrapped it (AES-KW's integrity
 * check fails): the only way a wrong passphrase shows. `extractable` is true only to rewrap.
 */
export async function unwrapDataKey(
  wrapped: string,
  kek: CryptoKey,
  extractable = false,
): Promise<CryptoKey | null> {
  const bytes = fromBase64Url(wrapped);
  if (!bytes) return null;
  try {
    return await crypto.subtle.unwrapKey('raw', bytes, kek, 'AES-KW', dataKeyAlgorithm, extractable, [
      'encrypt',
      'decrypt',
    ]);
  } catch {
    return null;
  }
}
