import type { AlertSpec } from './types.js';

/**
 * The crossing rule every level alert shares: a Schmitt trigger with one arm per direction.
 *
 * - Upward: fires when the value reaches the level (value >= level) while armed, then disarms; it re-arms
 *   only once the value is below level - band. Downward mirrors it: fires at value <= level, re-arms
 *   above level + band. So noise inside the band never fires twice, and with band 0 every move from
 *   below the level to at-or-above it fires.
 * - What the first observation does depends on the channel (`FirstObservation`):
 *   - 'sets-side', for prices, percent moves and indicators: it only sets the arms (below the level arms
 *     upward, above arms downward, exactly at the level arms neither). An alert created while the price
 *     is already above does not fire: the user set it knowing where the price is, and wants the next
 *     crossing.
 *   - 'from-below', for risk levels (drawdown, correlation change, feed staleness): the channel starts as
 *     if the value before had been below level - band, the safe side, so a first value at or above the
 *     level fires. Risk events come when something changes (a feed going stale is often the first
 *     event after startup) and a breach already standing when the alert is created is news, not
 *     something the user set it against.
 * - At most one direction fires per observation: an armed upward arm means the value has not reached the
 *   level since it was last below level - band, which leaves the downward arm disarmed (see the tests).
 *
 * The state is plain JSON; the step is a pure function.
 */

export interface LevelChannel {
  /** Ready to fire when the value reaches the level from below. */
  armedUp: boolean;
  /** Ready to fire when the value reaches the level from above. */
  armedDown: boolean;
  /** Where the last value was relative to the level. */
  side: 'above' | 'below' | 'at';
  /** The last value observed and its time (epoch ms). */
  value: number;
  time: number;
}

export type Crossing = 'up' | 'down' | null;

/** How a channel without a previous observation takes its first value (see the rules above). */
export type FirstObservation = 'sets-side' | 'from-below';

/**
 * Where a value is relative to a level and its band: all a step looks at, so callers that compare
 * exactly (percent moves, on the prices' decimal text) can build it without floats.
 */
export interface LevelPosition {
  /** The sign of value - level. */
  vsLevel: -1 | 0 | 1;
  /** value < level - band: re-arms upward. */
  belowBand: boolean;
  /** value > level + band: re-arms downward. */
  aboveBand: boolean;
}

export interface LevelStep {
  channel: LevelChannel;
  crossed: Crossing;
}

/** The position of `value` against `level` with hysteresis `band`, compared as floats. */
export function positionOf(value: number, level: number, band: number): LevelPosition {
  return {
    vsLevel: value > level ? 1 : value < level ? -1 : 0,
    belowBand: value < level - band,
    aboveBand: value > level + band,
  };
}

/**
 * One observation of `value` against `level` with hysteresis `band` (>= 0, in the value's unit).
 * `prev` undefined means the first observation, taken as `first` says. The caller drops values that are
 * not finite and times that are not newer than `prev.time` (duplicates) before calling.
 */
export function observeLevel(
  prev: LevelChannel | undefined,
  value: number,
  time: number,
  level: number,
  band: number,
  first: FirstObservation = 'sets-side',
): LevelStep {
  return stepLevel(prev, positionOf(value, level, band), value, time, first);
}

/** `observeLevel` with the comparisons already made: `pos` is where `value` is (see `LevelPosition`). */
export function stepLevel(
  prev: LevelChannel | undefined,
  pos: LevelPosition,
  value: number,
  time: number,
  first: FirstObservation = 'sets-side',
): LevelStep {
  const side = pos.vsLevel > 0 ? 'above' : pos.vsLevel < 0 ? 'below' : 'at';
  if (prev === undefined && first === 'sets-side')
    return {
      channel: { armedUp: pos.vsLevel < 0, armedDown: pos.vsLevel > 0, side, value, time },
      crossed: null,
    };
  // 'from-below': as if the value before had been below level - band, armed upward only.
  let armedUp = prev?.armedUp ?? true;
  let armedDown = prev?.armedDown ?? false;
  let crossed: Crossing = null;
  if (armedUp && pos.vsLevel >= 0) {
    crossed = 'up';
    armedUp = false;
  } else if (!armedUp && pos.belowBand) armedUp = true;
  if (armedDown && pos.vsLevel <= 0) {
    crossed = 'down';
    armedDown = false;
  } else if (!armedDown && pos.aboveBand) armedDown = true;
  return { channel: { armedUp, armedDown, side, value, time }, crossed };
}

/** The unit and range of `hysteresis` for one kind of alert, with the default that null stands for. */
export interface HysteresisRule {
  /** What the number means, for messages and the form. */
  unit: string;
  default: number;
  max: number;
}

/**
 * Defaults, chosen so that ordinary noise does not re-fire and a real move back does:
 * - price: 0.1 % of the level (70 USDT at 70,000): about a tick-level wobble on majors;
 * - percent move: 10 % of the percent (a 5 % alert re-arms once the move is back under 4.5 %);
 * - RSI: 2 points (an alert at 70 re-arms below 68): RSI is on a fixed 0 to 100 scale, so points say
 *   more than a fraction of the level would (2 % of 30 and of 70 are very different bands);
 * - MACD: 0.01 % of the close (histogram must swing 6 USDT around zero on BTC at 60,000), because the
 *   MACD is in price units and has no level of its own to take a fraction of;
 * - drawdown and correlation shock: 10 % of the threshold.
 */
export const hysteresisRules = {
  'price-cross': { unit: 'fraction of the level', default: 0.001, max: 0.1 },
  'percent-move': { unit: 'fraction of the percent', default: 0.1, max: 0.9 },
  rsi: { unit: 'RSI points', default: 2, max: 20 },
  macd: { unit: 'fraction of the close', default: 0.0001, max: 0.01 },
  drawdown: { unit: 'fraction of the threshold', default: 0.1, max: 0.9 },
  'correlation-shock': { unit: 'fraction of the threshold', default: 0.1, max: 0.9 },
} as const satisfies Record<string, HysteresisRule>;

export type HysteresisRuleName = keyof typeof hysteresisRules;

/** Which hysteresis rule applies to `spec`, or null for alerts without a level (fills, trips, stale feeds). */
export function hysteresisRuleName(spec: AlertSpec): HysteresisRuleName | null {
  switch (spec.kind) {
    case 'price-cross':
    case 'percent-move':
      return spec.kind;
    case 'indicator':
      return spec.indicator;
    case 'risk':
      return spec.event === 'drawdown' || spec.event === 'correlation-shock' ? spec.event : null;
    case 'order-filled':
      return null;
  }
}

/** The hysteresis of `spec` in its kind's unit: its own value, else the default; 0 for alerts without a level. */
export function hysteresisOf(spec: AlertSpec): number {
  const rule = hysteresisRuleName(spec);
  if (rule === null) return 0;
  return spec.hysteresis ?? hysteresisRules[rule].default;
}
