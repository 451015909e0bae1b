import type { Envelope } from './envelope.js';
import type { HkdfParams, Pbkdf2Params } from './key-wrapping.js';

/** The data key, wrapped by one key-encryption key. Nothing here unlocks anything without the user. */
interface WrappedKeyBase {
  /** 'passphrase', 'recovery', or 'prf:<credentialId>'. */
  id: string;
  /** Which data key this wraps (the envelopes' keyId). */
  dataKeyId: string;
  wrapAlg: 'AES-KW';
  /** base64url */
  wrapped: string;
  createdAt: number;
}

export interface PassphraseKeyRecord extends WrappedKeyBase {
  kind: 'passphrase';
  kdf: Pbkdf2Params;
}

export interface RecoveryKeyRecord extends WrappedKeyBase {
  kind: 'recovery';
  kdf: HkdfParams;
}

export interface PrfKeyRecord extends WrappedKeyBase {
  kind: 'prf';
  kdf: HkdfParams;
  /** base64url WebAuthn credential id: public, the page passes it to navigator.credentials.get. */
  credentialId: string;
  /** base64url salt the page passes as the PRF input (`eval.first`): public. */
  prfSalt: string;
  label: string;
}

export type WrappedKeyRecord = PassphraseKeyRecord | RecoveryKeyRecord | PrfKeyRecord;

export type Venue = 'sandbox' | 'live';

export interface ExchangeAccountRow {
  id: string;
  exchange: string;
  venue: Venue;
  label: string;
  /** Names of the credential fields inside the envelope (not their values). */
  fields: string[];
  apiKeyHint: string | null;
  /** The credentials, encrypted; its additional data names this row's id. */
  envelope: Envelope;
  lastTest: { ok: boolean; at: number; code: string | null };
  createdAt: number;
  updatedAt: number;
}

export interface VaultStateRow {
  key: string;
  value: unknown;
}
