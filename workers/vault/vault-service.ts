import type { LyraDb } from '../store/db.js';
import type {
  AccountSummary,
  AddAccountInput,
  AddAccountResult,
  CredentialSource,
  UnlockSecret,
  VaultListener,
  VaultStatus,
} from './api.js';
import type { CredentialField, Credentials } from './credential-fields.js';
import { ExchangeAccounts, type ExchangeAccountDeps } from './exchange-accounts.js';
import type { Timers } from './idle-lock.js';
import { PBKDF2_MIN_ITERATIONS } from './key-wrapping.js';
import type { HeldKey } from './unlock-attempt.js';
import { VaultEvents } from './vault-events.js';
import { VaultKeys } from './vault-keys.js';
import { VaultStore } from './vault-store.js';

export { DEFAULT_AUTO_LOCK_MINUTES } from './vault-keys.js';
export { MIN_PASSPHRASE_LENGTH } from './vault-inputs.js';

export interface VaultDeps extends ExchangeAccountDeps {
  db: LyraDb;
  now?: () => number;
  timers?: Timers;
  /** Raised, never lowered below PBKDF2_MIN_ITERATIONS. */
  pbkdf2Iterations?: number;
}

/**
 * The vault: one random AES-GCM data key, stored only wrapped (by a passphrase, passkeys, a recovery
 * key), held unwrapped and non-extractable in this worker's memory while unlocked. Locking drops the
 * reference. Exchange credentials are stored as envelopes under the data key.
 *
 * This facade is the vault's one public surface; the key side lives in VaultKeys, the exchange
 * accounts in ExchangeAccounts, and both report changes through the same listeners.
 */
export class VaultService implements CredentialSource {
  private readonly events = new VaultEvents();
  private readonly keys: VaultKeys;
  private readonly accounts: ExchangeAccounts;

  constructor(deps: VaultDeps) {
    const store = new VaultStore(deps.db);
    const now = deps.now ?? (() => Date.now());
    const iterations = Math.max(PBKDF2_MIN_ITERATIONS, deps.pbkdf2Iterations ?? PBKDF2_MIN_ITERATIONS);
    this.keys = new VaultKeys({ store, events: this.events, now, timers: deps.timers, iterations });
    this.accounts = new ExchangeAccounts(deps, {
      store,
      events: this.events,
      now,
      requireUnlocked: () => this.keys.requireUnlocked(),
    });
  }

  get isUnlocked(): boolean {
    return this.keys.held !== null;
  }

  /** Engine-internal (never on the UI API): the backup key while unlocked, for the backup service. */
  backupKey(): { keyId: string; key: CryptoKey } | null {
    return this.keys.backupKey;
  }

  /** Tests reach in here only to prove the held key cannot be exported and is dropped on lock. */
  private get held(): HeldKey | null {
    return this.keys.held;
  }

  // --- state and ways to unlock ------------------------------------------------------------------

  status(): Promise<VaultStatus> {
    return this.keys.status();
  }

  setup(passphrase: string): Promise<{ recoveryKey: string; status: VaultStatus }> {
    return this.keys.setup(passphrase);
  }

  unlock(secret: UnlockSecret): Promise<VaultStatus> {
    return this.keys.unlock(secret);
  }

  lock(reason: 'user' | 'idle' = 'user'): Promise<VaultStatus> {
    return this.keys.lock(reason);
  }

  touch(): void {
    this.keys.touch();
  }

  setAutoLockMinutes(minutes: number): Promise<VaultStatus> {
    return this.keys.setAutoLockMinutes(minutes);
  }

  changePassphrase(current: UnlockSecret, next: string): Promise<VaultStatus> {
    return this.keys.changePassphrase(current, next);
  }

  addPasskey(input: {
    proof: UnlockSecret;
    credentialId: string;
    prfSalt: string;
    prfOutput: Uint8Array<ArrayBuffer>;
    label: string;
  }): Promise<VaultStatus> {
    return this.keys.addPasskey(input);
  }

  removePasskey(id: string): Promise<VaultStatus> {
    return this.keys.removePasskey(id);
  }

  newRecoveryKey(proof: UnlockSecret): Promise<{ recoveryKey: string }> {
    return this.keys.newRecoveryKey(proof);
  }

  // --- exchange accounts -------------------------------------------------------------------------

  exchanges(): string[] {
    return this.accounts.exchanges();
  }

  credentialFields(exchange: string): Promise<CredentialField[]> {
    return this.accounts.credentialFields(exchange);
  }

  addAccount(input: AddAccountInput): Promise<AddAccountResult> {
    return this.accounts.addAccount(input);
  }

  listAccounts(): Promise<AccountSummary[]> {
    return this.accounts.listAccounts();
  }

  renameAccount(id: string, label: string): Promise<AccountSummary> {
    return this.accounts.renameAccount(id, label);
  }

  removeAccount(id: string): Promise<void> {
    return this.accounts.removeAccount(id);
  }

  /** Engine-internal: decrypted credentials for ccxt. Never exposed on the UI API. */
  credentialsFor(accountId: string): Promise<Credentials> {
    return this.accounts.credentialsFor(accountId);
  }

  async withCredentials<T>(accountId: string, use: (credentials: Credentials) => Promise<T>): Promise<T> {
    return use(await this.accounts.credentialsFor(accountId));
  }

  // --- events ------------------------------------------------------------------------------------

  subscribe(listener: VaultListener): number {
    return this.events.subscribe(listener);
  }

  unsubscribe(id: number): void {
    this.events.unsubscribe(id);
  }
}
