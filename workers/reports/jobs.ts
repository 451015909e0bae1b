import type { JobProgress } from '../research/api.js';
import { EngineFailure, engineError } from '../shared/errors.js';

/** How often progress is sent at most: a listener is a message across the worker boundary. */
const PROGRESS_EVERY_MS = 100;

/** One running job: its progress, throttled, and whether it was asked to stop. */
export interface Job {
  progress(stage: string, done: number, total: number): void;
  /** Throws a 'cancelled' failure when the job was cancelled; call between steps. */
  check(): void;
}

/** Long jobs by id, so `cancel(jobId)` from the page can stop one between its steps. */
export class Jobs {
  private readonly cancelled = new Set<string>();
  private readonly running = new Set<string>();

  async run<T>(
    jobId: string | undefined,
    onProgress: ((p: JobProgress) => void) | undefined,
    work: (job: Job) => Promise<T>,
  ): Promise<T> {
    const id = jobId ?? null;
    if (id !== null) this.running.add(id);
    let last = 0;
    const job: Job = {
      progress: (stage, done, total) => {
        const now = Date.now();
        if (onProgress === undefined || (now - last < PROGRESS_EVERY_MS && done < total)) return;
        last = now;
        // A page that went away cannot take progress (a proxied listener rejects); the job still finishes.
        try {
          const sent: unknown = onProgress({ stage, done, total });
          if (sent instanceof Promise) sent.catch(() => undefined);
        } catch {
          // As above, for a listener that throws at once.
        }
      },
      check: () => {
        if (id !== null && this.cancelled.has(id))
          throw new EngineFailure(engineError('cancelled', 'The report was cancelled.'));
      },
    };
    try {
      return await work(job);
    } finally {
      if (id !== null) {
        this.running.delete(id);
        this.cancelled.delete(id);
      }
    }
  }

  cancel(jobId: string): void {
    if (this.running.has(jobId)) this.cancelled.add(jobId);
  }
}
