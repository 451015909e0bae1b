import type { Params, Strategy } from '../backtest/types.js';
import { rsi } from '../indicators/index.js';
import { ALL_IN, NO_EXITS } from './defaults.js';

/**
 * Mean reversion on Wilder's RSI: buy when the RSI of the close falls below `lower` (oversold), sell when
 * it rises above `upper` (overbought). Between the two it keeps whatever it holds, so a position opened
 * at RSI 25 stays open through RSI 50 until RSI passes 70.
 */
export const rsiReversion: Strategy = {
  id: 'rsi-reversion',
  name: 'RSI reversion',
  description: 'Buy when the RSI falls below the lower level, sell when it rises above the upper level.',
  params: [
    { name: 'period', label: 'RSI period (bars)', default: 14, min: 2, max: 500, step: 1, integer: true },
    { name: 'lower', label: 'Buy below', default: 30, min: 1, max: 99, step: 1, integer: false },
    { name: 'upper', label: 'Sell above', default: 70, min: 1, max: 99, step: 1, integer: false },
  ],
  // RSI needs `period` moves, so its first value is at index `period`.
  warmup: (p: Params) => p.period as number,
  validate: (p: Params) =>
    (p.lower as number) < (p.upper as number)
      ? []
      : [`lower (${p.lower}) must be below upper (${p.upper}): e.g. lower 30 and upper 70`],
  defaultSize: ALL_IN,
  exits: NO_EXITS,
  prepare(bars, p) {
    const value = rsi(bars.close, p.period as number);
    const lower = p.lower as number;
    const upper = p.upper as number;
    return {
      onBar(ctx) {
        const r = value[ctx.i] as number;
        if (ctx.position === 0) {
          if (r < lower) ctx.buy();
        } else if (r > upper) ctx.exit();
      },
      overlays: { [`RSI ${p.period}`]: value },
    };
  },
};
