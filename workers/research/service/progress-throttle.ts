import type { JobProgress, ProgressListener } from '../api.js';

/** At most this many progress events a second reach the page (plus a job's last one). */
export const progressEventsPerSecond = 8;

export interface ProgressReporter {
  report(progress: JobProgress): void;
}

/**
 * Forwards progress to a listener no more often than `progressEventsPerSecond`, so a job over millions
 * of bars does not flood the page with messages. Always forwarded: the first event, the first event of
 * a new stage, and the event that reaches the total (so the bar ends at 100 %).
 */
export function throttleProgress(
  listener: ProgressListener | undefined,
  now: () => number,
): ProgressReporter {
  if (!listener) return { report: () => {} };
  const minGapMs = 1000 / progressEventsPerSecond;
  let lastSent = Number.NEGATIVE_INFINITY;
  let lastStage: string | null = null;
  return {
    report(progress) {
      const t = now();
      const final = progress.done >= progress.total;
      if (!final && progress.stage === lastStage && t - lastSent < minGapMs) return;
      lastSent = t;
      lastStage = progress.stage;
      deliver(listener, progress);
    },
  };
}

// Across comlink the listener is a proxy whose call returns a promise: a page that went away rejects it,
// and that must not fail the job.
function deliver(listener: ProgressListener, progress: JobProgress): void {
  try {
    const answer: unknown = listener({ ...progress });
    if (answer instanceof Promise) answer.catch(() => {});
  } catch {
    // A listener that throws is the page's problem, not the job's.
  }
}
