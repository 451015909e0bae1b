import type { TableStats } from './snapshot.js';
import { CodecError, decodeValue, encodeValue } from './value-codec.js';

/**
 * What a version holds, sealed with the backup key and stored beside its chunks: the server sees only
 * ciphertext. The list of versions shows its device, tables and row counts; a restore checks each
 * chunk against `chunkSha256` before opening it.
 */
export interface BackupManifest {
  v: 1;
  versionId: string;
  kind: 'full' | 'incremental';
  parentId: string | null;
  sequence: number;
  createdAt: number;
  device: string;
  /** The IndexedDB schema version the rows are in. */
  schemaVersion: number;
  tables: Array<{ name: string } & TableStats>;
  plainBytes: number;
  chunkCount: number;
  chunkSha256: string[];
}

export function encodeManifest(m: BackupManifest): Uint8Array<ArrayBuffer> {
  return encodeValue(m);
}

const isCount = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;

export function decodeManifest(bytes: Uint8Array): BackupManifest | null {
  let m: Partial<BackupManifest> | null;
  try {
    m = decodeValue(bytes) as Partial<BackupManifest> | null;
  } catch (e) {
    if (e instanceof CodecError) return null;
    throw e;
  }
  const ok =
    m !== null &&
    typeof m === 'object' &&
    m.v === 1 &&
    typeof m.versionId === 'string' &&
    (m.kind === 'full' || m.kind === 'incremental') &&
    (m.parentId === null || typeof m.parentId === 'string') &&
    isCount(m.sequence) &&
    typeof m.createdAt === 'number' &&
    typeof m.device === 'string' &&
    isCount(m.schemaVersion) &&
    Array.isArray(m.tables) &&
    m.tables.every(
      (t) => t && typeof t.name === 'string' && isCount(t.rows) && isCount(t.puts) && isCount(t.deletes),
    ) &&
    isCount(m.plainBytes) &&
    isCount(m.chunkCount) &&
    Array.isArray(m.chunkSha256) &&
    m.chunkSha256.length === m.chunkCount &&
    m.chunkSha256.every((h) => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h));
  return ok ? (m as BackupManifest) : null;
}
