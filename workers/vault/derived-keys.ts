/**
 * Keys derived from the data key for other jobs, so whoever can open the vault can open them and
 * nothing new has to be remembered. Today: the backup key (HKDF with its own label). Every key
 * returned is non-extractable; the raw data key exists only inside this function.
 */
const BACKUP_KEY_INFO = new TextEncoder().encode('lyra-backup/key/v1');
const BACKUP_KEY_SALT = new TextEncoder().encode('lyra-backup');

export interface DerivedKeys {
  /** A non-extractable copy of the data key, the one to hold while unlocked. */
  dataKey: CryptoKey;
  backupKey: CryptoKey;
}

export async function deriveKeys(extractableDataKey: CryptoKey): Promise<DerivedKeys> {
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', extractableDataKey));
  try {
    const dataKey = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
    const base = await crypto.subtle.importKey('raw', raw, 'HKDF', false, ['deriveKey']);
    const backupKey = await crypto.subtle.deriveKey(
      { name: 'HKDF', hash: 'SHA-256', salt: BACKUP_KEY_SALT, info: BACKUP_KEY_INFO },
      base,
      { name: 'AES-GCM', length: 256 },
      false,
      ['encrypt', 'decrypt'],
    );
    return { dataKey, backupKey };
  } finally {
    raw.fill(0);
  }
}
