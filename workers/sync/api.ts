import type { EngineError } from '../shared/errors.js';
import type { PasskeyUnlockInfo, UnlockSecret } from '../vault/api.js';
import type { TableChange } from './restore-plan.js';

export type { TableChange } from './restore-plan.js';

export interface BackupSettings {
  /** Back up by itself when something changed and the device is online. */
  auto: boolean;
  /** At most one automatic backup per this many minutes. */
  intervalMinutes: number;
  /** Every Nth backup is a full one; the others hold only what changed. */
  fullEvery: number;
  /** Shown in the version list, to tell devices apart. */
  device: string;
}

export type BackupOp = 'backup' | 'verify' | 'restore';

export interface BackupProgress {
  op: BackupOp;
  phase: 'reading' | 'encrypting' | 'uploading' | 'downloading' | 'checking' | 'writing';
  /** Units done and total in this phase (rows, chunks). */
  done: number;
  total: number;
  /** What the version being worked on is, when known. */
  versionId?: string;
}

export interface BackupStatus {
  settings: BackupSettings;
  /** 'no-vault': backups need the vault (their key comes from it). 'locked': unlock it once on this device. */
  key: 'ready' | 'no-vault' | 'locked';
  last: { versionId: string; at: number; kind: 'full' | 'incremental'; storedBytes: number } | null;
  /** An upload that stopped part-way; it resumes by itself when online, or with Back up now. */
  pending: { versionId: string; chunksSent: number; chunkCount: number; storedBytes: number } | null;
  running: BackupProgress | null;
  lastError: EngineError | null;
  lastRunAt: number | null;
}

export interface TableCount {
  name: string;
  rows: number;
}

export interface BackupVersion {
  id: string;
  kind: 'full' | 'incremental';
  parentId: string | null;
  completedAt: number;
  storedBytes: number;
  /** False when this device has no key for it yet (restore on a new device: unlock backups first). */
  readable: boolean;
  device: string | null;
  plainBytes: number | null;
  tables: TableCount[] | null;
  /** The versions a restore reads: its full backup and the increments up to it. */
  chain: number;
  /** False when a version it builds on is missing from the server. */
  restorable: boolean;
}

export interface VersionList {
  versions: BackupVersion[];
  usage: { usedBytes: number; quotaBytes: number };
}

export type VerifyReport =
  | {
      ok: true;
      versionId: string;
      chunks: number;
      storedBytes: number;
      plainBytes: number;
      tables: TableCount[];
    }
  | { ok: false; versionId: string; error: EngineError };

export interface RestorePreview {
  versionId: string;
  completedAt: number;
  device: string | null;
  tables: Array<TableChange & { name: string }>;
}

export interface KeyOptions {
  /** Passkeys that open a backup key (from the server's key bundles). */
  passkeys: PasskeyUnlockInfo[];
  recovery: boolean;
}

export type BackupEvent =
  | { type: 'status'; status: BackupStatus }
  | { type: 'progress'; progress: BackupProgress }
  | { type: 'restored'; versionId: string };
export type BackupListener = (event: BackupEvent) => void;

/** Backups as the UI sees them. Keys and plaintext never cross this boundary. */
export interface BackupApi {
  status(): Promise<BackupStatus>;
  configure(settings: Partial<BackupSettings>): Promise<BackupStatus>;
  /** Makes a backup now (or finishes a stopped upload). Resolves when it is on the server. */
  backupNow(): Promise<{ versionId: string | null; skipped: boolean }>;
  /** Stops the running backup, verify or restore download; nothing is changed locally. */
  cancel(): Promise<void>;
  versions(): Promise<VersionList>;
  verify(versionId: string): Promise<VerifyReport>;
  /** Downloads and checks a version, and says what restoring it would change. */
  previewRestore(versionId: string): Promise<RestorePreview>;
  /** Replaces every backed-up table with the version's, in one transaction; then the app reloads. */
  restore(versionId: string): Promise<void>;
  deleteVersion(versionId: string, withDependents: boolean): Promise<VersionList>;
  /** On a new device: which passkeys (or the recovery key) can open the backups on the server. */
  keyOptions(): Promise<KeyOptions>;
  unlockBackups(secret: UnlockSecret): Promise<BackupStatus>;
  subscribe(listener: BackupListener): Promise<number>;
  unsubscribe(id: number): Promise<void>;
}
