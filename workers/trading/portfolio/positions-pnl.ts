import type { PositionRecord } from '../types.js';
import type { PositionPnl } from './api.js';
import { priceIn, type SymbolPrices } from './marks.js';

export interface PnlTotals {
  positions: PositionPnl[];
  realized: number;
  unrealized: number;
  notes: string[];
}

/**
 * Realized and unrealized PnL of every position, converted to `quote`. Unrealized is (mark - average
 * entry) x amount in the symbol's quote; a position without a mark has none (null), and a PnL whose
 * currency cannot be converted is left out of the totals with a note.
 */
export function positionsPnl(
  records: readonly PositionRecord[],
  labels: ReadonlyMap<string, string>,
  quote: string,
  prices: SymbolPrices,
): PnlTotals {
  const positions: PositionPnl[] = [];
  const notes: string[] = [];
  let realized = 0;
  let unrealized = 0;
  for (const p of records) {
    const amount = Number(p.amount);
    const realizedHere = Number(p.realizedPnl);
    if (amount === 0 && realizedHere === 0) continue;
    const mark = prices(p.symbol)?.price ?? null;
    const unrealizedHere =
      mark !== null && amount !== 0 ? (mark - Number(p.avgEntry)) * amount : amount === 0 ? 0 : null;
    const rate = priceIn(p.quote, quote, prices)?.price ?? null;
    if (rate === null)
      notes.push(
        `PnL of ${p.symbol} is in ${p.quote}, which has no price in ${quote}: left out of the totals.`,
      );
    const realizedValue = rate === null ? 0 : realizedHere * rate;
    const unrealizedValue = rate === null || unrealizedHere === null ? null : unrealizedHere * rate;
    realized += realizedValue;
    unrealized += unrealizedValue ?? 0;
    positions.push({
      accountId: p.accountId,
      accountLabel: labels.get(p.accountId) ?? p.accountId,
      symbol: p.symbol,
      amount: p.amount,
      avgEntry: p.avgEntry,
      mark,
      realized: realizedValue,
      unrealized: unrealizedValue,
    });
  }
  positions.sort((a, b) => a.accountLabel.localeCompare(b.accountLabel) || a.symbol.localeCompare(b.symbol));
  return { positions, realized, unrealized, notes };
}
