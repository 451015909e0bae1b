import type { PasskeyUnlockInfo, UnlockSecret, VaultStatus } from './api.js';
import { fromBase64Url, randomBytes, toBase64Url } from './bytes.js';
import { deriveKeys } from './derived-keys.js';
import { IdleLock, type Timers } from './idle-lock.js';
import {
  kekFromPassphrase,
  kekFromSecretBytes,
  newHkdfParams,
  newPbkdf2Params,
  newWrappableDataKey,
  PRF_INFO,
  RECOVERY_INFO,
  unwrapDataKey,
  wrapDataKey,
} from './key-wrapping.js';
import { newRecoveryKey } from './recovery-key.js';
import { waitBeforeTry } from './throttle.js';
import { unwrapWith, type HeldKey } from './unlock-attempt.js';
import { lockedFailure, vaultFailure } from './vault-errors.js';
import type { VaultEvents } from './vault-events.js';
import { checkLabel, checkNewPassphrase, checkPrfOutput } from './vault-inputs.js';
import type { PrfKeyRecord, WrappedKeyRecord } from './vault-records.js';
import type { VaultStore } from './vault-store.js';

export const DEFAULT_AUTO_LOCK_MINUTES = 15;

export interface VaultKeysDeps {
  store: VaultStore;
  events: VaultEvents;
  now: () => number;
  timers?: Timers;
  /** PBKDF2 iterations for new passphrase wraps, already raised to the minimum. */
  iterations: number;
}

/**
 * The vault's key side: one random AES-GCM data key, stored only wrapped (by a passphrase, passkeys,
 * a recovery key), held unwrapped and non-extractable in this worker's memory while unlocked.
 * Locking drops the reference.
 */
export class VaultKeys {
  private current: HeldKey | null = null;
  /** Derived from the data key at unlock; dropped with it. */
  private backup: CryptoKey | null = null;
  private lockedBy: VaultStatus['lockedBy'] = 'start';
  private autoLock: number | null = null;
  private readonly store: VaultStore;
  private readonly events: VaultEvents;
  private readonly idle: IdleLock;
  private readonly now: () => number;
  private readonly iterations: number;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(deps: VaultKeysDeps) {
    this.store = deps.store;
    this.events = deps.events;
    this.now = deps.now;
    this.iterations = deps.iterations;
    this.idle = new IdleLock(() => this.lock('idle'), this.now, deps.timers);
  }

  /** The unlocked data key, or null while locked. */
  get held(): HeldKey | null {
    return this.current;
  }

  /** The backup key while unlocked (see derived-keys.ts), or null. */
  get backupKey(): { keyId: string; key: CryptoKey } | null {
    return this.current && this.backup ? { keyId: this.current.keyId, key: this.backup } : null;
  }

  requireUnlocked(): HeldKey {
    if (!this.current) throw lockedFailure();
    return this.current;
  }

  // --- state -------------------------------------------------------------------------------------

  async status(): Promise<VaultStatus> {
    const records = await this.store.keys();
    const failures = await this.store.failures();
    const passkeys: PasskeyUnlockInfo[] = records
      .filter((r): r is PrfKeyRecord => r.kind === 'prf')
      .map((r) => ({
        id: r.id,
        label: r.label,
        credentialId: r.credentialId,
        prfSalt: r.prfSalt,
        createdAt: r.createdAt,
      }));
    return {
      state: records.length === 0 ? 'not-set-up' : this.current ? 'unlocked' : 'locked',
      methods: {
        passphrase: records.some((r) => r.kind === 'passphrase'),
        recovery: records.some((r) => r.kind === 'recovery'),
        passkeys,
      },
      autoLockMinutes: await this.autoLockMinutes(),
      failures: failures?.count ?? 0,
      retryInMs: waitBeforeTry(failures, this.now()),
      lockedBy: this.current ? null : this.lockedBy,
    };
  }

