import { CancelledError, ResearchInputError } from '../backtest/errors.js';
import { EngineFailure, engineError, type EngineError } from '../../shared/errors.js';

function isEngineError(x: unknown): x is EngineError {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as EngineError).code === 'string' &&
    typeof (x as EngineError).message === 'string'
  );
}

/** The engines write messages in lower case; a plain first word is capitalised, an identifier kept as is. */
function sentence(message: string): string {
  return /^[a-z]+(?=[\s,:;])/.test(message) ? message[0]!.toUpperCase() + message.slice(1) : message;
}

/**
 * Anything research throws, as the EngineError the page receives: input it cannot run with is
 * `invalid` (with the field, so the form can point at it), a stopped job is `cancelled`, and the rest
 * is `internal`. Errors that come back from a pool worker have lost their class on the way, so they are
 * also recognised by name.
 */
export function researchError(e: unknown): EngineError {
  if (e instanceof EngineFailure) return e.error;
  if (isEngineError(e)) return e;
  if (e instanceof ResearchInputError || (e instanceof Error && e.name === 'ResearchInputError')) {
    const field = (e as Partial<ResearchInputError>).field;
    return engineError(
      'invalid',
      sentence(e.message),
      false,
      typeof field === 'string' ? { field } : undefined,
    );
  }
  if (e instanceof CancelledError || (e instanceof Error && e.name === 'CancelledError')) {
    return engineError('cancelled', 'The job was cancelled before it finished.');
  }
  const message = e instanceof Error ? e.message : String(e);
  return engineError('internal', `Research failed: ${message.slice(0, 300)}`);
}

/** Rejections cross the worker boundary as EngineError data, never as Error objects that lose their fields. */
export async function asData<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw researchError(e);
  }
}

export function invalid(field: string, message: string): EngineFailure {
  return new EngineFailure(engineError('invalid', message, false, { field }));
}
