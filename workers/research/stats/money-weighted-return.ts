import type { CashFlowPoint, ValuePoint } from './time-weighted-return.js';

const YEAR_MS = 365 * 86_400_000;

export interface MoneyWeightedReturn {
  /** The internal rate of return per year (Actual/365), a fraction. */
  annualised: number;
  /** The same rate over the span: (1 + annualised)^(T / 365 days) - 1. */
  period: number;
}

/**
 * Money-weighted return (IRR): the rate r at which the starting value and every flow in
 * (start.time, end.time], compounded to the end at (1 + r) per 365 days (Actual/365), add up to the end
 * value: V0 (1+r)^tau0 + sum F_k (1+r)^tau_k = V_end, tau = years from the cash movement to the end.
 * Deposits are positive. Flows outside the span are ignored, like timeWeightedReturn's.
 *
 * Solved for the log growth over the whole span u = ln(1 + period), which keeps the search scale-free
 * (a 1 % day and a 1 % decade are the same problem): the interval [-40, 40] is scanned for sign changes
 * and the root nearest 0 (the economically meaningful one when mixed flows allow several) is refined
 * by bisection to full precision. Null when the span is empty or no root exists (e.g. the flows alone
 * exceed what could ever be grown into the end value, or everything is zero). `annualised` can
 * overflow to Infinity over a very short span with a large move; `period` stays exact.
 */
export function moneyWeightedReturn(
  start: ValuePoint,
  flows: CashFlowPoint[],
  end: ValuePoint,
): MoneyWeightedReturn | null {
  const span = end.time - start.time;
  if (!(span > 0)) return null;
  const amounts: number[] = [start.value];
  const shares: number[] = [1];
  for (const f of flows) {
    if (f.time > start.time && f.time <= end.time && f.amount !== 0) {
      amounts.push(f.amount);
      shares.push((end.time - f.time) / span);
    }
  }
  // f(u) = sum a_k exp(u s_k) - V_end, with s_k the share of the span each amount is invested for.
  const f = (u: number): number => {
    let s = -end.value;
    for (let k = 0; k < amounts.length; k++)
      s += (amounts[k] as number) * Math.exp(u * (shares[k] as number));
    return s;
  };
  const u = nearestRoot(f, -40, 40, 400);
  if (u === null) return null;
  const years = span / YEAR_MS;
  return { annualised: Math.expm1(u / years), period: Math.expm1(u) };
}

/** The root of f in [lo, hi] closest to 0, from a grid scan then bisection; null if f never changes sign. */
function nearestRoot(f: (x: number) => number, lo: number, hi: number, steps: number): number | null {
  const f0 = f(0);
  if (f0 === 0) return 0;
  let best: [number, number] | null = null;
  const h = (hi - lo) / steps;
  // Walk outward from 0 both ways so the first bracket found on each side is the one nearest 0.
  for (const dir of [1, -1]) {
    let a = 0;
    let fa = f0;
    for (let i = 1; i <= steps / 2; i++) {
      const b = dir * i * h;
      const fb = f(b);
      if (fb === 0) {
        if (best === null || Math.abs(b) < Math.min(Math.abs(best[0]), Math.abs(best[1]))) best = [b, b];
        break;
      }
      if (Math.sign(fb) !== Math.sign(fa)) {
        if (
          best === null ||
          Math.min(Math.abs(a), Math.abs(b)) < Math.min(Math.abs(best[0]), Math.abs(best[1]))
        )
          best = [a, b];
        break;
      }
      a = b;
      fa = fb;
    }
  }
  if (best === null) return null;
  let [a, b] = best;
  if (a === b) return a;
  let fa = f(a);
  for (let i = 0; i < 200; i++) {
    const m = (a + b) / 2;
    if (m === a || m === b) break;
    const fm = f(m);
    if (fm === 0) return m;
    if (Math.sign(fm) === Math.sign(fa)) {
      a = m;
      fa = fm;
    } else b = m;
  }
  return (a + b) / 2;
}
