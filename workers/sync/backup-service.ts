import { EngineFailure, engineError, type EngineError } from '../shared/errors.js';
import type { LyraDb } from '../store/db.js';
import type { UnlockSecret } from '../vault/api.js';
import type {
  BackupApi,
  BackupEvent,
  BackupListener,
  BackupOp,
  BackupProgress,
  BackupSettings,
  BackupStatus,
  BackupVersion,
  KeyOptions,
  RestorePreview,
  VerifyReport,
  VersionList,
} from './api.js';
import { backupFailure, tamperedMessage } from './backup-errors.js';
import { backedUpTables } from './backup-tables.js';
import type { BackupTransport } from './backup-transport.js';
import { chainOf, downloadVersion, readManifest, type Downloaded } from './download-version.js';
import { keyOptions, unlockBackups } from './new-device.js';
import { currentIndex } from './read-tables.js';
import { compareTable, indexOfRows } from './restore-plan.js';
import type { RetryPolicy } from './retry.js';
import { sealVersion } from './seal-version.js';
import { SyncStore } from './sync-store.js';
import { uploadVersion } from './upload-version.js';
import { CodecError } from './value-codec.js';
import { writeRestore } from './write-restore.js';

export interface BackupVaultAccess {
  /** The backup key while the vault is unlocked. */
  backupKey(): { keyId: string; key: CryptoKey } | null;
}

export interface BackupServiceDeps {
  db: LyraDb;
  transport: BackupTransport;
  vault: BackupVaultAccess;
  now?: () => number;
  /** Default device name for the version list. */
  deviceName?: string;
  /** Web Locks, so only one tab's engine backs up at a time. */
  locks?: LockManager | null;
  /** Compressed bytes per chunk: the unit of upload and resume. */
  chunkBytes?: number;
  retry?: Partial<RetryPolicy>;
  /**
   * Called just before a restore writes, with true, and with false if it failed: the engine stops its
   * own writers (market candles) from putting in-memory state back over restored rows.
   */
  holdWrites?: (hold: boolean) => void;
}

export const DEFAULT_SETTINGS: Omit<BackupSettings, 'device'> = {
  auto: true,
  intervalMinutes: 15,
  fullEvery: 10,
};

const BACKUP_LOCK = 'lyra-backup';

interface Running {
  op: BackupOp;
  abort: AbortController;
  progress: BackupProgress | null;
}

/**
 * Versioned, end-to-end-encrypted backups of the user's tables (the facade the engine API exposes).
 * A backup seals the changed rows into the outbox first and uploads after (seal-version.ts,
 * upload-version.ts), so a dropped connection or a reload resumes where it stopped. A restore
 * downloads and checks everything first (download-version.ts), then replaces the tables in one
 * transaction (write-restore.ts): a damaged backup changes nothing.
 */
export class BackupService implements BackupApi {
  private readonly store: SyncStore;
  private readonly now: () => number;
  private readonly listeners = new Map<number, BackupListener>();
  private nextListener = 1;
  private running: Running | null = null;
  private lastError: EngineError | null = null;
  private lastRunAt: number | null = null;
  private prepared: { versionId: string; downloaded: Downloaded } | null = null;
  private readonly retry: RetryPolicy;

  constructor(private readonly deps: BackupServiceDeps) {
    this.store = new SyncStore(deps.db);
    this.now = deps.now ?? Date.now;
    this.retry = {
      delaysMs: deps.retry?.delaysMs ?? [1000, 3000, 8000],
      sleep: deps.retry?.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    };
  }

  // --- status and settings -----------------------------------------------------------------------

  async status(): Promise<BackupStatus> {
    const [settings, chain, pending, key] = await Promise.all([
      this.settings(),
      this.store.chain(),
      this.store.pending(),
      this.keyState(),
    ]);
    const remaining = pending ? await this.store.remaining(pending.versionId) : 0;
    return {
      settings,
      key,
      last: chain && {
        versionId: chain.versionId,
        at: chain.at,
        kind: chain.kind,
        storedBytes: chain.storedBytes,
      },
      pending: pending && {
        versionId: pending.versionId,
        chunksSent: pending.chunkCount - remaining,
        chunkCount: pending.chunkCount,
        storedBytes: pending.totalBytes,
      },
      running: this.running?.progress ?? null,
      lastError: this.lastError,
      lastRunAt: this.lastRunAt,
    };
  }