  setup(passphrase: string): Promise<{ recoveryKey: string; status: VaultStatus }> {
    return this.serial(async () => {
      if ((await this.store.keys()).length) {
        throw vaultFailure(
          'vault-already-set-up',
          'The vault is already set up. Unlock it, or change its passphrase.',
        );
      }
      checkNewPassphrase(passphrase);
      const dataKey = await newWrappableDataKey();
      const dataKeyId = toBase64Url(randomBytes(16));
      const createdAt = this.now();
      const pbkdf2 = newPbkdf2Params(this.iterations);
      const passKek = await kekFromPassphrase(passphrase, pbkdf2);
      const recovery = await newRecoveryKey();
      const recoveryKdf = newHkdfParams(RECOVERY_INFO);
      const recoveryKek = await kekFromSecretBytes(recovery.bytes, recoveryKdf);
      const records: WrappedKeyRecord[] = [
        {
          id: 'passphrase',
          kind: 'passphrase',
          kdf: pbkdf2,
          dataKeyId,
          wrapAlg: 'AES-KW',
          wrapped: await wrapDataKey(dataKey, passKek),
          createdAt,
        },
        {
          id: 'recovery',
          kind: 'recovery',
          kdf: recoveryKdf,
          dataKeyId,
          wrapAlg: 'AES-KW',
          wrapped: await wrapDataKey(dataKey, recoveryKek),
          createdAt,
        },
      ];
      // The key kept in memory is a non-extractable copy, unwrapped from a stored wrap (which proves it opens).
      const opened = await unwrapDataKey(records[1]!.wrapped, recoveryKek, true);
      if (!opened) throw new Error('The new vault key could not be unwrapped.');
      const derived = await deriveKeys(opened);
      await this.store.saveKeys(records);
      this.becomeUnlocked({ key: derived.dataKey, keyId: dataKeyId }, derived.backupKey);
      return { recoveryKey: recovery.text, status: await this.status() };
    });
  }

  unlock(secret: UnlockSecret): Promise<VaultStatus> {
    return this.serial(async () => {
      // Unwrapped extractable only to derive the backup key; what is held is a non-extractable copy.
      const opened = await this.unwrapWith(secret, true);
      const derived = await deriveKeys(opened.key);
      this.becomeUnlocked({ key: derived.dataKey, keyId: opened.keyId }, derived.backupKey);
      return this.status();
    });
  }

  async lock(reason: 'user' | 'idle' = 'user'): Promise<VaultStatus> {
    const was = this.current !== null;
    this.current = null;
    this.backup = null;
    this.idle.stop();
    if (was) this.lockedBy = reason;
    const status = await this.status();
    if (was) this.events.emit({ type: 'status', status });
    return status;
  }

  touch(): void {
    if (this.current) this.idle.touch();
  }

