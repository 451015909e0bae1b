export interface CorrelationShockPair {
  a: string;
  b: string;
  ewma: number;
  longRun: number;
  /** ewma - longRun. */
  change: number;
}

/**
 * Pairs whose EWMA correlation has moved more than `threshold` away from their long-run correlation
 * (|ewma - longRun| > threshold), each pair once (upper triangle), largest absolute change first.
 * Pairs with an undefined correlation on either side are not shocks.
 */
export function correlationShocks(
  assets: string[],
  ewma: Float64Array,
  longRun: Float64Array,
  threshold: number,
): CorrelationShockPair[] {
  const n = assets.length;
  if (ewma.length !== n * n || longRun.length !== n * n)
    throw new RangeError(`correlation matrices must be ${n} x ${n} for ${n} assets`);
  const out: CorrelationShockPair[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const e = ewma[i * n + j] as number;
      const l = longRun[i * n + j] as number;
      const change = e - l;
      if (Math.abs(change) > threshold)
        out.push({ a: assets[i] as string, b: assets[j] as string, ewma: e, longRun: l, change });
    }
  }
  return out.sort((x, y) => Math.abs(y.change) - Math.abs(x.change));
}