  async settings(): Promise<BackupSettings> {
    return {
      ...DEFAULT_SETTINGS,
      device: this.deps.deviceName ?? 'This device',
      ...(await this.store.settings()),
    };
  }

  async configure(change: Partial<BackupSettings>): Promise<BackupStatus> {
    await this.store.saveSettings(checkSettings(await this.settings(), change ?? {}));
    return this.emitStatus();
  }

  subscribe(listener: BackupListener): Promise<number> {
    const id = this.nextListener++;
    this.listeners.set(id, listener);
    return Promise.resolve(id);
  }

  unsubscribe(id: number): Promise<void> {
    this.listeners.delete(id);
    return Promise.resolve();
  }

  cancel(): Promise<void> {
    this.running?.abort.abort();
    return Promise.resolve();
  }

  // --- backing up --------------------------------------------------------------------------------

  /**
   * Makes a backup now. Tabs take turns (Web Locks): two engines sealing at once would each clear the
   * other's outbox.
   */
  backupNow(): Promise<{ versionId: string | null; skipped: boolean }> {
    const locks = this.deps.locks;
    if (!locks) return this.runBackup();
    return locks.request(BACKUP_LOCK, () => this.runBackup());
  }

  private runBackup(): Promise<{ versionId: string | null; skipped: boolean }> {
    return this.exclusive('backup', async (signal) => {
      const upload = (pending: NonNullable<Awaited<ReturnType<SyncStore['pending']>>>) =>
        uploadVersion({
          db: this.deps.db,
          store: this.store,
          transport: this.deps.transport,
          pending,
          retry: this.retry,
          signal,
          progress: (p) => this.progress(p),
        });
      // A stopped upload is finished first; the changes since go into the next version.
      const stopped = await this.store.pending();
      if (stopped) {
        await upload(stopped);
        return { versionId: stopped.versionId, skipped: false };
      }
      const { dataKeyId, key } = await this.currentKey();
      const pending = await sealVersion({
        db: this.deps.db,
        store: this.store,
        dataKeyId,
        key,
        settings: await this.settings(),
        chunkBytes: this.deps.chunkBytes ?? 1 << 20,
        now: this.now,
        signal,
        progress: (p) => this.progress(p),
      });
      if (!pending) return { versionId: null, skipped: true };
      await upload(pending);
      return { versionId: pending.versionId, skipped: false };
    });
  }

  /**
   * One automatic pass: backs up when it is due and something changed, or finishes a stopped upload.
   * Only one tab's engine does it at a time (Web Locks); the others skip.
   */
  async autoBackup(online: boolean, dirty: boolean): Promise<'ran' | 'skipped'> {
    const settings = await this.settings();
    if (!settings.auto || !online || this.running) return 'skipped';
    const pending = await this.store.pending();
    const due = this.lastRunAt === null || this.now() - this.lastRunAt >= settings.intervalMinutes * 60_000;
    if (!pending && !(dirty && due)) return 'skipped';
    if ((await this.keyState()) !== 'ready') return 'skipped';
    const run = async (): Promise<'ran'> => {
      // Failures are in the status (lastError) for the UI; the next pass tries again.
      await this.runBackup().catch(() => undefined);
      return 'ran';
    };
    const locks = this.deps.locks;
    if (!locks) return run();
    return locks.request(BACKUP_LOCK, { ifAvailable: true }, (lock) => (lock ? run() : 'skipped'));
  }

  /** The engine calls this when the vault unlocks: the backup key is kept from then on. */
  async vaultUnlocked(): Promise<void> {
    await this.emitStatus();
  }

  /** The vault's data key id and this device's backup key for it; refuses with what to do. */
  private async currentKey(): Promise<{ dataKeyId: string; key: CryptoKey }> {
    const dataKeyId = await this.dataKeyId();
    if (!dataKeyId) {
      throw backupFailure(
        'backup-no-vault',
        'Backups are encrypted with a key from the vault: set up the vault in Settings first.',
      );
    }
    const key = await this.keyFor(dataKeyId);
    if (key) return { dataKeyId, key };
    throw backupFailure(
      'backup-key-locked',
      'Unlock the vault once on this device to turn backups on; after that they run while it is locked too.',
    );
  }

