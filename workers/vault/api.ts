import type { EngineError } from '../shared/errors.js';
import type { CredentialField, Credentials } from './credential-fields.js';
import type { Venue } from './vault-records.js';

export type { CredentialField, Credentials } from './credential-fields.js';
export type { Envelope } from './envelope.js';
export type { Venue } from './vault-records.js';

/** What opens the vault (or proves the user may change how it opens). */
export type UnlockSecret =
  | { kind: 'passphrase'; passphrase: string }
  | { kind: 'recovery'; recoveryKey: string }
  /** 32 bytes from the passkey's PRF, obtained in the page; transfer the buffer, the worker zeroes it. */
  | { kind: 'passkey'; credentialId: string; prfOutput: Uint8Array<ArrayBuffer> };

export interface PasskeyUnlockInfo {
  id: string;
  label: string;
  /** base64url; the page asks the authenticator for this credential... */
  credentialId: string;
  /** ...with this PRF input. Both are public. */
  prfSalt: string;
  createdAt: number;
}

export interface VaultStatus {
  state: 'not-set-up' | 'locked' | 'unlocked';
  methods: { passphrase: boolean; recovery: boolean; passkeys: PasskeyUnlockInfo[] };
  autoLockMinutes: number;
  /** Wrong tries so far; after five, each try waits `retryInMs`. */
  failures: number;
  retryInMs: number;
  /** Why it last locked, so the UI can say "locked after 15 minutes idle". */
  lockedBy: 'start' | 'user' | 'idle' | null;
}

export interface AccountSummary {
  id: string;
  exchange: string;
  venue: Venue;
  label: string;
  apiKeyHint: string | null;
  fields: string[];
  lastTest: { ok: boolean; at: number; code: string | null };
  createdAt: number;
}

export interface AccountDraft {
  exchange: string;
  venue: Venue;
  label: string;
}

export type ConnectionTestResult =
  { ok: true; balances?: Record<string, string> } | { ok: false; error: EngineError };

/** Checks credentials against the exchange (the real one goes through ccxt and the relay). */
export type ConnectionTester = (
  account: AccountDraft,
  credentials: Credentials,
) => Promise<ConnectionTestResult>;

export interface AddAccountInput {
  exchange: string;
  venue: Venue;
  label?: string;
  credentials: Record<string, string>;
  /** Save even when the connection test fails (the user chose to). */
  saveAnyway?: boolean;
}

export type AddAccountResult =
  | { saved: true; account: AccountSummary; test: ConnectionTestResult }
  | { saved: false; test: ConnectionTestResult & { ok: false } };

export type VaultEvent =
  { type: 'status'; status: VaultStatus } | { type: 'accounts'; accounts: AccountSummary[] };
export type VaultListener = (event: VaultEvent) => void;

/** The vault as the UI sees it. Decrypted credentials never cross this boundary. */
export interface VaultApi {
  status(): Promise<VaultStatus>;
  /** First setup: a passphrase; returns the recovery key text, shown once and never again. */
  setup(passphrase: string): Promise<{ recoveryKey: string; status: VaultStatus }>;
  unlock(secret: UnlockSecret): Promise<VaultStatus>;
  lock(): Promise<VaultStatus>;
  /** The UI reports activity; cheap, call it freely. */
  touch(): Promise<void>;
  setAutoLockMinutes(minutes: number): Promise<VaultStatus>;
  changePassphrase(current: UnlockSecret, next: string): Promise<VaultStatus>;
  addPasskey(input: {
    proof: UnlockSecret;
    credentialId: string;
    prfSalt: string;
    prfOutput: Uint8Array<ArrayBuffer>;
    label: string;
  }): Promise<VaultStatus>;
  removePasskey(id: string): Promise<VaultStatus>;
  /** Replaces the recovery key; the old one stops working. */
  newRecoveryKey(proof: UnlockSecret): Promise<{ recoveryKey: string }>;
  exchanges(): Promise<string[]>;
  credentialFields(exchange: string): Promise<CredentialField[]>;
  addAccount(input: AddAccountInput): Promise<AddAccountResult>;
  listAccounts(): Promise<AccountSummary[]>;
  renameAccount(id: string, label: string): Promise<AccountSummary>;
  removeAccount(id: string): Promise<void>;
  subscribe(listener: VaultListener): Promise<number>;
  unsubscribe(id: number): Promise<void>;
}

/** Engine-internal (never on the UI API): how the trading side gets credentials for ccxt. */
export interface CredentialSource {
  credentialsFor(accountId: string): Promise<Credentials>;
  withCredentials<T>(accountId: string, use: (credentials: Credentials) => Promise<T>): Promise<T>;
}
