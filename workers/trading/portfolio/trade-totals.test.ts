import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tradeStats } from '../../research/stats/index.js';
import { LyraDb } from '../../store/db.js';
import type { ClosedTrade } from '../types.js';
import { tradeTotals, type TradeTotals } from './trade-totals.js';

let db: LyraDb;
afterEach(async () => {
  db.close();
  await Dexie.delete(db.name);
});

let seq = 0;
function trade(accountId: string, time: number, pnl: string, symbol = 'BTC/USDT'): ClosedTrade {
  return { id: `t${++seq}`, accountId, symbol, amount: '1', entry: '1', exit: '1', pnl, time };
}

/** The totals reduced to what the executive shows, per account and quote. */
function kpis(totals: TradeTotals) {
  return Object.fromEntries(
    Object.entries(totals).map(([id, byQuote]) => [
      id,
      Object.fromEntries(
        Object.entries(byQuote).map(([q, t]) => [
          q,
          {
            trades: t.trades,
            wins: t.wins,
            losses: t.losses,
            grossWin: Number(t.grossWin.toFixed(9)),
            grossLoss: Number(t.grossLoss.toFixed(9)),
            sum: Number((t.sum + t.carry).toFixed(9)),
          },
        ]),
      ),
    ]),
  );
}

async function recount(resets: Record<string, number>): Promise<TradeTotals> {
  await db.portfolioCache.clear();
  return tradeTotals(db, resets);
}

describe('running closed-trade totals', () => {
  it('add only the trades newer than the last pass, by quote, and equal a full recount', async () => {
    db = new LyraDb(`trades-${Math.random()}`);
    const resets = { a: 0, b: 0 };
    await db.closedTrades.bulkPut([
      trade('a', 10, '30'),
      trade('a', 20, '-10'),
      trade('b', 20, '5', 'ETH/BTC'),
      trade('b', 20, 'oops'),
      trade('b', 21, '2', 'BTC/USDT:USDT'),
    ]);
    const first = await tradeTotals(db, resets);
    expect(first.a!.USDT).toMatchObject({ trades: 2, wins: 1, losses: 1, grossWin: 30, grossLoss: 10 });
    expect(first.b!.BTC).toMatchObject({ trades: 1, wins: 1 });
    expect(first.b!.USDT).toMatchObject({ trades: 1, wins: 1 });
    // Same-time trades already counted are not counted again; new ones are, reading only those.
    await db.closedTrades.bulkPut([trade('a', 21, '20'), trade('a', 30, '0'), trade('b', 40, '-7')]);
    const reads = vi.spyOn(db.closedTrades, 'toArray');
    const next = await tradeTotals(db, resets);
    expect(reads).not.toHaveBeenCalled();
    expect(next.a!.USDT).toMatchObject({ trades: 4, wins: 2, losses: 1, grossWin: 50, grossLoss: 10 });
    expect(kpis(await tradeTotals(db, resets))).toEqual(kpis(next));
    expect(kpis(next)).toEqual(kpis(await recount(resets)));
    // What the executive view derives from the totals equals tradeStats over the trades.
    const all = (await db.closedTrades.where('accountId').equals('a').toArray()).map((t) => Number(t.pnl));
    const t = next.a!.USDT!;
    expect(tradeStats(all)).toEqual({
      trades: t.trades,
      winRate: t.wins / t.trades,
      profitFactor: t.grossWin / t.grossLoss,
      expectancy: (t.sum + t.carry) / t.trades,
    });
  });

  it('count an account again after a reset, a restore, or a trade booked with an older time', async () => {
    db = new LyraDb(`trades-${Math.random()}`);
    await db.closedTrades.bulkPut([trade('a', 10, '1'), trade('b', 10, '2')]);
    await tradeTotals(db, { a: 0, b: 0 });
    // Reset: a's trades go, and as many come back after it.
    await db.closedTrades.where('accountId').equals('a').delete();
    await db.closedTrades.put(trade('a', 50, '-4'));
    let totals = await tradeTotals(db, { a: 40, b: 0 });
    expect(totals.a!.USDT).toMatchObject({ trades: 1, losses: 1, grossLoss: 4 });
    // A trade booked with an older time than the last pass.
    await db.closedTrades.put(trade('b', 5, '3'));
    totals = await tradeTotals(db, { a: 40, b: 0 });
    expect(totals.b!.USDT).toMatchObject({ trades: 2, grossWin: 5 });
    // A restored backup: other trades, older ones, another count, and its accounts.
    await db.closedTrades.clear();
    await db.closedTrades.bulkPut([
      trade('b', 1, '-1'),
      trade('b', 2, '-1'),
      trade('b', 2, '-1'),
      trade('c', 3, '9'),
    ]);
    totals = await tradeTotals(db, { a: 40, b: 0, c: 0 });
    expect(totals.b!.USDT).toMatchObject({ trades: 3, wins: 0, losses: 3, grossLoss: 3 });
    expect(totals.c!.USDT).toMatchObject({ trades: 1, wins: 1 });
    expect(totals.a).toEqual({});
  });
});
