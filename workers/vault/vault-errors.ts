import { EngineFailure, engineError, type EngineError } from '../shared/errors.js';

/**
 * The vault's refusals. Messages name what went wrong and what to do; they never quote a secret, a
 * passphrase or a key, and details carry field names and counts only.
 */
export function vaultFailure(code: string, message: string, details?: EngineError['details']): EngineFailure {
  return new EngineFailure(engineError(code, message, false, details));
}

export const lockedFailure = (): EngineFailure =>
  vaultFailure(
    'vault-locked',
    'The vault is locked. Unlock it with your passphrase, passkey or recovery key.',
  );

export const notSetUpFailure = (): EngineFailure =>
  vaultFailure('vault-not-set-up', 'The vault is not set up yet. Choose a passphrase in Settings first.');
