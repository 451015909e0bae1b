import type { LyraDb } from '../../store/db.js';
import type { PaperAccount, PositionRecord } from '../types.js';
import { valuationAsset } from '../valuation.js';
import { accountHoldings, type AccountHoldings } from './holdings.js';
import { loadPrices, type SymbolPrices } from './marks.js';
import type { TradingPort } from './ports.js';

/** Everything a view values things with, read once per call: accounts, positions and the prices they need. */
export interface Valuation {
  accounts: AccountHoldings[];
  rows: PaperAccount[];
  positions: PositionRecord[];
  labels: Map<string, string>;
  prices: SymbolPrices;
}

/**
 * Reads the accounts and positions, then the prices that value them in `quote` (and in the valuation
 * currency, in which equity is recorded), plus any `extraAssets` (fee assets).
 */
export async function loadValuation(
  db: LyraDb,
  trading: TradingPort | null,
  quote: string,
  now: number,
  extraAssets: (rows: PaperAccount[]) => Promise<string[]> = async () => [],
): Promise<Valuation> {
  const [rows, positions] = await Promise.all([db.accounts.toArray(), db.positions.toArray()]);
  const accounts = rows.map(accountHoldings);
  const labels = new Map(accounts.map((a) => [a.id, a.label]));
  const assets = new Set<string>();
  for (const a of accounts) for (const asset of Object.keys(a.amounts)) assets.add(asset);
  for (const p of positions) {
    assets.add(p.base);
    assets.add(p.quote);
  }
  for (const asset of await extraAssets(rows)) assets.add(asset);
  const exchanges = [...new Set(rows.map((r) => r.exchange))];
  const quotes = [...new Set([quote, valuationAsset, ...positions.map((p) => p.quote)])];
  const prices = await loadPrices(
    db,
    trading ? (s) => trading.liveMark(s) : null,
    exchanges,
    [...assets],
    quotes,
    now,
  );
  return { accounts, rows, positions, labels, prices };
}
