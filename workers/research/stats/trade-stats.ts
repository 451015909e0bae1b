import { compensatedSum } from './sum.js';

export interface TradeStats {
  trades: number;
  /** Share of trades with a positive PnL; null with no trade. */
  winRate: number | null;
  /**
   * Gross wins / |gross losses|; null when there is no losing trade (the ratio would be infinite or
   * undefined, and Infinity does not survive JSON or structured display).
   */
  profitFactor: number | null;
  /** Mean PnL per trade; null with no trade. */
  expectancy: number | null;
}

/** Win rate, profit factor and expectancy of closed trades' PnLs. A PnL of exactly 0 is neither win nor loss. */
export function tradeStats(pnls: ArrayLike<number>): TradeStats {
  const n = pnls.length;
  let wins = 0;
  let grossWin = 0;
  let grossLoss = 0;
  let losses = 0;
  for (let i = 0; i < n; i++) {
    const p = pnls[i] as number;
    if (p > 0) {
      wins++;
      grossWin += p;
    } else if (p < 0) {
      losses++;
      grossLoss -= p;
    }
  }
  return {
    trades: n,
    winRate: n === 0 ? null : wins / n,
    profitFactor: losses === 0 ? null : grossWin / grossLoss,
    expectancy: n === 0 ? null : compensatedSum(pnls) / n,
  };
}
