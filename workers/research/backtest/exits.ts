import type { ExitReason, ExitRules } from './types.js';

/** True when any exit rule is set, so the engine can skip the check entirely for strategies without. */
export function hasExitRules(exits: ExitRules): boolean {
  return exits.stopLoss !== null || exits.takeProfit !== null || exits.trailing !== null;
}

/**
 * The exit rule a held position meets at this close, or null. Checked in a fixed order, stop-loss, then
 * take-profit, then trailing, so the reason is the same in the backtest and live whichever rules overlap.
 * `highestClose` is the highest close since entry, this bar's included.
 */
export function triggeredExit(
  exits: ExitRules,
  close: number,
  entryPrice: number,
  highestClose: number,
): ExitReason | null {
  if (exits.stopLoss !== null && close <= entryPrice * (1 - exits.stopLoss)) return 'stop-loss';
  if (exits.takeProfit !== null && close >= entryPrice * (1 + exits.takeProfit)) return 'take-profit';
  if (exits.trailing !== null && close <= highestClose * (1 - exits.trailing)) return 'trailing';
  return null;
}
