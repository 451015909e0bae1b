import type { Params, Strategy } from '../backtest/types.js';
import { rollingMax, rollingMin } from '../indicators/index.js';
import { ALL_IN, NO_EXITS } from './defaults.js';

/**
 * Channel breakout (the Turtle rule): buy when the close breaks above the highest high of the `entry`
 * bars before this one; sell when it breaks below the lowest low of the `exit` bars before this one.
 * The channels end at the previous bar because this bar's own high always contains its close. On
 * close-only data high = low = close, so the channels are those of the closes.
 */
export const donchianBreakout: Strategy = {
  id: 'donchian-breakout',
  name: 'Donchian breakout',
  description:
    'Buy when the close breaks above the highest high of the previous entry bars; sell when it breaks below the lowest low of the previous exit bars.',
  params: [
    { name: 'entry', label: 'Entry channel (bars)', default: 20, min: 1, max: 1000, step: 1, integer: true },
    { name: 'exit', label: 'Exit channel (bars)', default: 10, min: 1, max: 1000, step: 1, integer: true },
  ],
  // The first bar with `entry` bars before it.
  warmup: (p: Params) => p.entry as number,
  defaultSize: ALL_IN,
  exits: NO_EXITS,
  prepare(bars, p) {
    // The channels of the bars before each bar: what the rule compares the close with, and what the
    // chart draws, so a breakout shows as a close crossing the drawn line.
    const upper = previousBar(rollingMax(bars.high, p.entry as number));
    const lower = previousBar(rollingMin(bars.low, p.exit as number));
    const close = bars.close;
    return {
      onBar(ctx) {
        const i = ctx.i;
        const c = close[i] as number;
        // NaN compares false: nothing happens before a channel is defined.
        if (ctx.position === 0) {
          if (c > (upper[i] as number)) ctx.buy();
        } else if (c < (lower[i] as number)) ctx.exit();
      },
      overlays: { [`High ${p.entry}`]: upper, [`Low ${p.exit}`]: lower },
    };
  },
};

/** `x` moved one bar later: out[i] = x[i - 1], NaN at bar 0. */
function previousBar(x: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  if (x.length === 0) return out;
  out[0] = NaN;
  out.set(x.subarray(0, x.length - 1), 1);
  return out;
}
