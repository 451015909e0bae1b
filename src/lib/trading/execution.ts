/** Execution figures the panels show: average prices, progress, slippage against the arrival price. */
import type { AlgoRecord, OrderRecord, Side } from '$workers/api';
import { Decimal } from '../../../workers/money/decimal';

/** cost / filled with `decimals` extra precision (exact; display rounds it), or null before any fill. */
export function averagePrice(cost: string, filled: string, decimals = 12): string | null {
  const c = Decimal.tryFrom(cost);
  const f = Decimal.tryFrom(filled);
  if (!c || !f || !f.isPositive()) return null;
  return c.div(f, decimals, 'half-even').toString();
}

/** filled / amount in [0, 1] (a float: it sizes a progress bar). */
export function progress(filled: string, amount: string): number {
  const f = Number(filled);
  const a = Number(amount);
  if (!(a > 0) || !Number.isFinite(f)) return 0;
  return Math.max(0, Math.min(1, f / a));
}

/**
 * Slippage of an average price against a reference, in basis points, signed so that positive is worse
 * for the trader: a buy that paid more, or a sell that received less. Null when either is missing.
 */
export function slippageBps(side: Side, avg: string | null, reference: string | null): number | null {
  const a = Number(avg);
  const r = Number(reference);
  if (avg === null || reference === null || !(a > 0) || !(r > 0)) return null;
  const bps = ((a - r) / r) * 10_000;
  return side === 'buy' ? bps : -bps;
}

export function algoAverage(a: Pick<AlgoRecord, 'cost' | 'filled'>): string | null {
  return averagePrice(a.cost, a.filled);
}

export function orderAverage(o: Pick<OrderRecord, 'cost' | 'filled'>): string | null {
  return averagePrice(o.cost, o.filled);
}
