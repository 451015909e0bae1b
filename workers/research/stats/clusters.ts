/**
 * Groups of assets linked by correlation >= threshold, taken transitively (connected components of the
 * graph with an edge for each such pair): a -> b and b -> c put a, b, c together even when a and c are
 * less correlated, which is how a concentration rule should see them. Only groups of 2 or more; indices
 * ascending within a group, groups ordered by their first index. NaN correlations link nothing.
 */
export function correlatedClusters(corr: Float64Array, n: number, threshold: number): number[][] {
  if (corr.length !== n * n)
    throw new RangeError(`correlation matrix has ${corr.length} values, expected ${n * n}`);
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i] as number] as number;
      i = parent[i] as number;
    }
    return i;
  };
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (!((corr[i * n + j] as number) >= threshold)) continue;
      const a = find(i);
      const b = find(j);
      // Keep the smaller index as the root, so groups come out keyed by their first member.
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const root = find(i);
    const g = groups.get(root);
    if (g) g.push(i);
    else groups.set(root, [i]);
  }
  return [...groups.values()]
    .filter((g) => g.length >= 2)
    .sort((x, y) => (x[0] as number) - (y[0] as number));
}
