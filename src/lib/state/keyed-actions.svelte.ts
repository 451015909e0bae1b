import type { EngineError } from '$workers/api';
import { toEngineError } from '$lib/engine/engine';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: EngineError };

/**
 * What a screen shows about its actions, one entry per action key ("place", "unlock", "cancel:<id>"):
 * whether it is running and how it last failed. Records are replaced, never mutated, so the runes see
 * every change.
 */
export class KeyedActions {
  pending = $state.raw<Readonly<Record<string, true>>>({});
  errors = $state.raw<Readonly<Record<string, EngineError>>>({});

  isPending(key: string): boolean {
    return this.pending[key] === true;
  }

  error(key: string): EngineError | null {
    return this.errors[key] ?? null;
  }

  setError(key: string, error: EngineError): void {
    this.errors = { ...this.errors, [key]: error };
  }

  clearError(key: string): void {
    if (!(key in this.errors)) return;
    const next = { ...this.errors };
    delete next[key];
    this.errors = next;
  }

  /** Marks `key` pending while `work` runs (for steps that are not one engine call). */
  async while<T>(key: string, work: () => Promise<T>): Promise<T> {
    this.pending = { ...this.pending, [key]: true };
    try {
      return await work();
    } finally {
      const next = { ...this.pending };
      delete next[key];
      this.pending = next;
    }
  }

  /**
   * Runs one action under a key: clears its last error, marks it pending, records a failure. Never
   * rejects: the outcome says how it went (a failure also stays in `errors[key]`).
   */
  run<T>(
    key: string,
    action: () => Promise<T>,
    onFailure?: (error: EngineError) => void,
  ): Promise<Outcome<T>> {
    this.clearError(key);
    return this.while(key, async () => {
      try {
        return { ok: true as const, value: await action() };
      } catch (e) {
        const error = toEngineError(e);
        this.setError(key, error);
        onFailure?.(error);
        return { ok: false as const, error };
      }
    });
  }
}
