/**
 * Running statistics of an equity curve, a block of points at a time: what the metrics need, gathered
 * while the engine runs, a block of bars behind it (still in cache), so a run makes no pass over all its
 * bars again at the end. Bar returns r_t = E_t / E_(t-1) - 1 are
 * summed shifted by the first return (sums of r - r_1 and its square), which keeps the variance formula
 * free of cancellation when returns sit far from zero and makes it exactly 0 for constant returns, at the
 * cost of one subtraction instead of Welford's division per bar.
 */
export class EquityStats {
  /** Points added. */
  points = 0;
  last = NaN;
  /** Returns seen (points - 1). */
  returns = 0;
  private shift = 0;
  private shiftedSum = 0;
  private shiftedSquares = 0;
  downsideSquares = 0;
  peak = -Infinity;
  maxDrawdown = 0;
  /** Current and longest run of points below an earlier peak. */
  belowPeak = 0;
  longestBelowPeak = 0;
  /** Points with a position held. */
  held = 0;

  /**
   * Adds points from..to-1 of an equity curve and, when given, the position held at each (a missing
   * position counts as none; without the array the caller counts `held` itself). One tight loop over
   * locals: the engine calls it once per block of bars it has run, so the statistics cost no work in its
   * bar loop.
   */
  addRange(equity: Float64Array, position: Float64Array | null, from: number, to: number): void {
    let points = this.points;
    let last = this.last;
    let returns = this.returns;
    let shift = this.shift;
    let shiftedSum = this.shiftedSum;
    let shiftedSquares = this.shiftedSquares;
    let downsideSquares = this.downsideSquares;
    let peak = this.peak;
    let maxDrawdown = this.maxDrawdown;
    let belowPeak = this.belowPeak;
    let longestBelowPeak = this.longestBelowPeak;
    let held = this.held;
    for (let t = from; t < to; t++) {
      const e = equity[t] as number;
      if (points > 0) {
        const r = e / last - 1;
        if (returns === 0) shift = r;
        returns++;
        const d = r - shift;
        shiftedSum += d;
        shiftedSquares += d * d;
        // min(r, 0) without a branch (exactly r when r < 0, else 0): whether a bar lost is a coin toss
        // the processor cannot predict, and a mispredicted branch here cost more than the rest of the loop.
        const loss = (r - Math.abs(r)) * 0.5;
        downsideSquares += loss * loss;
      }
      points++;
      last = e;
      if (position !== null && (position[t] as number) > 0) held++;
      if (e >= peak) {
        peak = e;
        belowPeak = 0;
      } else {
        const dd = 1 - e / peak;
        if (dd > maxDrawdown) maxDrawdown = dd;
        if (++belowPeak > longestBelowPeak) longestBelowPeak = belowPeak;
      }
    }
    this.points = points;
    this.last = last;
    this.returns = returns;
    this.shift = shift;
    this.shiftedSum = shiftedSum;
    this.shiftedSquares = shiftedSquares;
    this.downsideSquares = downsideSquares;
    this.peak = peak;
    this.maxDrawdown = maxDrawdown;
    this.belowPeak = belowPeak;
    this.longestBelowPeak = longestBelowPeak;
    this.held = held;
  }

  mean(): number {
    return this.returns === 0 ? NaN : this.shift + this.shiftedSum / this.returns;
  }

  /** Sample standard deviation of the returns; NaN with fewer than two. */
  sampleSd(): number {
    const m = this.returns;
    if (m < 2) return NaN;
    const ss = this.shiftedSquares - (this.shiftedSum * this.shiftedSum) / m;
    return Math.sqrt(Math.max(0, ss) / (m - 1));
  }

  /** sqrt(sum(min(r, 0)^2) / n) over all n returns; NaN with none. */
  downsideDeviation(): number {
    return this.returns === 0 ? NaN : Math.sqrt(this.downsideSquares / this.returns);
  }
}

/** 1 - equity / running peak at each point (0 at a new peak): the same figures `maxDrawdown` is the top of. */
export function drawdownOf(equity: Float64Array): Float64Array {
  const out = new Float64Array(equity.length);
  let peak = -Infinity;
  for (let t = 0; t < equity.length; t++) {
    const e = equity[t] as number;
    if (e >= peak) peak = e;
    else out[t] = 1 - e / peak;
  }
  return out;
}
