import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { LyraDb, type EquityBlockRow } from '../workers/store/db.js';
import { PortfolioService } from '../workers/trading/portfolio/portfolio-service.js';
import { pointsPerBlock } from '../workers/trading/portfolio/equity-store.js';
import { thinHistory } from '../workers/trading/portfolio/equity-thinning.js';
import type { ClosedTrade, FillRecord, PaperAccount, PositionRecord } from '../workers/trading/types.js';
import { mulberry32 } from './random.js';

/**
 * Opening the portfolio screen from a cold IndexedDB (a new connection to a database holding `fills`
 * fills across 3 accounts and 5 symbols, with their positions, closed trades and a quarter of a year of
 * minute equity snapshots): the time until `portfolio({quote})` answers. Peer: Dexie merely reading every
 * fill with `toArray()`, which is what a screen that summed the fills on open would pay at the least.
 * The first open after the fills were written builds the running fee totals (one read of every fill);
 * later opens read only the fills newer than the totals. The executive view likewise builds its closed-
 * trade totals (fills / 4 trades) on its first open. The equity history is a year of minute snapshots per
 * account, thinned as the recorder keeps it (every point for a week, hourly for the rest of the year).
 * First and later opens are reported. Goal: under 1 s for an open.
 */
export interface PortfolioOpenOptions {
  fills: number;
  rounds: number;
  seed: number;
}

const accounts = ['paper:binance', 'live:main', 'live:spare'];
const symbols = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'ETH/BTC', 'DOGE/USDT'];
const prices: Record<string, number> = {
  'BTC/USDT': 60_000,
  'ETH/USDT': 2_500,
  'SOL/USDT': 150,
  'ETH/BTC': 0.0417,
  'DOGE/USDT': 0.12,
};
const t0 = Date.UTC(2026, 0, 1);
const minute = 60_000;
const day = 86_400_000;
/** When the screens are opened. */
const openAt = t0 + 100 * day;
/** A year of minute snapshots before `openAt`, per account. */
const equityPoints = 365 * 24 * 60;
const equityFrom = openAt - equityPoints * minute;

function account(id: string): PaperAccount {
  return {
    id,
    exchange: 'binance',
    name: id,
    ...(id.startsWith('live:') ? { live: { vaultId: id.slice(5), venue: 'sandbox' as const } } : {}),
    balances: { USDT: '25000', BTC: '0.5', ETH: '4', SOL: '30', DOGE: '10000' },
    reserved: { USDT: '100' },
    starting: { USDT: '50000' },
    latencyMs: 0,
    createdAt: t0,
    resetAt: t0,
  };
}

/** Fills the store; returns how many equity points are stored after thinning. */
async function fillStore(db: LyraDb, o: PortfolioOpenOptions): Promise<number> {
  const rand = mulberry32(o.seed);
  await db.accounts.bulkPut(accounts.map(account));
  const batch = 10_000;
  for (let from = 0; from < o.fills; from += batch) {
    const rows: FillRecord[] = [];
    for (let i = from; i < Math.min(o.fills, from + batch); i++) {
      const symbol = symbols[i % symbols.length]!;
      const price = prices[symbol]! * (0.9 + 0.2 * rand());
      const amount = Number((rand() * 2).toFixed(4)) + 0.0001;
      rows.push({
        id: `fill${i.toString().padStart(7, '0')}`,
        orderId: `ord${Math.floor(i / 2)}`,
        accountId: accounts[i % accounts.length]!,
        symbol,
        side: rand() < 0.5 ? 'buy' : 'sell',
        price: price.toFixed(6),
        amount: amount.toFixed(4),
        quote: (price * amount).toFixed(6),
        fee: (price * amount * 0.001).toFixed(8),
        feeAsset: symbol.split('/')[1]!,
        liquidity: 'taker',
        time: t0 + i * 1000,
      });
    }
    await db.fills.bulkPut(rows);
  }
  const positions: PositionRecord[] = [];
  const closed: ClosedTrade[] = [];
  for (const a of accounts)
    for (const s of symbols) {
      const [base, quote] = s.split('/') as [string, string];
      positions.push({
        accountId: a,
        symbol: s,
        base,
        quote,
        amount: '1.5',
        avgEntry: String(prices[s]! * 0.97),
        realizedPnl: '123.45',
        updatedAt: t0,
      });
    }
  for (let i = 0; i < o.fills / 4; i++)
    closed.push({
      id: `ct${i}`,
      accountId: accounts[i % accounts.length]!,
      symbol: symbols[i % symbols.length]!,
      amount: '0.1',
      entry: '100',
      exit: '101',
      pnl: (rand() * 20 - 9).toFixed(4),
      time: t0 + i * 4000,
    });
  await db.positions.bulkPut(positions);
  await db.closedTrades.bulkPut(closed);
  const series = new Map(
    accounts.map((a) => {
      const times = new Float64Array(equityPoints);
      const values = new Float64Array(equityPoints);
      for (let i = 0; i < equityPoints; i++) {
        times[i] = equityFrom + i * minute;
        values[i] = 100_000 * (1 + 0.0001 * Math.sin(i / 500));
      }
      return [a, { times, values }];
    }),
  );
  const blocks: EquityBlockRow[] = [];
  for (const [a, s] of thinHistory(series, [], openAt))
    for (let start = 0; start < s.times.length; start += pointsPerBlock)
      blocks.push({
        accountId: a,
        start: s.times[start]!,
        time: s.times.slice(start, start + pointsPerBlock),
        equity: s.values.slice(start, start + pointsPerBlock),
      });
  await db.equityBlocks.bulkPut(blocks);
  const stored = blocks.reduce((n, b) => n + b.time.length, 0);
  await db.tickers.bulkPut(
    Object.entries(prices).map(([symbol, last]) => ({
      exchange: 'binance',
      symbol,
      time: t0,
      last,
      open: null,
      high: null,
      low: null,
      change: null,
      percentage: null,
      baseVolume: null,
      quoteVolume: null,
      vwap: null,
      bid: null,
      ask: null,
    })),
  );
  return stored;
}

