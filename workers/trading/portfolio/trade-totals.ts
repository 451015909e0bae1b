import type { LyraDb } from '../../store/db.js';
import type { ClosedTrade } from '../types.js';

/** Running statistics of the closed trades of one account settled in one quote (PnL in that quote). */
export interface QuoteTrades {
  /** Trades with a finite PnL. */
  trades: number;
  wins: number;
  losses: number;
  grossWin: number;
  /** Sum of the losses' absolute PnL. */
  grossLoss: number;
  /** Sum of PnL, with its Neumaier compensation. */
  sum: number;
  carry: number;
}

/** Per account, per settlement quote ('' for a symbol without one: the screen's quote). */
export type TradeTotals = Record<string, Record<string, QuoteTrades>>;

interface AccountTrades {
  /** Rows counted (with a PnL or not): any other count means the account's trades changed under us. */
  count: number;
  resetAt: number | null;
  byQuote: Record<string, QuoteTrades>;
}

interface TradeCache {
  through: number;
  atThrough: string[];
  accounts: Record<string, AccountTrades>;
}

export const tradeCacheKey = 'trade-totals';

/** "BTC/USDT:USDT" (a swap) settles in the quote before the colon; '' when the symbol names none. */
export function settlementQuote(symbol: string): string {
  return symbol.split('/')[1]?.split(':')[0] ?? '';
}

function empty(): QuoteTrades {
  return { trades: 0, wins: 0, losses: 0, grossWin: 0, grossLoss: 0, sum: 0, carry: 0 };
}

/** Adds one trade to the totals (a trade without a finite PnL is left out, like the full recount does). */
export function addTrade(byQuote: Record<string, QuoteTrades>, t: ClosedTrade): void {
  const pnl = Number(t.pnl);
  if (!Number.isFinite(pnl)) return;
  const q = (byQuote[settlementQuote(t.symbol)] ??= empty());
  q.trades++;
  if (pnl > 0) {
    q.wins++;
    q.grossWin += pnl;
  } else if (pnl < 0) {
    q.losses++;
    q.grossLoss -= pnl;
  }
  const s = q.sum + pnl;
  q.carry += Math.abs(q.sum) >= Math.abs(pnl) ? q.sum - s + pnl : pnl - s + q.sum;
  q.sum = s;
}

/** The totals of a list of trades, for one account (tests and tools that hold the trades already). */
export function tradeTotalsOf(trades: readonly ClosedTrade[]): Record<string, QuoteTrades> {
  const byQuote: Record<string, QuoteTrades> = {};
  for (const t of trades) addTrade(byQuote, t);
  return byQuote;
}

function clone(byQuote: Record<string, QuoteTrades>): Record<string, QuoteTrades> {
  return Object.fromEntries(Object.entries(byQuote).map(([q, v]) => [q, { ...v }]));
}

/**
 * Closed-trade statistics kept as running totals (in the portfolioCache table, like the fee totals), so
 * the executive view does not read every closed trade: each pass reads only the trades newer than the
 * last (by the `time` index) and checks each account's count of trades and reset time. An account whose
 * trades changed otherwise (a reset, a restored backup, a trade booked with an older time) is counted
 * again from its own trades alone.
 */
export async function tradeTotals(
  db: LyraDb,
  resets: Readonly<Record<string, number>>,
): Promise<TradeTotals> {
  const cached = (await db.portfolioCache.get(tradeCacheKey))?.value as TradeCache | undefined;
  const through = cached?.through ?? -Infinity;
  const seen = new Set(cached?.atThrough ?? []);
  const all = cached ? null : await db.closedTrades.toArray();
  const rows = all ?? (await db.closedTrades.where('time').aboveOrEqual(through).toArray());
  const fresh = new Map<string, ClosedTrade[]>();
  for (const t of rows) {
    if (!all && seen.has(t.id)) continue;
    const list = fresh.get(t.accountId);
    if (list) list.push(t);
    else fresh.set(t.accountId, [t]);
  }
  const ids = new Set([...Object.keys(resets), ...Object.keys(cached?.accounts ?? {}), ...fresh.keys()]);
  const accounts: Record<string, AccountTrades> = {};
  let changed = !cached || fresh.size > 0;
  let newest = through;
  let atNewest = [...seen];
  const saw = (t: ClosedTrade) => {
    if (t.time > newest) {
      newest = t.time;
      atNewest = [t.id];
    } else if (t.time === newest) atNewest.push(t.id);
  };
  for (const list of fresh.values()) for (const t of list) saw(t);
  for (const id of ids) {
    const had = cached?.accounts[id];
    const added = fresh.get(id) ?? [];
    const resetAt = resets[id] ?? null;
    const count = all ? added.length : await db.closedTrades.where('accountId').equals(id).count();
    if (had && had.resetAt === resetAt && had.count + added.length === count) {
      if (added.length === 0) accounts[id] = had;
      else {
        const byQuote = clone(had.byQuote);
        for (const t of added) addTrade(byQuote, t);
        accounts[id] = { count, resetAt, byQuote };
      }
      continue;
    }
    changed = true;
    if (count === 0 && resetAt === null) continue;
    const trades = all ? added : await db.closedTrades.where('accountId').equals(id).toArray();
    for (const t of trades) saw(t);
    accounts[id] = { count: trades.length, resetAt, byQuote: tradeTotalsOf(trades) };
  }
  if (changed)
    await db.portfolioCache.put({
      key: tradeCacheKey,
      value: {
        through: Number.isFinite(newest) ? newest : 0,
        atThrough: atNewest,
        accounts,
      } satisfies TradeCache,
    });
  return Object.fromEntries(Object.entries(accounts).map(([id, a]) => [id, a.byQuote]));
}
