import { assertPeriod } from './validate.js';

/**
 * Wilder's Relative Strength Index, 0 to 100. Moves are close-to-close changes; the average gain and the
 * average loss are each seeded with the mean of the first `period` moves (moves 1..period, so the first
 * value is at index `period`) and then smoothed with alpha = 1 / period. RSI = 100 x avgGain / (avgGain
 * + avgLoss), which equals the textbook 100 - 100 / (1 + RS) without dividing by a zero loss.
 *
 * With no move at all over the smoothing (both averages 0) the RSI is 50: neither side is stronger.
 * A NaN breaks the moves on both sides of it; the RSI warms up again after it (see moving-averages.ts).
 */
export function rsi(src: Float64Array, period = 14): Float64Array {
  assertPeriod('rsi', 'period', period);
  const n = src.length;
  const out = new Float64Array(n);
  // TTR's form, alpha x new + (1 - alpha) x old, rather than old + alpha x (new - old): with alpha = 1
  // it is exactly the new value, and it matches the reference to the last digits.
  const alpha = 1 / period;
  const keep = 1 - alpha;
  let start = 0;
  let gain = 0;
  let loss = 0;
  let prev = NaN;
  for (let i = 0; i < n; i++) {
    const x = src[i] as number;
    if (x !== x) {
      start = i + 1;
      gain = loss = 0;
      out[i] = NaN;
      continue;
    }
    const moves = i - start;
    const d = x - prev;
    prev = x;
    if (moves === 0) {
      out[i] = NaN;
      continue;
    }
    const up = d > 0 ? d : 0;
    const down = d < 0 ? -d : 0;
    if (moves > period) {
      gain = alpha * up + keep * gain;
      loss = alpha * down + keep * loss;
    } else {
      // Sums of the first `period` moves, turned into their means at the seed.
      gain += up;
      loss += down;
      if (moves < period) {
        out[i] = NaN;
        continue;
      }
      gain /= period;
      loss /= period;
    }
    const total = gain + loss;
    // gain / total first: it cannot round above 1, so the RSI cannot pass 100.
    out[i] = total > 0 ? 100 * (gain / total) : 50;
  }
  return out;
}