  private async dataKeyId(): Promise<string | null> {
    return (await this.deps.db.vaultKeys.limit(1).first())?.dataKeyId ?? null;
  }

  /** This device's backup key for a vault: stored, or taken from the unlocked vault and stored. */
  private async keyFor(dataKeyId: string): Promise<CryptoKey | null> {
    const stored = await this.store.key(dataKeyId);
    if (stored) return stored;
    const held = this.deps.vault.backupKey();
    if (!held || held.keyId !== dataKeyId) return null;
    await this.store.saveKey(dataKeyId, held.key);
    return held.key;
  }

  private async keyState(): Promise<BackupStatus['key']> {
    const dataKeyId = await this.dataKeyId();
    if (!dataKeyId) return 'no-vault';
    return (await this.keyFor(dataKeyId)) ? 'ready' : 'locked';
  }

  // --- versions ----------------------------------------------------------------------------------

  async versions(): Promise<VersionList> {
    const { versions, usage } = await this.deps.transport.list();
    const byId = new Map(versions.map((v) => [v.id, v]));
    const out: BackupVersion[] = [];
    for (const v of versions) {
      const key = await this.store.key(v.dataKeyId);
      const manifest = key ? await readManifest(key, v).catch(() => null) : null;
      const chain = chainOf(v, byId);
      out.push({
        id: v.id,
        kind: v.kind,
        parentId: v.parentId,
        completedAt: Date.parse(v.completedAt),
        storedBytes: v.totalBytes,
        readable: manifest !== null,
        device: manifest?.device ?? null,
        plainBytes: manifest?.plainBytes ?? null,
        tables: manifest ? manifest.tables.map((t) => ({ name: t.name, rows: t.rows })) : null,
        chain: chain?.length ?? 0,
        restorable: chain !== null,
      });
    }
    out.sort((a, b) => b.completedAt - a.completedAt);
    return { versions: out, usage };
  }

  async deleteVersion(versionId: string, withDependents: boolean): Promise<VersionList> {
    await this.deps.transport.remove(String(versionId), withDependents === true);
    if (this.prepared?.versionId === versionId) this.prepared = null;
    const list = await this.versions();
    // The next backup must not build on a version that is gone.
    const chain = await this.store.chain();
    if (chain && !list.versions.some((v) => v.id === chain.versionId)) await this.store.forgetChain();
    return list;
  }

  // --- verify and restore ------------------------------------------------------------------------

  verify(versionId: string): Promise<VerifyReport> {
    const id = String(versionId);
    return this.exclusive('verify', async (signal) => {
      try {
        const { manifest, state, chunks, storedBytes } = await this.download(id, 'verify', signal);
        for (const t of manifest.tables) {
          if ((state.get(t.name)?.size ?? 0) !== t.rows) {
            throw backupFailure('backup-tampered', tamperedMessage, false, { table: t.name });
          }
        }
        const tables = [...state].map(([name, rows]) => ({ name, rows: rows.size }));
        return { ok: true, versionId: id, chunks, storedBytes, plainBytes: manifest.plainBytes, tables };
      } catch (e) {
        if (e instanceof EngineFailure && e.error.code === 'backup-cancelled') throw e;
        return { ok: false, versionId: id, error: asError(e) };
      }
    });
  }

  previewRestore(versionId: string): Promise<RestorePreview> {
    const id = String(versionId);
    return this.exclusive('restore', async (signal) => {
      this.prepared = null;
      const downloaded = await this.download(id, 'restore', signal);
      if (downloaded.manifest.schemaVersion > this.deps.db.verno) {
        throw backupFailure(
          'backup-newer-schema',
          'This backup was made by a newer version of Lyra. Reload Lyra on this device to update it, then restore.',
        );
      }
      this.prepared = { versionId: id, downloaded };
      const current = await currentIndex(this.deps.db);
      return {
        versionId: id,
        completedAt: downloaded.manifest.createdAt,
        device: downloaded.manifest.device,
        tables: backedUpTables.map((name) => ({
          name,
          ...compareTable(current[name]!, indexOfRows(downloaded.state.get(name) ?? new Map())),
        })),
      };
    });
  }

