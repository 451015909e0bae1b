import { engine, toEngineError } from '$lib/engine/engine';
import type { EngineError, JobProgress, ProgressListener } from '$workers/api';

export type JobStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'failed';

/** What a job throws when it stops because the user cancelled between its steps. */
export const CANCELLED: EngineError = { code: 'cancelled', message: 'Cancelled.', retryable: false };

function newJobId(kind: string): string {
  const rand =
    typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function'
      ? crypto.randomUUID()
      : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  return `${kind}-${rand}`;
}

/**
 * One long research job (a sweep, a walk-forward, Monte Carlo runs, a lookahead check) as screen
 * state: its progress, its last result and the key of the request that produced it, and its error.
 * A cancelled or failed run keeps the previous result on screen.
 */
export class AnalysisJob<T> {
  result = $state.raw<T | null>(null);
  /** Which request `result` answers (the panel flags a result from an earlier backtest). */
  resultKey = $state<string | null>(null);
  progress = $state.raw<JobProgress | null>(null);
  error = $state.raw<EngineError | null>(null);
  status = $state<JobStatus>('idle');
  cancelling = $state(false);
  #jobId: string | null = null;

  constructor(private readonly kind: string) {}

  get running(): boolean {
    return this.status === 'running';
  }

  /**
   * Starts `work` unless a run is going; `key` identifies the request for `resultKey`. Work in several
   * calls checks `cancelled()` between them: a cancel before the long call has a job to stop.
   */
  async run(
    key: string,
    work: (jobId: string, onProgress: ProgressListener, cancelled: () => boolean) => Promise<T>,
  ): Promise<void> {
    if (this.running) return;
    const id = newJobId(this.kind);
    this.#jobId = id;
    this.status = 'running';
    this.cancelling = false;
    this.progress = null;
    this.error = null;
    try {
      const result = await work(
        id,
        (p) => {
          if (this.#jobId === id) this.progress = p;
        },
        () => this.#jobId === id && this.cancelling,
      );
      if (this.#jobId !== id) return;
      this.result = result;
      this.resultKey = key;
      this.status = 'done';
    } catch (e) {
      if (this.#jobId !== id) return;
      const error = toEngineError(e);
      if (error.code === 'cancelled') {
        this.status = 'cancelled';
      } else {
        this.error = error;
        this.status = 'failed';
      }
    } finally {
      if (this.#jobId === id) {
        this.#jobId = null;
        this.progress = null;
        this.cancelling = false;
      }
    }
  }

  /** A problem found before anything started (a grid too big to run): shown like a failed run. */
  fail(error: EngineError): void {
    if (this.running) return;
    this.error = error;
    this.status = 'failed';
  }

  async cancel(): Promise<void> {
    const id = this.#jobId;
    if (!id || this.cancelling) return;
    this.cancelling = true;
    try {
      await engine().research.cancel(id);
    } catch (e) {
      this.cancelling = false;
      this.error = toEngineError(e);
    }
  }

  /** Stops a running job when its screen goes away (the worker would otherwise finish it for nobody). */
  dispose(): void {
    if (this.#jobId) void this.cancel();
  }
}
