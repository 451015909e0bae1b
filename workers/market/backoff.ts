/**
 * Reconnect delays: exponential with "equal jitter" (half fixed, half random), so a fleet of clients
 * that lost the same server does not come back in lockstep, and each still waits a sensible minimum.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const defaultBackoff: BackoffPolicy = { baseMs: 500, maxMs: 30_000 };

export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy = defaultBackoff,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