  setAutoLockMinutes(minutes: number): Promise<VaultStatus> {
    return this.serial(async () => {
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
        throw vaultFailure(
          'vault-bad-auto-lock',
          'Auto-lock takes a whole number of minutes from 1 to 1440 (a day).',
        );
      }
      await this.store.setAutoLockMinutes(minutes);
      this.autoLock = minutes;
      if (this.current) this.idle.start(minutes * 60_000);
      const status = await this.status();
      this.events.emit({ type: 'status', status });
      return status;
    });
  }

  // --- ways to unlock ----------------------------------------------------------------------------

  changePassphrase(current: UnlockSecret, next: string): Promise<VaultStatus> {
    return this.serial(async () => {
      checkNewPassphrase(next);
      const { key, keyId } = await this.unwrapWith(current, true);
      const kdf = newPbkdf2Params(this.iterations);
      const wrapped = await wrapDataKey(key, await kekFromPassphrase(next, kdf));
      await this.store.saveKeys([
        {
          id: 'passphrase',
          kind: 'passphrase',
          kdf,
          dataKeyId: keyId,
          wrapAlg: 'AES-KW',
          wrapped,
          createdAt: this.now(),
        },
      ]);
      return this.status();
    });
  }

  addPasskey(input: {
    proof: UnlockSecret;
    credentialId: string;
    prfSalt: string;
    prfOutput: Uint8Array<ArrayBuffer>;
    label: string;
  }): Promise<VaultStatus> {
    return this.serial(async () => {
      const prfOutput = checkPrfOutput(input?.prfOutput);
      const credentialId = String(input.credentialId ?? '');
      const salt = fromBase64Url(String(input.prfSalt ?? ''));
      if (!credentialId || !fromBase64Url(credentialId) || !salt || salt.length < 16) {
        prfOutput.fill(0);
        throw vaultFailure(
          'vault-bad-passkey',
          'The passkey answer is incomplete; try adding the passkey again.',
        );
      }
      const label = checkLabel(input.label, 'Passkey');
      let unwrapped: HeldKey;
      try {
        unwrapped = await this.unwrapWith(input.proof, true);
      } catch (e) {
        prfOutput.fill(0);
        throw e;
      }
      const kdf = newHkdfParams(PRF_INFO);
      const wrapped = await wrapDataKey(unwrapped.key, await kekFromSecretBytes(prfOutput, kdf));
      const id = `prf:${credentialId}`;
      await this.store.saveKeys([
        {
          id,
          kind: 'prf',
          kdf,
          credentialId,
          prfSalt: input.prfSalt,
          label,
          dataKeyId: unwrapped.keyId,
          wrapAlg: 'AES-KW',
          wrapped,
          createdAt: this.now(),
        },
      ]);
      const status = await this.status();
      this.events.emit({ type: 'status', status });
      return status;
    });
  }

  removePasskey(id: string): Promise<VaultStatus> {
    return this.serial(async () => {
      this.requireUnlocked();
      const record = (await this.store.keys()).find((r) => r.id === id && r.kind === 'prf');
      if (!record) throw vaultFailure('vault-unknown-passkey', 'That passkey does not unlock this vault.');
      await this.store.removeKey(record.id);
      const status = await this.status();
      this.events.emit({ type: 'status', status });
      return status;
    });
  }

  newRecoveryKey(proof: UnlockSecret): Promise<{ recoveryKey: string }> {
    return this.serial(async () => {
      const { key, keyId } = await this.unwrapWith(proof, true);
      const recovery = await newRecoveryKey();
      const kdf = newHkdfParams(RECOVERY_INFO);
      const wrapped = await wrapDataKey(key, await kekFromSecretBytes(recovery.bytes, kdf));
      await this.store.saveKeys([
        {
          id: 'recovery',
          kind: 'recovery',
          kdf,
          dataKeyId: keyId,
          wrapAlg: 'AES-KW',
          wrapped,
          createdAt: this.now(),
        },
      ]);
      return { recoveryKey: recovery.text };
    });
  }

  // --- internals ---------------------------------------------------------------------------------

  private async autoLockMinutes(): Promise<number> {
    if (this.autoLock === null)
      this.autoLock = (await this.store.autoLockMinutes()) ?? DEFAULT_AUTO_LOCK_MINUTES;
    return this.autoLock;
  }

  private becomeUnlocked(held: HeldKey, backup: CryptoKey): void {
    this.current = held;
    this.backup = backup;
    this.lockedBy = null;
    this.idle.start((this.autoLock ?? DEFAULT_AUTO_LOCK_MINUTES) * 60_000);
    void this.autoLockMinutes().then((m) => {
      if (this.current === held) this.idle.start(m * 60_000);
      return this.status().then((status) => this.events.emit({ type: 'status', status }));
    });
  }

  private unwrapWith(secret: UnlockSecret, extractable: boolean): Promise<HeldKey> {
    return unwrapWith(this.store, this.now, secret, extractable);
  }

  /** Changes to the wrapped keys run one at a time, so two tabs' clicks cannot interleave rewraps. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
