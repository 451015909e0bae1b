/**
 * In-place selection (Floyd & Rivest, 1975): after `selectKth(a, k, left, right)`, a[k] holds the value
 * it would have if a[left..right] were sorted ascending, with everything before it <= and everything
 * after it >=. On large ranges it first selects within a small sample around where k should fall, so
 * the partition pivot lands next to the answer and one pass nearly finishes: about n + min(k, n - k)
 * comparisons, a VaR over 1,000 returns in a few microseconds. NaN must be filtered out beforehand.
 */
export function selectKth(a: Float64Array, k: number, left = 0, right = a.length - 1): void {
  while (right > left) {
    if (right - left > 600) {
      const n = right - left + 1;
      const m = k - left + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1);
      const newLeft = Math.max(left, Math.floor(k - (m * s) / n + sd));
      const newRight = Math.min(right, Math.floor(k + ((n - m) * s) / n + sd));
      selectKth(a, k, newLeft, newRight);
    }
    const t = a[k] as number;
    let i = left;
    let j = right;
    swap(a, left, k);
    if ((a[right] as number) > t) swap(a, left, right);
    while (i < j) {
      swap(a, i, j);
      i++;
      j--;
      while ((a[i] as number) < t) i++;
      while ((a[j] as number) > t) j--;
    }
    if (a[left] === t) swap(a, left, j);
    else {
      j++;
      swap(a, j, right);
    }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i] as number;
  a[i] = a[j] as number;
  a[j] = t;
}

/** Smallest value of a[from..to). */
export function minOf(a: Float64Array, from: number, to: number): number {
  let m = Infinity;
  for (let i = from; i < to; i++) if ((a[i] as number) < m) m = a[i] as number;
  return m;
}

/** Largest value of a[from..to). */
export function maxOf(a: Float64Array, from: number, to: number): number {
  let m = -Infinity;
  for (let i = from; i < to; i++) if ((a[i] as number) > m) m = a[i] as number;
  return m;
}
