/**
 * Wrong passphrases and recovery keys: the first few are free (people mistype), then each further
 * try waits longer. The count is stored, so reloading the page does not reset it.
 */
export const FREE_TRIES = 5;
const BASE_DELAY_MS = 5_000;
const MAX_DELAY_MS = 15 * 60_000;

export interface FailureCount {
  count: number;
  lastAt: number;
}

/** How long after the last failure the next try is allowed. */
export function delayAfter(failures: number): number {
  if (failures < FREE_TRIES) return 0;
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (failures - FREE_TRIES));
}

/** Milliseconds still to wait before another try, 0 when one is allowed now. */
export function waitBeforeTry(failures: FailureCount | undefined, now: number): number {
  if (!failures) return 0;
  return Math.max(0, failures.lastAt + delayAfter(failures.count) - now);
}
