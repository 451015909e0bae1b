import { engine, toEngineError } from '$lib/engine/engine';
import { passkeyPrf } from '$lib/vault/passkey-prf';
import { KeyedActions, type Outcome } from './keyed-actions.svelte';
import type {
  BackupEvent,
  BackupProgress,
  BackupSettings,
  BackupStatus,
  EngineError,
  KeyOptions,
  RestorePreview,
  VerifyReport,
  VersionList,
} from '$workers/api';

const RESTORED_CHANNEL = 'lyra-restored';

/**
 * Backups as Settings renders them: status and progress (from engine events), the server's versions,
 * the last verify report per version and a restore preview. Every action has a pending flag and an
 * error under its key ("backup", "verify:<id>", "restore", ...).
 */
class BackupsState {
  status = $state.raw<BackupStatus | null>(null);
  progress = $state.raw<BackupProgress | null>(null);
  versions = $state.raw<VersionList | null>(null);
  versionsError = $state.raw<EngineError | null>(null);
  loadError = $state.raw<EngineError | null>(null);
  reports = $state.raw<Readonly<Record<string, VerifyReport>>>({});
  preview = $state.raw<RestorePreview | null>(null);
  keyOptions = $state.raw<KeyOptions | null>(null);
  private readonly actions = new KeyedActions();
  private started = false;

  loading = $derived(this.status === null && this.loadError === null);

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    try {
      await engine().backups.subscribe((e) => this.apply(e));
      this.status = await engine().backups.status();
      this.loadError = null;
      await this.refreshVersions();
    } catch (e) {
      this.loadError = toEngineError(e);
      this.started = false;
    }
  }

  apply(e: BackupEvent): void {
    if (e.type === 'status') {
      this.status = e.status;
      if (!e.status.running) this.progress = null;
    } else if (e.type === 'progress') {
      this.progress = e.progress;
    }
  }

  async refreshVersions(): Promise<void> {
    try {
      this.versions = await engine().backups.versions();
      this.versionsError = null;
    } catch (e) {
      this.versionsError = toEngineError(e);
    }
  }

  isPending(key: string): boolean {
    return this.actions.isPending(key);
  }

  error(key: string): EngineError | null {
    return this.actions.error(key);
  }

  clearError(key: string): void {
    this.actions.clearError(key);
  }

  async backupNow(): Promise<Outcome<{ versionId: string | null; skipped: boolean }>> {
    const r = await this.actions.run('backup', () => engine().backups.backupNow());
    await this.refreshVersions();
    return r;
  }

  cancel(): Promise<void> {
    return engine().backups.cancel();
  }

  configure(change: Partial<BackupSettings>) {
    return this.actions.run('settings', async () => {
      this.status = await engine().backups.configure(change);
    });
  }

  verify(id: string) {
    return this.actions.run(`verify:${id}`, async () => {
      const report = await engine().backups.verify(id);
      this.reports = { ...this.reports, [id]: report };
      return report;
    });
  }

  previewRestore(id: string) {
    this.preview = null;
    return this.actions.run('preview', async () => {
      this.preview = await engine().backups.previewRestore(id);
    });
  }

  dismissPreview(): void {
    this.preview = null;
  }

  /** Replaces local data; then every open tab reloads so no screen shows rows that are gone. */
  restore(id: string) {
    return this.actions.run('restore', async () => {
      await engine().backups.restore(id);
      this.preview = null;
      announceDataReplaced({ versionId: id });
      location.reload();
    });
  }

  deleteVersion(id: string, withDependents: boolean) {
    return this.actions.run(`delete:${id}`, async () => {
      this.versions = await engine().backups.deleteVersion(id, withDependents);
    });
  }

  loadKeyOptions() {
    return this.actions.run('key-options', async () => {
      this.keyOptions = await engine().backups.keyOptions();
    });
  }

  async unlockWithPasskey(): Promise<Outcome<void>> {
    this.clearError('unlock');
    return this.actions.while('passkey', async () => {
      const prf = await passkeyPrf(this.keyOptions?.passkeys ?? []);
      if (!prf.ok) {
        const error = { code: `passkey-${prf.reason}`, message: prf.message, retryable: false };
        this.actions.setError('unlock', error);
        return { ok: false as const, error };
      }
      return this.unlock(() => engine().backups.unlockBackups({ kind: 'passkey', ...prf.value }));
    });
  }

  unlockWithRecoveryKey(recoveryKey: string) {
    return this.unlock(() => engine().backups.unlockBackups({ kind: 'recovery', recoveryKey }));
  }

  private async unlock(work: () => Promise<BackupStatus>): Promise<Outcome<void>> {
    const r = await this.actions.run('unlock', async () => {
      this.status = await work();
    });
    if (r.ok) await this.refreshVersions();
    return r;
  }
}

/** Tells the other tabs that this device's data was replaced (a restore or a database import). */
export function announceDataReplaced(detail: { versionId: string } | { imported: true }): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(RESTORED_CHANNEL);
  channel.postMessage(detail);
  channel.close();
}

/** Other tabs reload when one of them restored a backup: their screens hold rows that are gone. */
export function reloadOnRestoreElsewhere(): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined;
  const channel = new BroadcastChannel(RESTORED_CHANNEL);
  channel.onmessage = () => location.reload();
  return () => channel.close();
}

export const backupsState = new BackupsState();
