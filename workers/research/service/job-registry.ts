import type { ProgressListener } from '../api.js';
import { EngineFailure, engineError } from '../../shared/errors.js';
import { throttleProgress, type ProgressReporter } from './progress-throttle.js';

/** What a long job sees: whether it should stop, and where to report progress. */
export class Job {
  private readonly abort = new AbortController();

  constructor(
    readonly id: string,
    private readonly reporter: ProgressReporter,
  ) {}

  /** Aborted on cancel: pool work listens to it to terminate its workers. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get cancelled(): boolean {
    return this.abort.signal.aborted;
  }

  /** For synchronous engines that poll between chunks of bars. */
  readonly shouldStop = (): boolean => this.abort.signal.aborted;

  progress(done: number, total: number, stage: string): void {
    this.reporter.report({ done, total, stage });
  }

  /** Progress hooks in the shape the engines take, labelled with one stage. */
  stage(stage: string): { onProgress(done: number, total: number): void; shouldStop(): boolean } {
    return { onProgress: (done, total) => this.progress(done, total, stage), shouldStop: this.shouldStop };
  }

  cancel(): void {
    this.abort.abort();
  }
}

export function cancelledError(): EngineFailure {
  return new EngineFailure(engineError('cancelled', 'The job was cancelled before it finished.'));
}

/**
 * The jobs running now, by the id the page gave them, so `cancel(jobId)` can reach one. A cancelled job
 * rejects with an EngineError of code `cancelled` whatever the work threw on the way out (a terminated
 * pool worker, the engine's own CancelledError), and also when its work finished just after the cancel:
 * the page asked to stop and is no longer waiting for that result.
 */
export class JobRegistry {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly now: () => number) {}

  async run<T>(
    jobId: string,
    listener: ProgressListener | undefined,
    work: (job: Job) => Promise<T> | T,
  ): Promise<T> {
    if (typeof jobId !== 'string' || jobId.trim() === '' || jobId.length > 200) {
      throw new EngineFailure(
        engineError('invalid', 'A job needs an id: any unique text of 1 to 200 characters.', false, {
          field: 'jobId',
        }),
      );
    }
    if (this.jobs.has(jobId)) {
      throw new EngineFailure(
        engineError(
          'invalid',
          `A job with id "${jobId}" is already running: give each job its own id.`,
          false,
          {
            field: 'jobId',
          },
        ),
      );
    }
    const job = new Job(jobId, throttleProgress(listener, this.now));
    this.jobs.set(jobId, job);
    try {
      const result = await work(job);
      if (job.cancelled) throw cancelledError();
      return result;
    } catch (e) {
      throw job.cancelled ? cancelledError() : e;
    } finally {
      this.jobs.delete(jobId);
    }
  }

  /** Stops a running job; an unknown or finished id is ignored (the job may just have ended). */
  cancel(jobId: string): void {
    this.jobs.get(jobId)?.cancel();
  }

  get running(): string[] {
    return [...this.jobs.keys()];
  }
}
