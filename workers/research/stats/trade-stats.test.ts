import { describe, expect, it } from 'vitest';
import { tradeStats } from './trade-stats.js';

describe('tradeStats', () => {
  it('computes win rate, profit factor and expectancy', () => {
    expect(tradeStats([100, -50, 30, -20, 0])).toEqual({
      trades: 5,
      winRate: 0.4,
      profitFactor: 130 / 70,
      expectancy: 12,
    });
  });

  it('leaves the profit factor null when nothing was lost, and everything null with no trade', () => {
    expect(tradeStats([10, 5]).profitFactor).toBeNull();
    expect(tradeStats([])).toEqual({ trades: 0, winRate: null, profitFactor: null, expectancy: null });
    expect(tradeStats([-5]).profitFactor).toBe(0);
  });
});
