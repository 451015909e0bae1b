import type { Params, Strategy } from '../backtest/types.js';
import { scratchColumns } from '../backtest/scratch-columns.js';
import { sma, smaInto } from '../indicators/index.js';
import { ALL_IN, NO_EXITS } from './defaults.js';

/**
 * Moving-average crossover: long while the fast simple moving average of the close is above the slow
 * one, flat otherwise (and flat while either is not defined yet).
 *
 * As an example of the interface: `prepare` computes both averages once, vectorised over all the bars;
 * `onBar` reads only index `ctx.i` of them, so no decision can depend on a later bar; it buys (with the
 * default size, all the equity) when the averages say long and nothing is held, and exits when they say
 * flat and something is. `warmup` is the index of the first bar the slow average is defined on. The two
 * columns are scratch (`scratchColumns`), given back in `dispose`, so a sweep's runs reuse the same
 * memory; the chart's overlays are computed when read, for the caller to keep.
 */
export const smaCross: Strategy = {
  id: 'sma-cross',
  name: 'SMA crossover',
  description:
    'Long while the fast simple moving average of the close is above the slow one, flat otherwise.',
  params: [
    { name: 'fast', label: 'Fast SMA (bars)', default: 10, min: 1, max: 500, step: 1, integer: true },
    { name: 'slow', label: 'Slow SMA (bars)', default: 50, min: 2, max: 2000, step: 1, integer: true },
  ],
  warmup: (p: Params) => (p.slow as number) - 1,
  validate: (p: Params) =>
    (p.fast as number) < (p.slow as number)
      ? []
      : [`fast (${p.fast}) must be shorter than slow (${p.slow}): e.g. fast 10 and slow 50`],
  defaultSize: ALL_IN,
  exits: NO_EXITS,
  prepare(bars, p) {
    const fastPeriod = p.fast as number;
    const slowPeriod = p.slow as number;
    const n = bars.close.length;
    const fast = smaInto(bars.close, fastPeriod, scratchColumns.take(n));
    const slow = smaInto(bars.close, slowPeriod, scratchColumns.take(n));
    return {
      onBar(ctx) {
        const i = ctx.i;
        // NaN compares false: no position until both averages exist.
        if ((fast[i] as number) > (slow[i] as number)) {
          if (ctx.position === 0) ctx.buy();
        } else if (ctx.position > 0) ctx.exit();
      },
      get overlays() {
        return {
          [`SMA ${fastPeriod}`]: sma(bars.close, fastPeriod),
          [`SMA ${slowPeriod}`]: sma(bars.close, slowPeriod),
        };
      },
      dispose() {
        scratchColumns.give(fast);
        scratchColumns.give(slow);
      },
    };
  },
};
