import { vaultFailure } from './vault-errors.js';

/** One credential an exchange asks for, as the Add account form shows it. */
export interface CredentialField {
  /** ccxt's name for it: apiKey, secret, password, uid... */
  name: string;
  label: string;
  /** Shown as a password input; every field is encrypted either way. */
  secret: boolean;
  help?: string;
}

export type Credentials = Record<string, string>;

// ccxt's `requiredCredentials` keys, in the order a form should ask for them.
const known: CredentialField[] = [
  { name: 'apiKey', label: 'API key', secret: false },
  { name: 'secret', label: 'API secret', secret: true },
  {
    name: 'password',
    label: 'API passphrase',
    secret: true,
    help: 'The passphrase you chose when creating the key on the exchange (not your login password).',
  },
  { name: 'uid', label: 'User ID', secret: false },
  { name: 'accountId', label: 'Account ID', secret: false },
  { name: 'login', label: 'Login', secret: false },
  { name: 'twofa', label: 'Two-factor secret', secret: true },
  { name: 'privateKey', label: 'Private key', secret: true },
  { name: 'walletAddress', label: 'Wallet address', secret: false },
  { name: 'token', label: 'Token', secret: true },
];

const MAX_LENGTH = 4096;

/** The form fields for ccxt's `requiredCredentials` map (only the entries set to true). */
export function fieldsFor(required: Readonly<Record<string, boolean>>): CredentialField[] {
  const names = Object.keys(required).filter((k) => required[k] === true);
  const ordered = known.filter((f) => names.includes(f.name));
  const unknown = names
    .filter((n) => !known.some((f) => f.name === n))
    .map((name) => ({ name, label: name, secret: true }));
  return [...ordered, ...unknown];
}

/**
 * Exactly the required fields, each a non-empty string (trimmed: pasted keys often carry a space).
 * Errors list field names, never values.
 */
export function validateCredentials(
  exchange: string,
  fields: CredentialField[],
  input: unknown,
): Credentials {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw vaultFailure('vault-bad-credentials', 'Credentials must be a set of named fields.');
  }
  const given = input as Record<string, unknown>;
  const names = fields.map((f) => f.name);
  const out: Credentials = {};
  const missing: string[] = [];
  for (const f of fields) {
    const v = given[f.name];
    const text = typeof v === 'string' ? v.trim() : '';
    if (!text) missing.push(f.name);
    else if (text.length > MAX_LENGTH) {
      throw vaultFailure('vault-bad-credentials', `${f.label} is too long to be a real credential.`, {
        field: f.name,
      });
    } else out[f.name] = text;
  }
  const unexpected = Object.keys(given).filter(
    (k) => !names.includes(k) && given[k] !== undefined && given[k] !== '',
  );
  if (missing.length) {
    const labels = fields.filter((f) => missing.includes(f.name)).map((f) => f.label);
    throw vaultFailure(
      'vault-bad-credentials',
      `${exchange} needs ${labels.join(', ')}. Fill in every field.`,
      {
        missing: missing.join(','),
      },
    );
  }
  if (unexpected.length) {
    throw vaultFailure(
      'vault-bad-credentials',
      `${exchange} does not use ${unexpected.join(', ')}; leave only the fields it asks for.`,
      { unexpected: unexpected.join(',') },
    );
  }
  return out;
}

/** Enough of the API key to tell accounts apart; never the secret. */
export function apiKeyHint(credentials: Credentials): string | null {
  const key = credentials.apiKey;
  return key && key.length >= 12 ? `…${key.slice(-4)}` : null;
}
