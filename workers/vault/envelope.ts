import { fromBase64Url, randomBytes, toBase64Url, utf8, type Bytes } from './bytes.js';
import { vaultFailure } from './vault-errors.js';

/**
 * An encrypted secret at rest. `kdf` names where the encryption key came from: a random data key
 * (identified by `keyId`), itself stored only wrapped by key-encryption keys (see key-wrapping.ts).
 */
export interface Envelope {
  v: 1;
  alg: 'AES-GCM-256';
  kdf: 'wrapped-data-key';
  keyId: string;
  /** base64url, 12 bytes, fresh for every encryption. */
  iv: string;
  /** base64url ciphertext with the 16-byte GCM tag at its end. */
  ct: string;
}

const IV_BYTES = 12;

/**
 * The additional data binds the header and a context (e.g. the account id) to the ciphertext, so an
 * envelope copied onto another account, or with its header edited, fails to open.
 */
function additionalData(e: Pick<Envelope, 'v' | 'alg' | 'kdf' | 'keyId'>, context: string): Bytes {
  return utf8(JSON.stringify(['lyra-vault', e.v, e.alg, e.kdf, e.keyId, context]));
}

export async function seal(
  dataKey: CryptoKey,
  keyId: string,
  context: string,
  plaintext: Uint8Array<ArrayBuffer>,
): Promise<Envelope> {
  const header = { v: 1, alg: 'AES-GCM-256', kdf: 'wrapped-data-key', keyId } as const;
  const iv = randomBytes(IV_BYTES);
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: additionalData(header, context), tagLength: 128 },
    dataKey,
    plaintext,
  );
  return { ...header, iv: toBase64Url(iv), ct: toBase64Url(new Uint8Array(ct)) };
}

export async function open(dataKey: CryptoKey, envelope: Envelope, context: string): Promise<Bytes> {
  const iv = fromBase64Url(envelope?.iv);
  const ct = fromBase64Url(envelope?.ct);
  if (
    envelope?.v !== 1 ||
    envelope.alg !== 'AES-GCM-256' ||
    envelope.kdf !== 'wrapped-data-key' ||
    typeof envelope.keyId !== 'string' ||
    !iv ||
    iv.length !== IV_BYTES ||
    !ct
  ) {
    throw vaultFailure(
      'vault-envelope-invalid',
      'A stored secret has a format this version of Lyra cannot read.',
    );
  }
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv, additionalData: additionalData(envelope, context), tagLength: 128 },
      dataKey,
      ct,
    );
    return new Uint8Array(plain);
  } catch {
    throw vaultFailure(
      'vault-envelope-damaged',
      'A stored secret could not be decrypted: it was changed, damaged, or belongs to another vault or account.',
    );
  }
}
