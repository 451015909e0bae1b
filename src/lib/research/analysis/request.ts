/** What the analysis tabs send: the last backtest's request, made plain and extended per analysis. */
import type { BacktestRequest, Params } from '$workers/api';

/**
 * A stable text key for a request, to tell whether a result on screen still answers the backtest the
 * page shows. Key order is fixed by sorting, so equal requests built in a different order match.
 */
export function requestKey(request: BacktestRequest): string {
  return JSON.stringify(request, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

/** The strategy's params as the request gives them (a rule set has none to tune). */
export function baseParams(request: BacktestRequest): Params {
  return request.strategy.kind === 'builtin' ? request.strategy.params : {};
}

/** The worker's message starts lower case (it is also used mid-sentence); on its own it reads as a sentence. */
export function sentence(message: string): string {
  const t = message.trim();
  if (t === '') return t;
  const first = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}