const ms = (t: number) => performance.now() - t;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function cold<T>(name: string, work: (db: LyraDb) => Promise<T>): Promise<{ ms: number; out: T }> {
  const db = new LyraDb(name);
  const t = performance.now();
  await db.open();
  const out = await work(db);
  const took = ms(t);
  db.close();
  return { ms: took, out };
}

export async function benchPortfolioOpen(o: PortfolioOpenOptions): Promise<Record<string, unknown>> {
  const name = `bench-portfolio-${process.pid}-${o.seed}`;
  const t = performance.now();
  const seed = new LyraDb(name);
  await seed.open();
  const blocksPoints = await fillStore(seed, o);
  seed.close();
  const setupSeconds = ms(t) / 1000;
  const open = (db: LyraDb) =>
    new PortfolioService({ db, trading: null, market: null, now: () => openAt }).portfolio({ quote: 'USDT' });
  const executive = (db: LyraDb) =>
    new PortfolioService({ db, trading: null, market: null, now: () => openAt }).executive({ quote: 'USDT' });

  // The first open counts every fill once, to start the running fee totals.
  const first = await cold(name, open);
  if (first.out.holdings.length === 0 || !(first.out.feesPaid > 0))
    throw new Error('The portfolio came back empty: the benchmark is invalid');
  // The executive view's first open counts every closed trade once, to start the running trade totals.
  const firstExecutive = await cold(name, executive);
  if (firstExecutive.out.trades !== Math.floor(o.fills / 4))
    throw new Error('The executive view lost trades');
  const times = { open: [] as number[], peer: [] as number[], executive: [] as number[] };
  for (let r = 0; r < o.rounds; r++) {
    const lyra = await cold(name, open);
    if (Math.abs(lyra.out.feesPaid - first.out.feesPaid) > 1e-6 * first.out.feesPaid)
      throw new Error('The fee totals changed between opens: the benchmark is invalid');
    times.open.push(lyra.ms);
    const peer = await cold(name, (db) => db.fills.toArray());
    if (peer.out.length !== o.fills) throw new Error('The peer did not read every fill');
    times.peer.push(peer.ms);
    const exec = await cold(name, executive);
    if (
      exec.out.trades !== firstExecutive.out.trades ||
      exec.out.expectancy !== firstExecutive.out.expectancy
    )
      throw new Error('The executive view changed between opens: the benchmark is invalid');
    times.executive.push(exec.ms);
  }
  await Dexie.delete(name);
  const openMs = median(times.open);
  const peerMs = median(times.peer);
  const r2 = (x: number) => Number(x.toFixed(2));
  return {
    name: 'portfolio-open',
    unit: 'ms from a new IndexedDB connection to the portfolio view (fake-indexeddb), median of rounds',
    fills: o.fills,
    params: {
      ...o,
      accounts: accounts.length,
      symbols: symbols.length,
      equityPointsRecorded: equityPoints * accounts.length,
      equityPointsStored: blocksPoints,
      closedTrades: Math.floor(o.fills / 4),
      setupSeconds: r2(setupSeconds),
    },
    lyra: {
      firstOpenMs: r2(first.ms),
      openMs: r2(openMs),
      firstExecutiveMs: r2(firstExecutive.ms),
      executiveOpenMs: r2(median(times.executive)),
      equityPoints: first.out.equity.times.length,
    },
    peer: { readAllFillsMs: r2(peerMs) },
    ratio: {
      openVsReadAllFills: r2(openMs / peerMs),
      firstOpenVsReadAllFills: r2(first.ms / peerMs),
      executiveOpenVsReadAllFills: r2(median(times.executive) / peerMs),
    },
    // The engine counts the fills once in the background when it starts (PortfolioService.start), so the
    // screen meets the first-open figure only if it is opened before that pass ends, once per device.
    goal: { openMs: 1000, met: openMs < 1000, firstOpenMet: first.ms < 1000 },
  };
}
