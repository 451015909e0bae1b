import type { EngineFailure } from '../shared/errors.js';
import { supportedExchanges } from '../exchange/exchanges.js';
import type { AccountSummary, AddAccountInput, AddAccountResult, ConnectionTester } from './api.js';
import { fromUtf8, utf8 } from './bytes.js';
import { testConnectionSafely } from './connection-check.js';
import {
  apiKeyHint,
  fieldsFor,
  validateCredentials,
  type CredentialField,
  type Credentials,
} from './credential-fields.js';
import { open, seal } from './envelope.js';
import { ccxtRequiredCredentials } from './exchange-requirements.js';
import type { HeldKey } from './unlock-attempt.js';
import { vaultFailure } from './vault-errors.js';
import type { VaultEvents } from './vault-events.js';
import { checkLabel } from './vault-inputs.js';
import type { ExchangeAccountRow, Venue } from './vault-records.js';
import type { VaultStore } from './vault-store.js';

/** What the caller supplies for exchange accounts (part of VaultDeps). */
export interface ExchangeAccountDeps {
  /** Checks credentials with the exchange before they are stored. */
  testConnection: ConnectionTester;
  /** ccxt's `requiredCredentials` for an exchange; defaults to reading it from ccxt's class. */
  requiredCredentials?: (exchange: string) => Promise<Readonly<Record<string, boolean>>>;
  exchanges?: readonly string[];
}

export interface ExchangeAccountsContext {
  store: VaultStore;
  events: VaultEvents;
  now: () => number;
  /** The data key, or a 'vault-locked' refusal. */
  requireUnlocked: () => HeldKey;
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

function unknownAccount(): EngineFailure {
  return vaultFailure(
    'vault-unknown-account',
    'That exchange account is not in the vault (it may have been removed).',
  );
}

/**
 * Exchange accounts: credentials stored as envelopes sealed under the vault's data key. Adding and
 * reading credentials need the vault unlocked; listing, renaming and removing do not.
 */
export class ExchangeAccounts {
  constructor(
    private readonly deps: ExchangeAccountDeps,
    private readonly ctx: ExchangeAccountsContext,
  ) {}

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
    this.ctx.requireUnlocked();
    const venue: Venue | null = input?.venue === 'sandbox' || input?.venue === 'live' ? input.venue : null;
    if (!venue) throw vaultFailure('vault-bad-venue', "An account is either on the 'sandbox' or 'live'.");
    const exchange = input.exchange;
    const fields = await this.credentialFields(exchange);
    const credentials = validateCredentials(exchange, fields, input.credentials);
    const label = checkLabel(input.label, `${exchange} ${venue}`);
    const test = await testConnectionSafely(
      this.deps.testConnection,
      { exchange, venue, label },
      credentials,
    );
    if (!test.ok && input.saveAnyway !== true) return { saved: false, test };

    // The test took a while: the vault may have locked meanwhile.
    const { key, keyId } = this.ctx.requireUnlocked();
    const now = this.ctx.now();
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
    await this.ctx.store.addAccount(row);
    void this.emitAccounts();
    return { saved: true, account: summary(row), test };
  }

  async listAccounts(): Promise<AccountSummary[]> {
    return (await this.ctx.store.accounts()).map(summary);
  }

  async renameAccount(id: string, label: string): Promise<AccountSummary> {
    const text = checkLabel(label, '');
    if (!text) throw vaultFailure('vault-bad-label', 'Give the account a name.');
    const row = await this.ctx.store.renameAccount(String(id), text, this.ctx.now());
    if (!row) throw unknownAccount();
    void this.emitAccounts();
    return summary(row);
  }

  async removeAccount(id: string): Promise<void> {
    if (!(await this.ctx.store.removeAccount(String(id)))) throw unknownAccount();
    void this.emitAccounts();
  }

  /** Engine-internal: decrypted credentials for ccxt. Never exposed on the UI API. */
  async credentialsFor(accountId: string): Promise<Credentials> {
    const { key } = this.ctx.requireUnlocked();
    const row = await this.ctx.store.account(accountId);
    if (!row) throw unknownAccount();
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

  private async emitAccounts(): Promise<void> {
    if (this.ctx.events.hasListeners) {
      this.ctx.events.emit({ type: 'accounts', accounts: await this.listAccounts() });
    }
  }
}
