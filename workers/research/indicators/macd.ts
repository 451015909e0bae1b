import { ema } from './moving-averages.js';
import { assertPeriod } from './validate.js';

export interface MacdOutput {
  /** EMA(fast) - EMA(slow) of the source, from index slow - 1. */
  macd: Float64Array;
  /** EMA(signal) of the MACD line, seeded with the mean of its first `signal` values. */
  signal: Float64Array;
  /** macd - signal. */
  hist: Float64Array;
}

/**
 * Moving Average Convergence Divergence with SMA-seeded EMAs (TTR's MACD with percent = FALSE). With the
 * defaults the line starts at index 25 and the signal and histogram at index 33 (the mean of MACD
 * 25..33). NaNs in the source follow the EMA's rule (see moving-averages.ts).
 */
export function macd(src: Float64Array, fast = 12, slow = 26, signal = 9): MacdOutput {
  assertPeriod('macd', 'fast', fast);
  assertPeriod('macd', 'slow', slow, 2);
  assertPeriod('macd', 'signal', signal);
  if (fast >= slow)
    throw new RangeError(
      `macd: fast (${fast}) must be shorter than slow (${slow}); the usual pair is fast 12, slow 26`,
    );
  const line = ema(src, fast);
  const slowEma = ema(src, slow);
  const n = src.length;
  for (let i = 0; i < n; i++) line[i] = (line[i] as number) - (slowEma[i] as number);
  const sig = ema(line, signal);
  // The slow EMA's buffer is free now: reuse it for the histogram.
  const hist = slowEma;
  for (let i = 0; i < n; i++) hist[i] = (line[i] as number) - (sig[i] as number);
  return { macd: line, signal: sig, hist };
}
