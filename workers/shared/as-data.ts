import { EngineFailure, engineError, type EngineError } from './errors.js';

/** Rejections cross as plain EngineError objects so the UI can show them without guessing. */
export async function asData<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (e) {
    const error: EngineError =
      e instanceof EngineFailure
        ? e.error
        : typeof e === 'object' && e !== null && typeof (e as EngineError).code === 'string'
          ? (e as EngineError)
          : engineError('internal', `The engine failed: ${e instanceof Error ? e.message : String(e)}`);
    throw error;
  }
}
