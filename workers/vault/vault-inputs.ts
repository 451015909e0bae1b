import { vaultFailure } from './vault-errors.js';

/** Checks on what the user types or hands in, before any key material is touched. */

export const MIN_PASSPHRASE_LENGTH = 10;
const MAX_PASSPHRASE_LENGTH = 1024;
const MAX_LABEL_LENGTH = 60;
const PRF_OUTPUT_BYTES = 32;

export function checkNewPassphrase(passphrase: unknown): string {
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

export function checkLabel(label: unknown, fallback: string): string {
  const text = typeof label === 'string' ? label.trim() : '';
  if (text.length > MAX_LABEL_LENGTH) {
    throw vaultFailure('vault-bad-label', `A name can be at most ${MAX_LABEL_LENGTH} characters.`);
  }
  return text || fallback;
}

export function checkPrfOutput(bytes: unknown): Uint8Array<ArrayBuffer> {
  if (!(bytes instanceof Uint8Array) || bytes.length !== PRF_OUTPUT_BYTES) {
    throw vaultFailure(
      'vault-bad-passkey',
      'The passkey did not return a usable PRF result (32 bytes expected).',
    );
  }
  return bytes as Uint8Array<ArrayBuffer>;
}
