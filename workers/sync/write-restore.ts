import { settleRestoredAudit } from '../audit/restored-chain.js';
import type { LyraDb } from '../store/db.js';
import type { WrappedKeyRecord } from '../vault/vault-records.js';
import type { BackupProgress } from './api.js';
import { backedUpTables } from './backup-tables.js';
import type { BackupManifest } from './manifest.js';
import { indexOfRows, type BackupState } from './restore-plan.js';
import type { BackupIndex } from './snapshot.js';
import type { ChainState } from './sync-store.js';
import { syncStateKeys } from './sync-store.js';
import { decodeValue } from './value-codec.js';

const WRITE_SLICE = 10_000;

/**
 * Replaces every backed-up table with a version's rows in one IndexedDB transaction: if anything
 * fails, IndexedDB rolls all of it back and the device keeps what it had. Rows are decoded before the
 * transaction opens, so it waits on nothing but IndexedDB. Afterwards this device's next backup builds
 * on the restored version.
 */
export async function writeRestore(
  db: LyraDb,
  versionId: string,
  manifest: BackupManifest,
  state: BackupState,
  progress: (p: BackupProgress) => void,
): Promise<void> {
  const total = backedUpTables.length;
  progress({ op: 'restore', phase: 'writing', done: 0, total, versionId });
  const decoded = new Map<string, unknown[]>();
  const index: BackupIndex = {};
  for (const name of backedUpTables) {
    const rows = state.get(name) ?? new Map<string, Uint8Array>();
    decoded.set(
      name,
      [...rows.values()].map((bytes) => decodeValue(bytes)),
    );
    index[name] = indexOfRows(rows);
  }
  const chain: ChainState = {
    versionId,
    kind: manifest.kind,
    sequence: manifest.sequence,
    dataKeyId: (decoded.get('vaultKeys') as WrappedKeyRecord[])[0]?.dataKeyId ?? '',
    at: manifest.createdAt,
    storedBytes: 0,
    index,
  };
  const tables = [...backedUpTables.map((n) => db.table(n)), db.syncState, db.backupOutbox];
  await db.transaction('rw', tables, async () => {
    for (const [i, name] of backedUpTables.entries()) {
      const table = db.table(name);
      await table.clear();
      // Added in slices: one huge request list is slow in some IndexedDB implementations, and it is
      // still one transaction, so all or nothing.
      const rows = decoded.get(name)!;
      for (let at = 0; at < rows.length; at += WRITE_SLICE)
        await table.bulkAdd(rows.slice(at, at + WRITE_SLICE));
      progress({ op: 'restore', phase: 'writing', done: i + 1, total, versionId });
    }
    // A version made before the audit chain (schema 8) holds unhashed entries and no head: chain them
    // here, in the same transaction, or the integrity check would call the restored log tampered.
    await settleRestoredAudit(db.audit, db.tradingState);
    await db.syncState.put({ key: syncStateKeys.CHAIN, value: chain });
    await db.syncState.delete(syncStateKeys.PENDING);
    await db.backupOutbox.clear();
  });
}
