import { EngineFailure } from '../shared/errors.js';
import { cancelledFailure } from './backup-errors.js';

export interface RetryPolicy {
  /** Waits before each further try; their count is the number of retries. */
  delaysMs: readonly number[];
  sleep: (ms: number) => Promise<void>;
}

/**
 * Network drops and server hiccups get a few tries with growing waits; a refusal fails at once, and so
 * does a rate limit (the next automatic pass comes later anyway).
 */
export async function retrying<T>(
  work: () => Promise<T>,
  policy: RetryPolicy,
  signal: AbortSignal,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (e) {
      const wait =
        e instanceof EngineFailure && e.error.retryable && e.error.code !== 'backup-rate-limited'
          ? policy.delaysMs[attempt]
          : undefined;
      if (wait === undefined || signal.aborted) throw e;
      await policy.sleep(wait);
      if (signal.aborted) throw cancelledFailure();
    }
  }
}
