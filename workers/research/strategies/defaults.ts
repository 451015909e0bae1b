import type { ExitRules, SizeRule } from '../backtest/types.js';

/** Built-ins exit by their own signal only, unless a spec adds stops. */
export const NO_EXITS: ExitRules = Object.freeze({ stopLoss: null, takeProfit: null, trailing: null });

/** Built-ins put all the equity in when they enter, the textbook form of each rule. */
export const ALL_IN: SizeRule = Object.freeze({ kind: 'equity-fraction', fraction: 1 });
