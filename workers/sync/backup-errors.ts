import { EngineFailure, engineError, type EngineError } from '../shared/errors.js';

/** A backup failure the user can act on: a stable code and one sentence saying what to do. */
export function backupFailure(
  code: string,
  message: string,
  retryable = false,
  details?: EngineError['details'],
): EngineFailure {
  return new EngineFailure(engineError(code, message, retryable, details));
}

export const tamperedMessage =
  'This backup failed its integrity check: a part is damaged, missing, out of order or not from this backup. Nothing was changed. Verify another version, or make a new backup.';

export function cancelledFailure(): EngineFailure {
  return backupFailure('backup-cancelled', 'Cancelled. Nothing was changed.');
}
