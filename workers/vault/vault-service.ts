import { EngineFailure, engineError, type EngineError } from '../shared/errors.js';
import { supportedExchanges } from '../exchange/exchanges.js';
import type { LyraDb } from '../store/db.js';
import type {
  AccountSummary,
  AddAccountInput,
  AddAccountResult,
  ConnectionTester,
  ConnectionTestResult,
  CredentialSource,
  PasskeyUnlockInfo,
  UnlockSecret,
  VaultListener,
  VaultStatus,
} from './api.js';
import { fromBase64Url, fromUtf8, randomBytes, toBase64Url, utf8 } from './bytes.js';
import {
  apiKeyHint,
  fieldsFor,
  validateCredentials,
  type CredentialField,
  type Credentials,
} from './credential-fields.js';
import { open, seal } from './envelope.js';
import { ccxtRequiredCredentials } from './exchange-requirements.js';
import { IdleLock, type Timers } from './idle-lock.js';
import {
  kekFromPassphrase,
  kekFromSecretBytes,
  newHkdfParams,
  newPbkdf2Params,
  newWrappableDataKey,
  PBKDF2_MIN_ITERATIONS,
  PRF_INFO,
  RECOVERY_INFO,
  unwrapDataKey,
  wrapDataKey,
} from './key-wrapping.js';
import { newRecoveryKey, parseRecoveryKey } from './recovery-key.js';
import { FREE_TRIES, delayAfter, waitBeforeTry } from './throttle.js';
import { lockedFailure, notSetUpFailure, vaultFailure } from './vault-errors.js';
import type { ExchangeAccountRow, PrfKeyRecord, Venue, WrappedKeyRecord } from './vault-records.js';
import { VaultStore } from './vault-store.js';

export interface VaultDeps {
  db: LyraDb;
  /** Checks credentials with the exchange before they are stored. */
  testConnection: ConnectionTester;
  /** ccxt's `requiredCredentials` for an exchange; defaults to reading it from ccxt's class. */
  requiredCredentials?: (exchange: string) => Promise<Readonly<Record<string, boolean>>>;
  exchanges?: readonly string[];
  now?: () => number;
  timers?: Timers;
  /** Raised, never lowered below PBKDF2_MIN_ITERATIONS. */
  pbkdf2Iterations?: number;
}

export const DEFAULT_AUTO_LOCK_MINUTES = 15;
export const MIN_PASSPHRASE_LENGTH = 10;
const MAX_PASSPHRASE_LENGTH = 1024;
const MAX_LABEL_LENGTH = 60;
const PRF_OUTPUT_BYTES = 32;

interface HeldKey {
  key: CryptoKey;
  keyId: string;
}

function waitText(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return s < 90 ? `${s} second${s === 1 ? '' : 's'}` : `${Math.ceil(s / 60)} minutes`;
}

function accountContext(row: Pick<ExchangeAccountRow, 'id' | 'exchange' | 'venue'>): string {
  // Exchange and venue never change after adding, so they are bound too: an edited row fails to open.
  return `exchange-account:${row.id}:${row.exchange}:${row.venue}`;
}

function summary(row: ExchangeAccountRow): AccountSummary {
  const { id, exchange, venue, label, apiKeyHint: hint, fields, lastTest, createdAt } = row;
  return {
    id,
    exchange,
    venue,
    label,
    apiKeyHint: hint,
    fields: [...fields],
    lastTest: { ...lastTest },
    createdAt,
  };
}

/** An exchange error text could echo what was sent; strip every credential value out of it. */
function redact(error: EngineError, credentials: Credentials): EngineError {
  const values = Object.values(credentials).filter((v) => v.length >= 4);
  const clean = (text: string) => values.reduce((t, v) => t.split(v).join('[redacted]'), text);
  const details = error.details
    ? Object.fromEntries(
        Object.entries(error.details).map(([k, v]) => [k, typeof v === 'string' ? clean(v) : v]),
      )
    : undefined;
  return engineError(String(error.code), clean(String(error.message)), error.retryable === true, details);
}

