import type { Table } from 'dexie';
import type { LyraDb } from '../store/db.js';
import type { FillRecord } from '../trading/types.js';
import type { TaxSources } from './api.js';
import { baseAndQuote } from './fill-trades.js';
import { liveAccountIds } from './read-fills.js';

async function symbolCounts(table: Table<FillRecord, string>, into: Map<string, number>): Promise<void> {
  const symbols = (await table.orderBy('symbol').uniqueKeys()) as string[];
  for (const symbol of symbols) {
    const quote = baseAndQuote(symbol)?.quote;
    if (quote === undefined) continue;
    into.set(quote, (into.get(quote) ?? 0) + (await table.where('symbol').equals(symbol).count()));
  }
}

/** Every account with fills or a name, engine accounts first, each saying whether it is paper or live. */
export async function accountsOf(db: LyraDb): Promise<TaxSources['accounts']> {
  const live = await liveAccountIds(db);
  const kind = (id: string) => (live.has(id) ? 'live' : 'paper');
  const out = new Map<string, TaxSources['accounts'][number]>();
  for (const a of await db.accounts.toArray())
    out.set(a.id, { id: a.id, name: a.name || a.id, kind: kind(a.id) });
  for (const id of (await db.fills.orderBy('accountId').uniqueKeys()) as string[])
    if (!out.has(id)) out.set(id, { id, name: id, kind: kind(id) });
  for (const id of (await db.importedFills.orderBy('accountId').uniqueKeys()) as string[])
    if (!out.has(id)) out.set(id, { id, name: id, kind: 'import' });
  return [...out.values()];
}

/** What there is to report on: counts, the quote currencies by use, the accounts. */
export async function taxSources(db: LyraDb): Promise<TaxSources> {
  const counts = new Map<string, number>();
  const accounts = await accountsOf(db);
  const paper = accounts.filter((a) => a.kind === 'paper').map((a) => a.id);
  await symbolCounts(db.fills, counts);
  await symbolCounts(db.importedFills as unknown as Table<FillRecord, string>, counts);
  return {
    engineFills: await db.fills.count(),
    importedFills: await db.importedFills.count(),
    paperFills: paper.length === 0 ? 0 : await db.fills.where('accountId').anyOf(paper).count(),
    currencies: [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([q]) => q),
    accounts,
  };
}