  async restore(versionId: string): Promise<void> {
    const id = String(versionId);
    if (this.prepared?.versionId !== id) await this.previewRestore(id);
    const { manifest, state } = this.prepared!.downloaded;
    await this.exclusive('restore', async () => {
      this.deps.holdWrites?.(true);
      try {
        await writeRestore(this.deps.db, id, manifest, state, (p) => this.progress(p));
      } catch (e) {
        this.deps.holdWrites?.(false);
        throw e;
      }
      // Held until the page reloads with the restored data.
      this.prepared = null;
    });
    this.emit({ type: 'restored', versionId: id });
  }

  private download(versionId: string, op: BackupOp, signal: AbortSignal): Promise<Downloaded> {
    return downloadVersion({
      transport: this.deps.transport,
      versionId,
      keyFor: (dataKeyId) => this.store.key(dataKeyId),
      op,
      signal,
      progress: (p) => this.progress(p),
    });
  }

  // --- a new device ------------------------------------------------------------------------------

  keyOptions(): Promise<KeyOptions> {
    return keyOptions(this.deps.transport);
  }

  async unlockBackups(secret: UnlockSecret): Promise<BackupStatus> {
    await unlockBackups(this.deps.transport, this.store, secret);
    return this.emitStatus();
  }

  // --- internals ---------------------------------------------------------------------------------

  private async exclusive<T>(op: BackupOp, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.running) {
      throw backupFailure(
        'backup-busy',
        `A ${this.running.op} is already running. Wait for it to finish, or cancel it.`,
        true,
      );
    }
    const running: Running = { op, abort: new AbortController(), progress: null };
    this.running = running;
    try {
      const result = await work(running.abort.signal);
      if (op === 'backup') this.lastError = null;
      return result;
    } catch (e) {
      if (op === 'backup') this.lastError = asError(e);
      throw e;
    } finally {
      if (op === 'backup') this.lastRunAt = this.now();
      this.running = null;
      await this.emitStatus();
    }
  }

  private progress(progress: BackupProgress): void {
    if (this.running) this.running.progress = progress;
    this.emit({ type: 'progress', progress });
  }

  private async emitStatus(): Promise<BackupStatus> {
    const status = await this.status();
    this.emit({ type: 'status', status });
    return status;
  }

  private emit(event: BackupEvent): void {
    for (const listener of this.listeners.values()) {
      try {
        listener(event);
      } catch {
        // A broken listener must not stop a backup.
      }
    }
  }
}

function checkSettings(current: BackupSettings, change: Partial<BackupSettings>): BackupSettings {
  const next = { ...current };
  const bad = (message: string) => backupFailure('backup-bad-setting', message);
  if (change.auto !== undefined) {
    if (typeof change.auto !== 'boolean') throw bad('Automatic backups are either on or off.');
    next.auto = change.auto;
  }
  if (change.intervalMinutes !== undefined) {
    const m = change.intervalMinutes;
    if (!Number.isInteger(m) || m < 5 || m > 1440) {
      throw bad('The interval is a whole number of minutes from 5 to 1440 (a day).');
    }
    next.intervalMinutes = m;
  }
  if (change.fullEvery !== undefined) {
    const n = change.fullEvery;
    if (!Number.isInteger(n) || n < 1 || n > 100) {
      throw bad('Make a full backup every 1 to 100 backups (1: every backup is full).');
    }
    next.fullEvery = n;
  }
  if (change.device !== undefined) {
    const d = typeof change.device === 'string' ? change.device.trim() : '';
    if (!d || d.length > 60) throw bad('Name this device with 1 to 60 characters.');
    next.device = d;
  }
  return next;
}

function asError(e: unknown): EngineError {
  if (e instanceof EngineFailure) return e.error;
  if (e instanceof CodecError) return engineError('backup-damaged', `${e.message} Nothing was changed.`);
  return engineError(
    'backup-failed',
    `The backup failed: ${e instanceof Error ? e.message : String(e)}`,
    true,
  );
}