function checkNewPassphrase(passphrase: unknown): string {
  if (typeof passphrase !== 'string' || [...passphrase].length < MIN_PASSPHRASE_LENGTH) {
    throw vaultFailure(
      'vault-weak-passphrase',
      `Choose a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters; a few unrelated words work well.`,
    );
  }
  if (passphrase.length > MAX_PASSPHRASE_LENGTH) {
    throw vaultFailure(
      'vault-weak-passphrase',
      `A passphrase can be at most ${MAX_PASSPHRASE_LENGTH} characters.`,
    );
  }
  return passphrase;
}

function checkLabel(label: unknown, fallback: string): string {
  const text = typeof label === 'string' ? label.trim() : '';
  if (text.length > MAX_LABEL_LENGTH) {
    throw vaultFailure('vault-bad-label', `A name can be at most ${MAX_LABEL_LENGTH} characters.`);
  }
  return text || fallback;
}

function checkPrfOutput(bytes: unknown): Uint8Array<ArrayBuffer> {
  if (!(bytes instanceof Uint8Array) || bytes.length !== PRF_OUTPUT_BYTES) {
    throw vaultFailure(
      'vault-bad-passkey',
      'The passkey did not return a usable PRF result (32 bytes expected).',
    );
  }
  return bytes as Uint8Array<ArrayBuffer>;
}

/**
 * The vault: one random AES-GCM data key, stored only wrapped (by a passphrase, passkeys, a recovery
 * key), held unwrapped and non-extractable in this worker's memory while unlocked. Locking drops the
 * reference. Exchange credentials are stored as envelopes under the data key.
 */
