import type { EngineFailure } from '../shared/errors.js';
import type { UnlockSecret } from './api.js';
import { kekFromPassphrase, kekFromSecretBytes, unwrapDataKey } from './key-wrapping.js';
import { parseRecoveryKey } from './recovery-key.js';
import { FREE_TRIES, delayAfter, waitBeforeTry } from './throttle.js';
import { notSetUpFailure, vaultFailure } from './vault-errors.js';
import { checkPrfOutput } from './vault-inputs.js';
import type { WrappedKeyRecord } from './vault-records.js';
import type { VaultStore } from './vault-store.js';

/** The unwrapped data key and the id of the key it is, as held in memory while unlocked. */
export interface HeldKey {
  key: CryptoKey;
  keyId: string;
}

function waitText(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return s < 90 ? `${s} second${s === 1 ? '' : 's'}` : `${Math.ceil(s / 60)} minutes`;
}

/**
 * Unwraps the data key with whatever the user gave. A wrong secret costs the full derivation (no
 * early exit) and counts as a failed try; typos in a recovery key are refused before, for free.
 */
export async function unwrapWith(
  store: VaultStore,
  now: () => number,
  secret: UnlockSecret,
  extractable: boolean,
): Promise<HeldKey> {
  const records = await store.keys();
  if (!records.length) throw notSetUpFailure();
  const wait = waitBeforeTry(await store.failures(), now());
  if (wait > 0) {
    if (secret?.kind === 'passkey' && secret.prfOutput instanceof Uint8Array) secret.prfOutput.fill(0);
    throw vaultFailure('vault-try-later', `Too many wrong tries. Try again in ${waitText(wait)}.`, {
      retryInMs: wait,
    });
  }
  const { record, kek } = await kekFor(secret, records);
  const key = await unwrapDataKey(record.wrapped, kek, extractable);
  if (!key) throw await failedTry(store, now, secret.kind);
  await store.setFailures(null);
  return { key, keyId: record.dataKeyId };
}

async function kekFor(
  secret: UnlockSecret,
  records: WrappedKeyRecord[],
): Promise<{ record: WrappedKeyRecord; kek: CryptoKey }> {
  switch (secret?.kind) {
    case 'passphrase': {
      const record = records.find((r) => r.kind === 'passphrase');
      if (!record || record.kind !== 'passphrase') throw notSetUpFailure();
      if (typeof secret.passphrase !== 'string' || !secret.passphrase) {
        throw vaultFailure('vault-wrong-passphrase', 'Enter your vault passphrase.');
      }
      return { record, kek: await kekFromPassphrase(secret.passphrase, record.kdf) };
    }
    case 'recovery': {
      const bytes = await parseRecoveryKey(secret.recoveryKey);
      const record = records.find((r) => r.kind === 'recovery');
      if (!record || record.kind !== 'recovery') {
        throw vaultFailure('vault-no-recovery-key', 'This vault has no recovery key. Unlock it another way.');
      }
      return { record, kek: await kekFromSecretBytes(bytes, record.kdf) };
    }
    case 'passkey': {
      const prf = checkPrfOutput(secret.prfOutput);
      const record = records.find((r) => r.kind === 'prf' && r.credentialId === secret.credentialId);
      if (!record || record.kind !== 'prf') {
        prf.fill(0);
        throw vaultFailure(
          'vault-unknown-passkey',
          'That passkey was not added to this vault. Unlock with your passphrase.',
        );
      }
      return { record, kek: await kekFromSecretBytes(prf, record.kdf) };
    }
    default:
      throw vaultFailure('vault-bad-secret', 'Unlock with a passphrase, a passkey or the recovery key.');
  }
}

async function failedTry(
  store: VaultStore,
  now: () => number,
  kind: UnlockSecret['kind'],
): Promise<EngineFailure> {
  const previous = await store.failures();
  const count = (previous?.count ?? 0) + 1;
  await store.setFailures({ count, lastAt: now() });
  const wait = delayAfter(count);
  const what = {
    passphrase: ['vault-wrong-passphrase', 'That passphrase does not open the vault.'],
    recovery: [
      'vault-wrong-recovery-key',
      'That recovery key does not open this vault (it may be from an earlier setup).',
    ],
    passkey: [
      'vault-wrong-passkey',
      'The passkey did not open the vault. Unlock with your passphrase and add the passkey again.',
    ],
  }[kind];
  const next = count >= FREE_TRIES ? ` Wait ${waitText(wait)} before the next try.` : '';
  return vaultFailure(what[0]!, `${what[1]}${next}`, { failures: count, retryInMs: wait });
}
