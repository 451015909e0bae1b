import type { PasskeyUnlockInfo, UnlockSecret } from '../vault/api.js';
import { deriveKeys } from '../vault/derived-keys.js';
import { kekFromSecretBytes, unwrapDataKey } from '../vault/key-wrapping.js';
import { parseRecoveryKey } from '../vault/recovery-key.js';
import { checkPrfOutput } from '../vault/vault-inputs.js';
import type { PrfKeyRecord, RecoveryKeyRecord, WrappedKeyRecord } from '../vault/vault-records.js';
import { backupFailure } from './backup-errors.js';
import { CodecError, decodeValue, encodeValue } from './value-codec.js';

/**
 * What a new device needs to derive the backup key: the data key wrapped by a passkey's PRF and by the
 * recovery key, the only high-entropy ways in. The passphrase wrap is left out on purpose: on a server
 * it could be attacked offline by guessing passphrases.
 */
export interface KeyBundle {
  v: 1;
  dataKeyId: string;
  records: Array<PrfKeyRecord | RecoveryKeyRecord>;
}

export function keyBundleFrom(records: readonly WrappedKeyRecord[], dataKeyId: string): KeyBundle | null {
  const usable = records.filter(
    (r): r is PrfKeyRecord | RecoveryKeyRecord =>
      r.dataKeyId === dataKeyId && (r.kind === 'prf' || r.kind === 'recovery'),
  );
  return usable.length ? { v: 1, dataKeyId, records: usable } : null;
}

export function encodeKeyBundle(bundle: KeyBundle): Uint8Array<ArrayBuffer> {
  return encodeValue(bundle);
}

export function decodeKeyBundle(bytes: Uint8Array): KeyBundle | null {
  try {
    const value = decodeValue(bytes) as Partial<KeyBundle> | null;
    if (
      !value ||
      value.v !== 1 ||
      typeof value.dataKeyId !== 'string' ||
      !Array.isArray(value.records) ||
      !value.records.every(
        (r) =>
          r &&
          typeof r.wrapped === 'string' &&
          typeof r.dataKeyId === 'string' &&
          (r.kind === 'recovery' || (r.kind === 'prf' && typeof r.credentialId === 'string')),
      )
    ) {
      return null;
    }
    return value as KeyBundle;
  } catch (e) {
    if (e instanceof CodecError) return null;
    throw e;
  }
}

export function bundlePasskeys(bundles: readonly KeyBundle[]): PasskeyUnlockInfo[] {
  const seen = new Map<string, PasskeyUnlockInfo>();
  for (const b of bundles) {
    for (const r of b.records) {
      if (r.kind === 'prf' && !seen.has(r.credentialId)) {
        seen.set(r.credentialId, {
          id: r.id,
          label: r.label,
          credentialId: r.credentialId,
          prfSalt: r.prfSalt,
          createdAt: r.createdAt,
        });
      }
    }
  }
  return [...seen.values()];
}

/**
 * Opens a bundle with a passkey's PRF output or the recovery key and derives the backup key. Returns
 * null when the secret does not open this bundle (another vault's key, say), so callers can try the next.
 */
export async function backupKeyFromBundle(
  bundle: KeyBundle,
  secret: UnlockSecret,
): Promise<CryptoKey | null> {
  let record: PrfKeyRecord | RecoveryKeyRecord | undefined;
  let kek: CryptoKey;
  if (secret.kind === 'passkey') {
    record = bundle.records.find((r) => r.kind === 'prf' && r.credentialId === secret.credentialId);
    if (!record) return null;
    // kekFromSecretBytes zeroes its input; keep our copy for the next bundle.
    kek = await kekFromSecretBytes(checkPrfOutput(secret.prfOutput).slice(), record.kdf);
  } else if (secret.kind === 'recovery') {
    record = bundle.records.find((r) => r.kind === 'recovery');
    if (!record) return null;
    kek = await kekFromSecretBytes(await parseRecoveryKey(secret.recoveryKey), record.kdf);
  } else {
    throw backupFailure(
      'backup-bad-secret',
      'Backups open with a passkey added to the vault or with the recovery key, not the passphrase.',
    );
  }
  const dataKey = await unwrapDataKey(record.wrapped, kek, true);
  return dataKey ? (await deriveKeys(dataKey)).backupKey : null;
}
