export interface ValuePoint {
  /** Epoch milliseconds. */
  time: number;
  value: number;
}

export interface CashFlowPoint {
  /** Epoch milliseconds. */
  time: number;
  /** Money put in is positive (deposit), money taken out negative (withdrawal). */
  amount: number;
}

/**
 * Time-weighted return over valuation points, a fraction: the product of (1 + r_i) - 1 over consecutive
 * points (sorted by time here). The net flow F_i dated in (t_{i-1}, t_i] is taken as happening at the
 * end of sub-period i, i.e. the valuation V_i already includes it: r_i = (V_i - F_i) / V_{i-1} - 1. So
 * a deposit is never counted as performance, and a flow stamped at the very time of a valuation
 * belongs to the sub-period that ends there. Flows at or before the first point, or after the last,
 * are outside the measured span and ignored.
 * Null with fewer than 2 points, or when a sub-period starts from a value <= 0 (no return is defined).
 */
export function timeWeightedReturn(points: ValuePoint[], flows: CashFlowPoint[]): number | null {
  if (points.length < 2) return null;
  const ps = [...points].sort((a, b) => a.time - b.time);
  const fs = [...flows].sort((a, b) => a.time - b.time);
  let k = 0;
  while (k < fs.length && (fs[k] as CashFlowPoint).time <= (ps[0] as ValuePoint).time) k++;
  let growth = 1;
  for (let i = 1; i < ps.length; i++) {
    const prev = ps[i - 1] as ValuePoint;
    const cur = ps[i] as ValuePoint;
    let flow = 0;
    while (k < fs.length && (fs[k] as CashFlowPoint).time <= cur.time)
      flow += (fs[k++] as CashFlowPoint).amount;
    if (!(prev.value > 0)) return null;
    growth *= (cur.value - flow) / prev.value;
  }
  return growth - 1;
}
