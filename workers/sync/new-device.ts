import type { UnlockSecret } from '../vault/api.js';
import { fromBase64Url } from '../vault/bytes.js';
import type { KeyOptions } from './api.js';
import { backupFailure } from './backup-errors.js';
import { backupKeyFromBundle, bundlePasskeys, decodeKeyBundle, type KeyBundle } from './backup-key.js';
import type { BackupTransport } from './backup-transport.js';
import type { SyncStore } from './sync-store.js';

async function bundles(transport: BackupTransport): Promise<KeyBundle[]> {
  const out: KeyBundle[] = [];
  for (const { dataKeyId, bundle } of await transport.keyBundles()) {
    const bytes = fromBase64Url(bundle);
    const decoded = bytes ? decodeKeyBundle(bytes) : null;
    if (decoded && decoded.dataKeyId === dataKeyId) out.push(decoded);
  }
  return out;
}

/** Which passkeys (or the recovery key) open the backups on the server: what a new device asks for. */
export async function keyOptions(transport: BackupTransport): Promise<KeyOptions> {
  const all = await bundles(transport);
  return {
    passkeys: bundlePasskeys(all),
    recovery: all.some((b) => b.records.some((r) => r.kind === 'recovery')),
  };
}

/**
 * Derives the backup key of every vault whose bundle the secret opens and keeps it on this device.
 * The PRF output is zeroed whatever happens.
 */
export async function unlockBackups(
  transport: BackupTransport,
  store: SyncStore,
  secret: UnlockSecret,
): Promise<void> {
  try {
    const all = await bundles(transport);
    if (!all.length) {
      throw backupFailure('backup-none', 'There are no backups on the server for this account yet.');
    }
    let opened = 0;
    for (const bundle of all) {
      const key = await backupKeyFromBundle(bundle, secret);
      if (!key) continue;
      await store.saveKey(bundle.dataKeyId, key);
      opened++;
    }
    if (!opened) {
      throw backupFailure(
        'backup-wrong-secret',
        secret?.kind === 'recovery'
          ? 'That recovery key does not open these backups (it may be from an earlier vault).'
          : 'That passkey was not added to the vault these backups came from. Try another passkey or the recovery key.',
      );
    }
  } finally {
    if (secret?.kind === 'passkey' && secret.prfOutput instanceof Uint8Array) secret.prfOutput.fill(0);
  }
}
