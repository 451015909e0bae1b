import { EngineFailure, engineError, type EngineError } from '../shared/errors.js';

/** Whatever was thrown, as the error data that crosses the BroadcastChannel and reaches the page. */
export function asError(e: unknown): EngineError {
  if (e instanceof EngineFailure) return e.error;
  if (typeof e === 'object' && e !== null && typeof (e as EngineError).code === 'string')
    return e as EngineError;
  return engineError('internal', `The trading engine failed: ${e instanceof Error ? e.message : String(e)}`);
}

export function fail(code: string, message: string, details?: Record<string, unknown>): never {
  throw new EngineFailure({ ...engineError(code, message), ...(details ? { details } : {}) } as EngineError);
}