export class VaultService implements CredentialSource {
  private held: HeldKey | null = null;
  private lockedBy: VaultStatus['lockedBy'] = 'start';
  private autoLock: number | null = null;
  private readonly store: VaultStore;
  private readonly idle: IdleLock;
  private readonly now: () => number;
  private readonly iterations: number;
  private readonly listeners = new Map<number, VaultListener>();
  private nextListener = 1;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: VaultDeps) {
    this.store = new VaultStore(deps.db);
    this.now = deps.now ?? (() => Date.now());
    this.iterations = Math.max(PBKDF2_MIN_ITERATIONS, deps.pbkdf2Iterations ?? PBKDF2_MIN_ITERATIONS);
    this.idle = new IdleLock(() => this.lock('idle'), this.now, deps.timers);
  }

  get isUnlocked(): boolean {
    return this.held !== null;
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
      state: records.length === 0 ? 'not-set-up' : this.held ? 'unlocked' : 'locked',
      methods: {
        passphrase: records.some((r) => r.kind === 'passphrase'),
        recovery: records.some((r) => r.kind === 'recovery'),
        passkeys,
      },
      autoLockMinutes: await this.autoLockMinutes(),
      failures: failures?.count ?? 0,
      retryInMs: waitBeforeTry(failures, this.now()),
      lockedBy: this.held ? null : this.lockedBy,
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
      const held = await unwrapDataKey(records[1]!.wrapped, recoveryKek, false);
      if (!held) throw new Error('The new vault key could not be unwrapped.');
      await this.store.saveKeys(records);
      this.becomeUnlocked({ key: held, keyId: dataKeyId });
      return { recoveryKey: recovery.text, status: await this.status() };
    });
  }

  unlock(secret: UnlockSecret): Promise<VaultStatus> {
    return this.serial(async () => {
      this.becomeUnlocked(await this.unwrapWith(secret, false));
      return this.status();
    });
  }

  async lock(reason: 'user' | 'idle' = 'user'): Promise<VaultStatus> {
    const was = this.held !== null;
    this.held = null;
    this.idle.stop();
    if (was) this.lockedBy = reason;
    const status = await this.status();
    if (was) this.emit({ type: 'status', status });
    return status;
  }

  touch(): void {
    if (this.held) this.idle.touch();
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
      if (this.held) this.idle.start(minutes * 60_000);
      const status = await this.status();
      this.emit({ type: 'status', status });
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
      this.emit({ type: 'status', status });
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
      this.emit({ type: 'status', status });
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

  // --- exchange accounts -------------------------------------------------------------------------

  exchanges(): string[] {
    return [...(this.deps.exchanges ?? supportedExchanges)];
  }

  async credentialFields(exchange: string): Promise<CredentialField[]> {
    if (typeof exchange !== 'string' || !this.exchanges().includes(exchange)) {
      throw vaultFailure(
        'vault-unsupported-exchange',
        `Lyra cannot trade on ${String(exchange).slice(0, 40)} yet; it supports ${this.exchanges().join(', ')}.`,
      );
    }
    return fieldsFor(await (this.deps.requiredCredentials ?? ccxtRequiredCredentials)(exchange));
  }

  async addAccount(input: AddAccountInput): Promise<AddAccountResult> {
    this.requireUnlocked();
    const venue: Venue | null = input?.venue === 'sandbox' || input?.venue === 'live' ? input.venue : null;
    if (!venue) throw vaultFailure('vault-bad-venue', "An account is either on the 'sandbox' or 'live'.");
    const exchange = input.exchange;
    const fields = await this.credentialFields(exchange);
    const credentials = validateCredentials(exchange, fields, input.credentials);
    const label = checkLabel(input.label, `${exchange} ${venue}`);
    const test = await this.runTest({ exchange, venue, label }, credentials);
    if (!test.ok && input.saveAnyway !== true) return { saved: false, test };

    // The test took a while: the vault may have locked meanwhile.
    const { key, keyId } = this.requireUnlocked();
    const now = this.now();
    const id = crypto.randomUUID();
    const plaintext = utf8(JSON.stringify(credentials));
    const envelope = await seal(key, keyId, accountContext({ id, exchange, venue }), plaintext);
    plaintext.fill(0);
    const row: ExchangeAccountRow = {
      id,
      exchange,
      venue,
      label,
      fields: fields.map((f) => f.name),
      apiKeyHint: apiKeyHint(credentials),
      envelope,
      lastTest: { ok: test.ok, at: now, code: test.ok ? null : test.error.code },
      createdAt: now,
      updatedAt: now,
    };
    await this.store.addAccount(row);
    void this.emitAccounts();
    return { saved: true, account: summary(row), test };
  }

  async listAccounts(): Promise<AccountSummary[]> {
    return (await this.store.accounts()).map(summary);
  }

  async renameAccount(id: string, label: string): Promise<AccountSummary> {
    const text = checkLabel(label, '');
    if (!text) throw vaultFailure('vault-bad-label', 'Give the account a name.');
    const row = await this.store.renameAccount(String(id), text, this.now());
    if (!row) throw this.unknownAccount();
    void this.emitAccounts();
    return summary(row);
  }

  async removeAccount(id: string): Promise<void> {
    if (!(await this.store.removeAccount(String(id)))) throw this.unknownAccount();
    void this.emitAccounts();
  }

  /** Engine-internal: decrypted credentials for ccxt. Never exposed on the UI API. */
  async credentialsFor(accountId: string): Promise<Credentials> {
    const { key } = this.requireUnlocked();
    const row = await this.store.account(accountId);
    if (!row) throw this.unknownAccount();
    const plain = await open(key, row.envelope, accountContext(row));
    try {
      return JSON.parse(fromUtf8(plain)) as Credentials;
    } catch {
      // JSON.parse quotes its input in its message: never let that text out.
      throw vaultFailure(
        'vault-envelope-invalid',
        'A stored secret decrypted to something Lyra cannot read.',
      );
    } finally {
      plain.fill(0);
    }
  }

  async withCredentials<T>(accountId: string, use: (credentials: Credentials) => Promise<T>): Promise<T> {
    return use(await this.credentialsFor(accountId));
  }

  // --- events ------------------------------------------------------------------------------------

  subscribe(listener: VaultListener): number {
    const id = this.nextListener++;
    this.listeners.set(id, listener);
    return id;
  }

  unsubscribe(id: number): void {
    this.listeners.delete(id);
  }

  // --- internals ---------------------------------------------------------------------------------

  private requireUnlocked(): HeldKey {
    if (!this.held) throw lockedFailure();
    return this.held;
  }

  private unknownAccount(): EngineFailure {
    return vaultFailure(
      'vault-unknown-account',
      'That exchange account is not in the vault (it may have been removed).',
    );
  }

  private async autoLockMinutes(): Promise<number> {
    if (this.autoLock === null)
      this.autoLock = (await this.store.autoLockMinutes()) ?? DEFAULT_AUTO_LOCK_MINUTES;
    return this.autoLock;
  }

  private becomeUnlocked(held: HeldKey): void {
    this.held = held;
    this.lockedBy = null;
    this.idle.start((this.autoLock ?? DEFAULT_AUTO_LOCK_MINUTES) * 60_000);
    void this.autoLockMinutes().then((m) => {
      if (this.held === held) this.idle.start(m * 60_000);
      return this.status().then((status) => this.emit({ type: 'status', status }));
    });
  }

  /**
   * Unwraps the data key with whatever the user gave. A wrong secret costs the full derivation (no
   * early exit) and counts as a failed try; typos in a recovery key are refused before, for free.
   */
  private async unwrapWith(secret: UnlockSecret, extractable: boolean): Promise<HeldKey> {
    const records = await this.store.keys();
    if (!records.length) throw notSetUpFailure();
    const wait = waitBeforeTry(await this.store.failures(), this.now());
    if (wait > 0) {
      if (secret?.kind === 'passkey' && secret.prfOutput instanceof Uint8Array) secret.prfOutput.fill(0);
      throw vaultFailure('vault-try-later', `Too many wrong tries. Try again in ${waitText(wait)}.`, {
        retryInMs: wait,
      });
    }
    const { record, kek } = await this.kekFor(secret, records);
    const key = await unwrapDataKey(record.wrapped, kek, extractable);
    if (!key) throw await this.failedTry(secret.kind);
    await this.store.setFailures(null);
    return { key, keyId: record.dataKeyId };
  }

  private async kekFor(
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
          throw vaultFailure(
            'vault-no-recovery-key',
            'This vault has no recovery key. Unlock it another way.',
          );
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

  private async failedTry(kind: UnlockSecret['kind']): Promise<EngineFailure> {
    const previous = await this.store.failures();
    const count = (previous?.count ?? 0) + 1;
    await this.store.setFailures({ count, lastAt: this.now() });
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

  private async runTest(
    draft: { exchange: string; venue: Venue; label: string },
    credentials: Credentials,
  ): Promise<ConnectionTestResult> {
    try {
      const result = await this.deps.testConnection(draft, { ...credentials });
      return result.ok ? result : { ok: false, error: redact(result.error, credentials) };
    } catch (e) {
      const error =
        e instanceof EngineFailure
          ? redact(e.error, credentials)
          : engineError('connection-test', 'The connection test failed unexpectedly. Try again.', true);
      return { ok: false, error };
    }
  }

  private async emitAccounts(): Promise<void> {
    if (this.listeners.size) this.emit({ type: 'accounts', accounts: await this.listAccounts() });
  }

  private emit(event: Parameters<VaultListener>[0]): void {
    for (const listener of this.listeners.values()) {
      try {
        listener(event);
      } catch {
        // A closed page must not stop the others.
      }
    }
  }

  /** Changes to the wrapped keys run one at a time, so two tabs' clicks cannot interleave rewraps. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
