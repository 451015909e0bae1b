/**
 * Running statistics of an equity curve, one point at a time: what the metrics need, gathered in the
 * engine's own loop so a run makes no second pass over its bars. Bar returns r_t = E_t / E_(t-1) - 1 are
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

  /** Adds the equity and position at one bar's close; returns that bar's drawdown. */
  add(equity: number, position: number): number {
    if (this.points > 0) {
      const r = equity / this.last - 1;
      if (this.returns === 0) this.shift = r;
      this.returns++;
      const d = r - this.shift;
      this.shiftedSum += d;
      this.shiftedSquares += d * d;
      if (r < 0) this.downsideSquares += r * r;
    }
    this.points++;
    this.last = equity;
    if (position > 0) this.held++;
    if (equity >= this.peak) {
      this.peak = equity;
      this.belowPeak = 0;
      return 0;
    }
    const drawdown = 1 - equity / this.peak;
    if (drawdown > this.maxDrawdown) this.maxDrawdown = drawdown;
    if (++this.belowPeak > this.longestBelowPeak) this.longestBelowPeak = this.belowPeak;
    return drawdown;
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
