import { Decimal } from '../../money/decimal.js';

/**
 * Fractions that sum to one, as percent text with 2 decimals that sums to exactly "100". Each weight is
 * rounded on its own and the rounding remainder goes to the largest, where it changes the allocation
 * least in relative terms.
 */

const HUNDRED = Decimal.from(100);
/** Float weights from an optimiser sum to one only within rounding; more than this is a real error. */
const SUM_SLACK = 1e-6;

export function percentTexts(
  weights: ArrayLike<number>,
): { ok: true; texts: string[] } | { ok: false; error: string } {
  const n = weights.length;
  if (n === 0) return { ok: false, error: 'There are no weights to show.' };
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    // A long-only optimiser may leave -1e-17 where it means 0.
    if (!Number.isFinite(w) || w < -SUM_SLACK)
      return { ok: false, error: `The weights came out unusable (weight ${i + 1} is ${w}).` };
    sum += w;
  }
  if (Math.abs(sum - 1) > SUM_SLACK)
    return { ok: false, error: `The weights add up to ${sum}, not 1, so they cannot be shown as targets.` };

  const pct = Array.from({ length: n }, (_, i) =>
    Decimal.from(Math.max(0, weights[i]!) * 100).round(2, 'half-even'),
  );
  let largest = 0;
  for (let i = 1; i < n; i++) if (weights[i]! > weights[largest]!) largest = i;
  const remainder = HUNDRED.sub(Decimal.sum(pct));
  const adjusted = pct[largest]!.add(remainder);
  if (adjusted.isNegative())
    return { ok: false, error: 'The weights are too many and too small to show with 2 decimals.' };
  pct[largest] = adjusted;
  return { ok: true, texts: pct.map((p) => p.toFixed(2)) };
}
