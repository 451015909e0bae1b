import { engine, toEngineError } from '$lib/engine/engine';
import { KeyedActions, type Outcome } from './keyed-actions.svelte';
import { enrollPasskey, passkeyPrf } from '$lib/vault/passkey-prf';
import { createSandboxKey } from '$lib/vault/sandbox-keys';
import type {
  AccountSummary,
  AddAccountInput,
  AddAccountResult,
  CredentialField,
  EngineError,
  UnlockSecret,
  VaultEvent,
  VaultStatus,
} from '$workers/api';

const TOUCH_EVERY_MS = 20_000;

/**
 * The vault as the Settings screen renders it: status and the account list (replaced whole by engine
 * events), plus one pending flag and error per action key. Secrets pass through here on their way to
 * the engine and are not kept.
 */
class VaultState {
  status = $state.raw<VaultStatus | null>(null);
  accounts = $state.raw<AccountSummary[] | null>(null);
  loadError = $state<EngineError | null>(null);
  private readonly actions = new KeyedActions();
  /** Shown once after setup or replacement, then forgotten. */
  recoveryKey = $state<string | null>(null);

  loading = $derived(this.status === null && this.loadError === null);
  unlocked = $derived(this.status?.state === 'unlocked');

  private started = false;
  private lastTouch = 0;

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    try {
      await engine().vault.subscribe((e) => this.apply(e));
      await this.refresh();
      this.watchActivity();
    } catch (e) {
      this.loadError = toEngineError(e);
      this.started = false;
    }
  }

  async refresh(): Promise<void> {
    try {
      const [status, accounts] = await Promise.all([engine().vault.status(), engine().vault.listAccounts()]);
      this.status = status;
      this.accounts = accounts;
      this.loadError = null;
    } catch (e) {
      this.loadError = toEngineError(e);
    }
  }

  apply(e: VaultEvent): void {
    if (e.type === 'status') this.status = e.status;
    else this.accounts = e.accounts;
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

  // A refused unlock changes the failure count and the wait: every failure refreshes the status.
  private run<T>(key: string, action: () => Promise<T>): Promise<Outcome<T>> {
    return this.actions.run(key, action, () => void this.refresh());
  }

  private fail(key: string, message: string, code = 'ui'): Outcome<never> {
    const error = { code, message, retryable: false };
    this.actions.setError(key, error);
    return { ok: false, error };
  }

  setup(passphrase: string) {
    return this.run('setup', async () => {
      const r = await engine().vault.setup(passphrase);
      this.status = r.status;
      this.recoveryKey = r.recoveryKey;
    });
  }

  dismissRecoveryKey(): void {
    this.recoveryKey = null;
  }

  unlock(secret: UnlockSecret) {
    return this.run('unlock', async () => {
      this.status = await engine().vault.unlock(secret);
    });
  }

  async unlockWithPasskey(): Promise<Outcome<void>> {
    const passkeys = this.status?.methods.passkeys ?? [];
    this.clearError('unlock');
    return this.actions.while('passkey', async () => {
      const prf = await passkeyPrf(passkeys);
      if (!prf.ok) return this.fail('unlock', prf.message, `passkey-${prf.reason}`);
      return this.unlock({ kind: 'passkey', ...prf.value });
    });
  }

  lock() {
    return this.run('lock', async () => {
      this.status = await engine().vault.lock();
    });
  }

  setAutoLockMinutes(minutes: number) {
    return this.run('auto-lock', async () => {
      this.status = await engine().vault.setAutoLockMinutes(minutes);
    });
  }

  changePassphrase(current: string, next: string) {
    return this.run('change-passphrase', async () => {
      this.status = await engine().vault.changePassphrase({ kind: 'passphrase', passphrase: current }, next);
    });
  }

  /** Creates a passkey in the page, then lets the engine wrap the data key with its PRF output. */
  async addPasskey(passphrase: string, label: string): Promise<Outcome<void>> {
    this.clearError('add-passkey');
    return this.actions.while('add-passkey', async () => {
      const enrolled = await enrollPasskey();
      if (!enrolled.ok) return this.fail('add-passkey', enrolled.message, `passkey-${enrolled.reason}`);
      return this.run('add-passkey', async () => {
        this.status = await engine().vault.addPasskey({
          proof: { kind: 'passphrase', passphrase },
          label,
          ...enrolled.value,
        });
      });
    });
  }

  removePasskey(id: string) {
    return this.run(`remove-passkey:${id}`, async () => {
      this.status = await engine().vault.removePasskey(id);
    });
  }

  newRecoveryKey(passphrase: string) {
    return this.run('new-recovery-key', async () => {
      const r = await engine().vault.newRecoveryKey({ kind: 'passphrase', passphrase });
      this.recoveryKey = r.recoveryKey;
    });
  }

  exchanges(): Promise<string[]> {
    return engine().vault.exchanges();
  }

  credentialFields(exchange: string): Promise<CredentialField[]> {
    return engine().vault.credentialFields(exchange);
  }

  addAccount(input: AddAccountInput): Promise<Outcome<AddAccountResult>> {
    return this.run('add-account', () => engine().vault.addAccount(input));
  }

  renameAccount(id: string, label: string) {
    return this.run(`rename:${id}`, () => engine().vault.renameAccount(id, label));
  }

  removeAccount(id: string) {
    return this.run(`remove:${id}`, () => engine().vault.removeAccount(id));
  }

  createSandboxKey(label: string) {
    return createSandboxKey(label);
  }

  /** Activity keeps the vault open; reported at most every 20 s, and only while unlocked. */
  private watchActivity(): void {
    if (typeof window === 'undefined') return;
    const report = () => {
      if (this.status?.state !== 'unlocked') return;
      const now = Date.now();
      if (now - this.lastTouch < TOUCH_EVERY_MS) return;
      this.lastTouch = now;
      void engine().vault.touch();
    };
    for (const type of ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const) {
      window.addEventListener(type, report, { passive: true, capture: true });
    }
  }
}

export const vaultState = new VaultState();
