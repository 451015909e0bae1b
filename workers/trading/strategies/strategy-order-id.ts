/**
 * The client order id of a run's order: `st-<first 8 of the run id>-<bar open time in base 36>-<n>`,
 * where n counts the orders of that bar. The same bar and intent always give the same id, so a retry,
 * a reload or another tab taking over can never send it twice (the trading engine places an id once).
 */
export function strategyOrderId(runId: string, barTime: number, seq: number): string {
  return `st-${runPrefix(runId)}-${Math.floor(barTime).toString(36)}-${seq}`;
}

/** Letters and digits only, so the id stays within what exchanges accept as a client order id. */
function runPrefix(runId: string): string {
  const clean = runId.replace(/[^A-Za-z0-9]/g, '');
  if (clean.length < 8)
    throw new Error(`A strategy run id needs at least 8 letters or digits, got ${JSON.stringify(runId)}.`);
  return clean.slice(0, 8);
}

/** The bar open time and the order's number within the bar, from a run's client order id; null otherwise. */
export function parseStrategyOrderId(id: string): { barTime: number; seq: number } | null {
  const m = /^st-[A-Za-z0-9]{8}-([0-9a-z]+)-(\d+)$/.exec(id);
  if (!m) return null;
  const barTime = parseInt(m[1] as string, 36);
  const seq = Number(m[2]);
  return Number.isSafeInteger(barTime) && Number.isSafeInteger(seq) ? { barTime, seq } : null;
}
