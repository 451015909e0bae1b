import { UsageError } from './io.js';

/** How far a weight sum may be from 1 and still count as fully invested. */
export const WEIGHT_SUM_TOLERANCE = 1e-9;

// Sums of decimal weights carry binary noise (0.5 + 0.4 = 0.9000000000000000222): show what was meant,
// to 12 decimals, three orders finer than the tolerance.
const round = (x: number) => Number(x.toFixed(12));

/**
 * Parses `--weights DAX=0.25,SMI=0.75` against the table's assets. Assets left out get weight 0; an
 * unknown or repeated asset, a non-numeric weight, or weights not summing to 1 (within
 * WEIGHT_SUM_TOLERANCE, with the difference shown) are refused.
 */
export function parseWeights(raw: string, assets: string[]): Float64Array {
  const weights = new Float64Array(assets.length);
  const given = new Set<string>();
  const parts = raw.split(',').filter((p) => p.trim() !== '');
  if (parts.length === 0)
    throw new UsageError('--weights is empty: give ASSET=WEIGHT pairs, e.g. DAX=0.5,SMI=0.5');
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new UsageError(`--weights: "${part}" is not ASSET=WEIGHT`);
    const name = part.slice(0, eq).trim();
    const text = part.slice(eq + 1).trim();
    const index = assets.indexOf(name);
    if (index < 0)
      throw new UsageError(`--weights: no column "${name}" in the prices (columns: ${assets.join(', ')})`);
    if (given.has(name)) throw new UsageError(`--weights: ${name} is given twice`);
    given.add(name);
    const w = text === '' ? NaN : Number(text);
    if (!Number.isFinite(w))
      throw new UsageError(`--weights: the weight of ${name} is not a number: "${text}"`);
    weights[index] = w;
  }
  let sum = 0;
  for (const w of weights) sum += w;
  const diff = sum - 1;
  if (Math.abs(diff) > WEIGHT_SUM_TOLERANCE)
    throw new UsageError(
      `--weights sum to ${round(sum)}, not 1: ${round(Math.abs(diff))} ${diff < 0 ? 'short of' : 'over'} fully invested`,
    );
  return weights;
}
