import { EngineFailure } from '../shared/errors.js';
import type { LyraDb } from '../store/db.js';
import { toBase64Url } from '../vault/bytes.js';
import type { BackupProgress } from './api.js';
import { backupFailure, cancelledFailure } from './backup-errors.js';
import { encodeKeyBundle, keyBundleFrom } from './backup-key.js';
import type { BackupTransport } from './backup-transport.js';
import { BACKUP_FORMAT } from './chunk-crypto.js';
import { retrying, type RetryPolicy } from './retry.js';
import type { PendingUpload, SyncStore } from './sync-store.js';

export interface UploadInput {
  db: LyraDb;
  store: SyncStore;
  transport: BackupTransport;
  pending: PendingUpload;
  retry: RetryPolicy;
  signal: AbortSignal;
  progress: (p: BackupProgress) => void;
}

/**
 * Sends what the server lacks of a pending version, then completes it. The server says which chunks it
 * already has, so this resumes at any point: after a dropped connection, a cancel or a reload. A chunk
 * leaves the outbox once the server has it.
 */
export async function uploadVersion(input: UploadInput): Promise<void> {
  const { store, transport, pending, signal, progress } = input;
  const retry = <T>(work: () => Promise<T>) => retrying(work, input.retry, signal);
  const bundle = keyBundleFrom(await input.db.vaultKeys.toArray(), pending.dataKeyId);
  if (bundle) {
    const encoded = toBase64Url(encodeKeyBundle(bundle));
    await retry(() => transport.putKeyBundle(pending.dataKeyId, encoded));
  }
  let received;
  try {
    received = await retry(() =>
      transport.startUpload({
        id: pending.versionId,
        kind: pending.kind,
        parentId: pending.parentId,
        format: BACKUP_FORMAT,
        dataKeyId: pending.dataKeyId,
        plannedBytes: pending.totalBytes,
      }),
    );
  } catch (e) {
    // The version it builds on is gone (pruned, deleted): the next backup starts a new full one.
    if (e instanceof EngineFailure && e.error.code === 'backup-parent-unknown') {
      await store.dropPending();
      await store.forgetChain();
    }
    throw e;
  }
  const has = new Set(received.filter((c) => pending.chunkSha256[c.index] === c.sha256).map((c) => c.index));
  const total = pending.chunkCount;
  let done = has.size;
  progress({ op: 'backup', phase: 'uploading', done, total, versionId: pending.versionId });
  for (let index = 0; index < total; index++) {
    if (has.has(index)) continue;
    if (signal.aborted) throw cancelledFailure();
    const bytes = await store.chunk(pending.versionId, index);
    if (!bytes) {
      await store.dropPending();
      throw backupFailure(
        'backup-outbox-lost',
        'Part of the backup waiting to upload is gone from this device (storage was cleared). Back up again.',
        true,
      );
    }
    await retry(() => transport.putChunk(pending.versionId, index, bytes, pending.chunkSha256[index]!));
    await store.deleteChunk(pending.versionId, index);
    done++;
    progress({ op: 'backup', phase: 'uploading', done, total, versionId: pending.versionId });
  }
  await retry(() =>
    transport.complete(pending.versionId, {
      chunkCount: total,
      totalBytes: pending.totalBytes,
      sha256: pending.rootSha256,
      manifest: pending.manifest,
    }),
  );
  await store.finishUpload(pending.next);
}
