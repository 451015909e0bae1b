import type { LyraDb } from '../store/db.js';
import type { BackupSettings } from './api.js';
import type { BackupIndex } from './snapshot.js';

/** What this device last backed up (or restored): the next incremental diffs against `index`. */
export interface ChainState {
  versionId: string;
  kind: 'full' | 'incremental';
  /** 0 for a full backup, n for the nth increment after it. */
  sequence: number;
  dataKeyId: string;
  at: number;
  storedBytes: number;
  index: BackupIndex;
}

/** A sealed backup whose upload has not finished: its chunks wait in backupOutbox. */
export interface PendingUpload {
  versionId: string;
  kind: 'full' | 'incremental';
  parentId: string | null;
  dataKeyId: string;
  chunkCount: number;
  totalBytes: number;
  chunkSha256: string[];
  rootSha256: string;
  manifest: string;
  /** The chain state once the server has it. */
  next: ChainState;
}

const SETTINGS = 'settings';
const CHAIN = 'chain';
const PENDING = 'pending';
const keyName = (dataKeyId: string) => `key:${dataKeyId}`;

/** The backup service's own rows (syncState, backupOutbox); never part of a backup themselves. */
export class SyncStore {
  constructor(readonly db: LyraDb) {}

  async settings(): Promise<Partial<BackupSettings>> {
    return ((await this.db.syncState.get(SETTINGS))?.value as Partial<BackupSettings> | undefined) ?? {};
  }

  async saveSettings(value: BackupSettings): Promise<void> {
    await this.db.syncState.put({ key: SETTINGS, value });
  }

  /**
   * The backup key, stored as a non-extractable CryptoKey: IndexedDB keeps it usable but unreadable,
   * so automatic backups run while the vault is locked. It opens nothing this device's database does
   * not already hold in clear; exchange secrets inside a backup stay sealed by the vault's data key.
   */
  async key(dataKeyId: string): Promise<CryptoKey | null> {
    const value = (await this.db.syncState.get(keyName(dataKeyId)))?.value;
    return value instanceof CryptoKey ? value : null;
  }

  async saveKey(dataKeyId: string, key: CryptoKey): Promise<void> {
    if (key.extractable) throw new Error('Only a non-extractable backup key may be stored.');
    await this.db.syncState.put({ key: keyName(dataKeyId), value: key });
  }

  async chain(): Promise<ChainState | null> {
    return ((await this.db.syncState.get(CHAIN))?.value as ChainState | undefined) ?? null;
  }

  async pending(): Promise<PendingUpload | null> {
    return ((await this.db.syncState.get(PENDING))?.value as PendingUpload | undefined) ?? null;
  }

  /** Starts a new pending upload, dropping any older one and its chunks. */
  async beginPending(uploadId: string): Promise<void> {
    await this.db.transaction('rw', this.db.syncState, this.db.backupOutbox, async () => {
      await this.db.syncState.delete(PENDING);
      await this.db.backupOutbox.where('uploadId').notEqual(uploadId).delete();
    });
  }

  async putChunk(
    uploadId: string,
    index: number,
    bytes: Uint8Array<ArrayBuffer>,
    sha256: string,
  ): Promise<void> {
    await this.db.backupOutbox.put({ uploadId, index, bytes, sha256 });
  }

  async savePending(pending: PendingUpload): Promise<void> {
    await this.db.syncState.put({ key: PENDING, value: pending });
  }

  async deleteChunk(uploadId: string, index: number): Promise<void> {
    await this.db.backupOutbox.delete([uploadId, index]);
  }

  /** Chunks still waiting to upload. */
  remaining(uploadId: string): Promise<number> {
    return this.db.backupOutbox.where('uploadId').equals(uploadId).count();
  }

  async chunk(uploadId: string, index: number): Promise<Uint8Array<ArrayBuffer> | null> {
    return (await this.db.backupOutbox.get([uploadId, index]))?.bytes ?? null;
  }

  /** The server has the version: it becomes what the next backup diffs against. */
  async finishUpload(chain: ChainState): Promise<void> {
    await this.db.transaction('rw', this.db.syncState, this.db.backupOutbox, async () => {
      await this.db.syncState.put({ key: CHAIN, value: chain });
      await this.db.syncState.delete(PENDING);
      await this.db.backupOutbox.clear();
    });
  }

  async dropPending(): Promise<void> {
    await this.db.transaction('rw', this.db.syncState, this.db.backupOutbox, async () => {
      await this.db.syncState.delete(PENDING);
      await this.db.backupOutbox.clear();
    });
  }

  async forgetChain(): Promise<void> {
    await this.db.syncState.delete(CHAIN);
  }
}

export const syncStateKeys = { CHAIN, PENDING };
