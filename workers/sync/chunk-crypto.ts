import { randomBytes, utf8 } from '../vault/bytes.js';
import { backupFailure, tamperedMessage } from './backup-errors.js';

/**
 * Each chunk is sealed on its own with AES-GCM under the backup key: a fresh 12-byte IV, then the
 * ciphertext with its tag. Nothing else is written into the bytes the server keeps (no magic number, no
 * version byte), so they are indistinguishable from random to it; the envelope version travels in the
 * upload's metadata and in the additional data. The additional data binds a chunk to its backup, its
 * position and whether it is the last, so a chunk from another backup (replayed or foreign), a swapped
 * pair (reordered) or a cut-off tail (truncated) fails the tag check.
 */
export const BACKUP_FORMAT = 1;
const IV_BYTES = 12;

function chunkAad(versionId: string, index: number, last: boolean): Uint8Array<ArrayBuffer> {
  return utf8(`lyra-backup/${BACKUP_FORMAT}/chunk/${versionId}/${index}/${last ? 'last' : 'more'}`);
}

function manifestAad(versionId: string): Uint8Array<ArrayBuffer> {
  return utf8(`lyra-backup/${BACKUP_FORMAT}/manifest/${versionId}`);
}

async function seal(
  key: CryptoKey,
  aad: Uint8Array<ArrayBuffer>,
  plain: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  const iv = randomBytes(IV_BYTES);
  const ct = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 }, key, plain),
  );
  const out = new Uint8Array(IV_BYTES + ct.length);
  out.set(iv);
  out.set(ct, IV_BYTES);
  return out;
}

async function open(
  key: CryptoKey,
  aad: Uint8Array<ArrayBuffer>,
  sealed: Uint8Array,
  what: string,
): Promise<Uint8Array<ArrayBuffer>> {
  if (sealed.length < IV_BYTES + 16) {
    throw backupFailure('backup-tampered', tamperedMessage, false, { part: what });
  }
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: sealed.slice(0, IV_BYTES), additionalData: aad, tagLength: 128 },
      key,
      sealed.slice(IV_BYTES),
    );
    return new Uint8Array(plain);
  } catch {
    throw backupFailure('backup-tampered', tamperedMessage, false, { part: what });
  }
}

export function sealChunk(
  key: CryptoKey,
  versionId: string,
  index: number,
  last: boolean,
  plain: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  return seal(key, chunkAad(versionId, index, last), plain);
}

export function openChunk(
  key: CryptoKey,
  versionId: string,
  index: number,
  last: boolean,
  sealed: Uint8Array,
): Promise<Uint8Array<ArrayBuffer>> {
  return open(key, chunkAad(versionId, index, last), sealed, `chunk ${index}`);
}

export function sealManifest(
  key: CryptoKey,
  versionId: string,
  plain: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  return seal(key, manifestAad(versionId), plain);
}

export function openManifest(key: CryptoKey, versionId: string, sealed: Uint8Array): Promise<Uint8Array> {
  return open(key, manifestAad(versionId), sealed, 'manifest');
}

export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
}

/** The upload's root checksum: SHA-256 over the chunks' raw digests in order (what the server checks). */
export async function rootSha256(chunkHexes: readonly string[]): Promise<string> {
  const all = new Uint8Array(chunkHexes.length * 32);
  chunkHexes.forEach((h, i) => all.set(unhex(h), i * 32));
  return sha256Hex(all);
}

export function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

function unhex(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}
