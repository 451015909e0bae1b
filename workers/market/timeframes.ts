/** The chart timeframes Lyra offers, with their length in milliseconds. */
export const timeframes = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;
export type Timeframe = (typeof timeframes)[number];

const minute = 60_000;
export const timeframeMs: Record<Timeframe, number> = {
  '1m': minute,
  '5m': 5 * minute,
  '15m': 15 * minute,
  '1h': 60 * minute,
  '4h': 240 * minute,
  '1d': 1440 * minute,
};

export function isTimeframe(x: unknown): x is Timeframe {
  return typeof x === 'string' && (timeframes as readonly string[]).includes(x);
}

/** Start of the candle that contains `time` (UTC-aligned, as exchanges align them). */
export function bucketStart(time: number, tf: Timeframe): number {
  const ms = timeframeMs[tf];
  return Math.floor(time / ms) * ms;
}
