/**
 * Monte Carlo results shaped for the screen: the fan chart's columns (thinned to what a plot can show)
 * and the final-equity histogram's bars.
 */
import type { MonteCarloResult } from '$workers/api';
import type { FanSeries } from '$lib/charts/fan-chart';

/** More points than a plot has pixels only costs time: thin to about this many. */
export const FAN_MAX_POINTS = 1500;

type Fan = MonteCarloResult['fan'];
const BANDS = ['p5', 'p25', 'p50', 'p75', 'p95'] as const;

/**
 * The fan's columns, every k-th step (always with the first and the last) when there are more than
 * `maxPoints`. Throws when the columns disagree in length: a fan drawn from misaligned arrays would lie.
 */
export function fanSeries(fan: Fan, capital: number, maxPoints = FAN_MAX_POINTS): FanSeries {
  const n = fan.step.length;
  for (const b of BANDS)
    if (fan[b].length !== n)
      throw new Error(`The Monte Carlo fan has ${n} steps but ${fan[b].length} ${b} values; run it again.`);
  if (!(maxPoints >= 2)) throw new Error(`A fan needs at least 2 points to draw (asked for ${maxPoints}).`);
  const stride = n > maxPoints ? Math.ceil((n - 1) / (maxPoints - 1)) : 1;
  const picks: number[] = [];
  for (let i = 0; i < n; i += stride) picks.push(i);
  if (n > 0 && picks[picks.length - 1] !== n - 1) picks.push(n - 1);
  const take = (src: Float64Array) => Float64Array.from(picks, (i) => src[i] as number);
  return {
    step: take(fan.step),
    p5: take(fan.p5),
    p25: take(fan.p25),
    p50: take(fan.p50),
    p75: take(fan.p75),
    p95: take(fan.p95),
    capital,
  };
}

export interface HistogramBar {
  from: number;
  to: number;
  count: number;
  /** Share of all runs in this bin. */
  share: number;
  /** The whole bin is below the starting capital: these runs lost money. */
  loss: boolean;
  /** SVG geometry in a `width` x `height` box, bars growing up from the bottom. */
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Bars for the final-equity histogram; the tallest bin fills the height. */
export function histogramBars(
  hist: MonteCarloResult['histogram'],
  capital: number,
  width: number,
  height: number,
): HistogramBar[] {
  const { edges, counts } = hist;
  if (edges.length !== counts.length + 1)
    throw new Error(
      `A histogram needs one more edge than counts (got ${edges.length} edges, ${counts.length} counts).`,
    );
  const total = counts.reduce((s, c) => s + c, 0);
  const top = Math.max(0, ...counts);
  const n = counts.length;
  const w = n > 0 ? width / n : 0;
  return counts.map((count, i) => {
    const h = top > 0 ? (count / top) * height : 0;
    const to = edges[i + 1] as number;
    return {
      from: edges[i] as number,
      to,
      count,
      share: total > 0 ? count / total : 0,
      loss: to <= capital,
      x: i * w,
      y: height - h,
      w,
      h,
    };
  });
}

/** Where the starting capital falls on the histogram's x axis (0..width), null when off the chart. */
export function capitalPosition(
  hist: MonteCarloResult['histogram'],
  capital: number,
  width: number,
): number | null {
  const lo = hist.edges[0];
  const hi = hist.edges[hist.edges.length - 1];
  if (lo === undefined || hi === undefined || !(hi > lo) || capital < lo || capital > hi) return null;
  return ((capital - lo) / (hi - lo)) * width;
}
