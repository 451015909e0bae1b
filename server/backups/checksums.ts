import { createHash } from 'node:crypto';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The version's checksum: SHA-256 over the raw 32-byte chunk digests in index order. The client computes
 * it over what it encrypted, so a match proves the server holds every chunk, in order, unchanged.
 */
export function rootHash(chunkDigestsHex: readonly string[]): string {
  const hash = createHash('sha256');
  for (const hex of chunkDigestsHex) hash.update(Buffer.from(hex, 'hex'));
  return hash.digest('hex');
}
