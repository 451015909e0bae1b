/**
 * A latency histogram with log-spaced buckets and fixed memory, for hot paths that record every sample.
 *
 * Buckets: index 0 holds [0, lowest); index i (1..n) holds [lowest·r^(i-1), lowest·r^i) with
 * r = 2^(1/bucketsPerDoubling); the last index holds everything from lowest·r^n up. Count, sum, min
 * and max are exact. A quantile is read from the buckets: the bucket holding the nearest-rank sample
 * is found exactly, and its upper bound (clamped to the exact max) is reported. So the answer is never
 * below the true quantile and at most one bucket above it: with the default 4 buckets per doubling,
 * within a factor of 2^(1/4) ≈ 1.19 (19 %) of the true value.
 */
export interface HistogramOptions {
  /** Smallest value told apart from zero (ms by convention). */
  lowest: number;
  /** Values above this all land in the last bucket. */
  highest: number;
  bucketsPerDoubling: number;
}

export const defaultHistogramOptions: HistogramOptions = {
  lowest: 0.05,
  highest: 600_000,
  bucketsPerDoubling: 4,
};

/** What crosses to the page: exact figures, quantiles from the buckets, and the non-empty buckets. */
export interface HistogramSnapshot {
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  /** Non-empty buckets in order: [lower bound, upper bound, count]; the last upper bound may be Infinity. */
  buckets: Array<[number, number, number]>;
}

export class LogHistogram {
  private readonly counts: Float64Array;
  private readonly lowest: number;
  private readonly logRatio: number;
  /** Buckets between the underflow and the overflow bucket. */
  private readonly inner: number;
  private total = 0;
  private sumValue = 0;
  private minValue = Infinity;
  private maxValue = -Infinity;

  constructor(options: Partial<HistogramOptions> = {}) {
    const o = { ...defaultHistogramOptions, ...options };
    if (!(o.lowest > 0) || !(o.highest > o.lowest) || !(o.bucketsPerDoubling >= 1))
      throw new Error('A histogram needs 0 < lowest < highest and at least one bucket per doubling.');
    this.lowest = o.lowest;
    this.logRatio = Math.LN2 / o.bucketsPerDoubling;
    this.inner = Math.ceil(Math.log(o.highest / o.lowest) / this.logRatio);
    this.counts = new Float64Array(this.inner + 2);
  }

  get count(): number {
    return this.total;
  }

  get bucketCount(): number {
    return this.counts.length;
  }

  /** Negative values (clock skew between two timers) count as zero; NaN is ignored. */
  record(value: number): void {
    if (Number.isNaN(value)) return;
    const v = value < 0 ? 0 : value;
    this.counts[this.indexOf(v)]!++;
    this.total++;
    this.sumValue += v;
    if (v < this.minValue) this.minValue = v;
    if (v > this.maxValue) this.maxValue = v;
  }

  indexOf(value: number): number {
    if (!(value >= this.lowest)) return 0;
    const i = Math.floor(Math.log(value / this.lowest) / this.logRatio) + 1;
    return Math.min(Math.max(i, 1), this.inner + 1);
  }

  lowerBound(index: number): number {
    return index <= 0 ? 0 : this.lowest * Math.exp((index - 1) * this.logRatio);
  }

  upperBound(index: number): number {
    return index > this.inner ? Infinity : this.lowest * Math.exp(index * this.logRatio);
  }

  /** The nearest-rank q-quantile (0 < q <= 1) as bounded above; null when empty. */
  quantile(q: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil(Math.min(Math.max(q, 0), 1) * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.max(this.minValue, Math.min(this.upperBound(i), this.maxValue));
    }
    return this.maxValue;
  }

  /** Adds another histogram's samples; both must have the same buckets (the same options). */
  merge(other: LogHistogram): void {
    if (other.counts.length !== this.counts.length || other.lowest !== this.lowest)
      throw new Error('Only histograms with the same buckets can be merged.');
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += other.counts[i]!;
    this.total += other.total;
    this.sumValue += other.sumValue;
    this.minValue = Math.min(this.minValue, other.minValue);
    this.maxValue = Math.max(this.maxValue, other.maxValue);
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.sumValue = 0;
    this.minValue = Infinity;
    this.maxValue = -Infinity;
  }

  snapshot(): HistogramSnapshot {
    const buckets: Array<[number, number, number]> = [];
    for (let i = 0; i < this.counts.length; i++) {
      const n = this.counts[i]!;
      if (n > 0) buckets.push([this.lowerBound(i), this.upperBound(i), n]);
    }
    const empty = this.total === 0;
    return {
      count: this.total,
      sum: this.sumValue,
      min: empty ? null : this.minValue,
      max: empty ? null : this.maxValue,
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p99: this.quantile(0.99),
      buckets,
    };
  }
}
