import type { LyraDb } from '../store/db.js';
import { randomBytes, toBase64Url } from '../vault/bytes.js';
import type { BackupProgress, BackupSettings } from './api.js';
import { cancelledFailure } from './backup-errors.js';
import { backedUpTables } from './backup-tables.js';
import { rootSha256, sealManifest, sha256Hex } from './chunk-crypto.js';
import { encodeManifest, type BackupManifest } from './manifest.js';
import { sealStream } from './pipeline.js';
import { readBackedUpTables } from './read-tables.js';
import { snapshotSegments, type SnapshotResult } from './snapshot.js';
import type { ChainState, PendingUpload, SyncStore } from './sync-store.js';

export interface SealInput {
  db: LyraDb;
  store: SyncStore;
  dataKeyId: string;
  key: CryptoKey;
  settings: BackupSettings;
  chunkBytes: number;
  now: () => number;
  signal: AbortSignal;
  progress: (p: BackupProgress) => void;
}

/**
 * Reads, diffs, compresses and seals a new version into the outbox, and records it as pending. An
 * incremental builds on this device's last version unless a full one is due. Null when nothing
 * changed since the last backup.
 */
export async function sealVersion(input: SealInput): Promise<PendingUpload | null> {
  const { db, store, dataKeyId, key, settings, signal, progress } = input;
  const chain: ChainState | null = await store.chain();
  const incremental =
    chain !== null && chain.dataKeyId === dataKeyId && chain.sequence + 1 < settings.fullEvery;
  progress({ op: 'backup', phase: 'reading', done: 0, total: 0 });
  const tables = await readBackedUpTables(db);
  const totalRows = tables.reduce((n, t) => n + t.rows.length, 0);
  const result: SnapshotResult = { index: {}, stats: {}, plainBytes: 0, rowsDone: 0 };
  // Diffed first, into plaintext segments held in memory: an unchanged store uploads nothing.
  const parts: Array<Uint8Array<ArrayBuffer> | undefined> = [];
  for (const part of snapshotSegments(tables, incremental ? chain.index : null, result)) {
    parts.push(part);
    if (signal.aborted) throw cancelledFailure();
    progress({ op: 'backup', phase: 'reading', done: result.rowsDone, total: totalRows });
    await Promise.resolve();
  }
  const changed = Object.values(result.stats).some((s) => s.puts > 0 || s.deletes > 0);
  if (incremental && !changed) return null;

  const versionId = toBase64Url(randomBytes(16));
  await store.beginPending(versionId);
  const hashes: string[] = [];
  let totalBytes = 0;
  let next = 0;
  // Each segment is released as soon as the compressor has it.
  const pull: Iterator<Uint8Array<ArrayBuffer>> = {
    next: () => {
      if (next >= parts.length) return { done: true, value: undefined };
      const value = parts[next]!;
      parts[next++] = undefined;
      return { done: false, value };
    },
  };
  const estimate = Math.max(1, Math.ceil(result.plainBytes / 3 / input.chunkBytes));
  const chunkCount = await sealStream(
    pull,
    key,
    versionId,
    input.chunkBytes,
    async ({ index, bytes }) => {
      const sha = await sha256Hex(bytes);
      hashes[index] = sha;
      totalBytes += bytes.length;
      await store.putChunk(versionId, index, bytes, sha);
      progress({
        op: 'backup',
        phase: 'encrypting',
        done: index + 1,
        total: Math.max(estimate, index + 1),
        versionId,
      });
    },
    signal,
  );
  const createdAt = input.now();
  const sequence = incremental ? chain.sequence + 1 : 0;
  const manifest: BackupManifest = {
    v: 1,
    versionId,
    kind: incremental ? 'incremental' : 'full',
    parentId: incremental ? chain.versionId : null,
    sequence,
    createdAt,
    device: settings.device,
    schemaVersion: db.verno,
    tables: backedUpTables.map((name) => ({ name, ...result.stats[name]! })),
    plainBytes: result.plainBytes,
    chunkCount,
    chunkSha256: hashes,
  };
  const pending: PendingUpload = {
    versionId,
    kind: manifest.kind,
    parentId: manifest.parentId,
    dataKeyId,
    chunkCount,
    totalBytes,
    chunkSha256: hashes,
    rootSha256: await rootSha256(hashes),
    manifest: toBase64Url(await sealManifest(key, versionId, encodeManifest(manifest))),
    next: {
      versionId,
      kind: manifest.kind,
      sequence,
      dataKeyId,
      at: createdAt,
      storedBytes: totalBytes,
      index: result.index,
    },
  };
  await store.savePending(pending);
  return pending;
}
