import { Decimal } from '../money/decimal.js';
import type { LyraDb } from '../store/db.js';
import type { FillRecord } from '../trading/types.js';
import { liveAccountIds } from './read-fills.js';

const SECOND_MS = 1_000;

/** What makes two records the same trade across sources: exchanges' ids and account labels differ. */
function tradeKey(f: FillRecord): string | null {
  const amount = Decimal.tryFrom(f.amount);
  const price = Decimal.tryFrom(f.price);
  if (amount === null || price === null) return null;
  return JSON.stringify([
    f.symbol,
    f.side,
    amount.toString(),
    price.toString(),
    Math.floor(f.time / SECOND_MS),
  ]);
}

/**
 * The ids of the imported trades that Lyra already holds as a live account's own fills: the same market,
 * side, amount and price in the same second. A live account's history exported from the exchange and
 * imported would otherwise count every trade twice. Each own fill stands for one imported trade at most.
 * Paper fills are never matched: they are not the exchange's trades.
 */
export async function inOwnFills(db: LyraDb, imported: readonly FillRecord[]): Promise<Set<string>> {
  const out = new Set<string>();
  if (imported.length === 0) return out;
  const live = await liveAccountIds(db);
  if (live.size === 0) return out;
  let first = Infinity;
  let last = -Infinity;
  for (const f of imported) {
    first = Math.min(first, f.time);
    last = Math.max(last, f.time);
  }
  const from = Math.floor(first / SECOND_MS) * SECOND_MS;
  const to = (Math.floor(last / SECOND_MS) + 1) * SECOND_MS;
  const own = new Map<string, number>();
  for (const f of await db.fills.where('time').between(from, to, true, false).toArray()) {
    const key = live.has(f.accountId) ? tradeKey(f) : null;
    if (key !== null) own.set(key, (own.get(key) ?? 0) + 1);
  }
  for (const f of imported) {
    const key = tradeKey(f);
    const left = key === null ? 0 : (own.get(key) ?? 0);
    if (left === 0) continue;
    own.set(key!, left - 1);
    out.add(f.id);
  }
  return out;
}
