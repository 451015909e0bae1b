import { Dexie } from 'dexie';
import { emptyColumns, sliceColumns, type CandleColumns } from '../market/candle-series.js';
import type { BookView } from '../market/order-book.js';
import { timeframeMs, type Timeframe } from '../market/timeframes.js';
import type { TapeTrade } from '../market/trade-tape.js';
import type { MarketInfo, TickerInfo } from '../market/types.js';
import type { CandleBlockRow, LyraDb } from './db.js';

/** Candles per stored block: large enough that a chart reads a handful of rows, small enough to rewrite. */
export const candlesPerBlock = 1000;

const columnKeys = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

function blockStart(time: number, tf: Timeframe): number {
  const span = timeframeMs[tf] * candlesPerBlock;
  return Math.floor(time / span) * span;
}

/** Merges `incoming` into a block's columns by open time; incoming wins on equal times. */
function mergeBlock(existing: CandleColumns | undefined, incoming: CandleColumns): CandleColumns {
  if (!existing || existing.time.length === 0) return incoming;
  const rows = new Map<number, [CandleColumns, number]>();
  for (const cols of [existing, incoming])
    for (let i = 0; i < cols.time.length; i++) rows.set(cols.time[i] as number, [cols, i]);
  const times = [...rows.keys()].sort((a, b) => a - b);
  const out = emptyColumns(times.length);
  times.forEach((t, j) => {
    const [cols, i] = rows.get(t)!;
    for (const k of columnKeys) out[k][j] = cols[k][i] as number;
  });
  return out;
}

export interface StoredBook extends Omit<BookView, 'symbol'> {
  symbol: string;
  savedAt: number;
}

/** Everything the market engine persists so the app opens with data, offline included. */
export class MarketStore {
  /** While set, candle writes are dropped: a restore is replacing the candle table. */
  private candlesHeld = false;

  constructor(private readonly db: LyraDb) {}

  /**
   * Holds candle writes while a backup is restored, so this worker's in-memory candles do not land on
   * top of the restored ones before the page reloads; released if the restore fails.
   */
  holdCandleWrites(hold: boolean): void {
    this.candlesHeld = hold;
  }

  async saveMarkets(exchange: string, markets: readonly MarketInfo[]): Promise<void> {
    await this.db.transaction('rw', this.db.markets, async () => {
      await this.db.markets.where('exchange').equals(exchange).delete();
      await this.db.markets.bulkPut(markets.map((m) => ({ ...m, exchange })));
    });
  }

  async loadMarkets(exchange: string): Promise<MarketInfo[]> {
    const rows = await this.db.markets.where('exchange').equals(exchange).toArray();
    return rows.map(({ exchange: _e, ...m }) => m).sort((a, b) => a.symbol.localeCompare(b.symbol));
  }

  /** Writes candles into their blocks in one transaction: a chart never reads a half-written range. */
  async saveCandles(
    exchange: string,
    symbol: string,
    timeframe: Timeframe,
    candles: CandleColumns,
  ): Promise<void> {
    const n = candles.time.length;
    if (n === 0 || this.candlesHeld) return;
    const groups = new Map<number, [number, number]>();
    for (let i = 0; i < n; i++) {
      const start = blockStart(candles.time[i] as number, timeframe);
      const g = groups.get(start);
      if (g) g[1] = i + 1;
      else groups.set(start, [i, i + 1]);
    }
    await this.db.transaction('rw', this.db.candleBlocks, async () => {
      const starts = [...groups.keys()];
      const existing = await this.db.candleBlocks.bulkGet(
        starts.map((s) => [exchange, symbol, timeframe, s]),
      );
      const rows: CandleBlockRow[] = starts.map((start, j) => {
        const [from, to] = groups.get(start)!;
        const merged = mergeBlock(existing[j], sliceColumns(candles, from, to));
        return { exchange, symbol, timeframe, start, ...merged };
      });
      await this.db.candleBlocks.bulkPut(rows);
    });
  }

  /** The newest `limit` stored candles, oldest first. */
  async loadCandles(
    exchange: string,
    symbol: string,
    timeframe: Timeframe,
    limit: number,
  ): Promise<CandleColumns> {
    const blocks: CandleBlockRow[] = [];
    let held = 0;
    await this.db.candleBlocks
      .where('[exchange+symbol+timeframe+start]')
      .between([exchange, symbol, timeframe, Dexie.minKey], [exchange, symbol, timeframe, Dexie.maxKey])
      .reverse()
      .until(() => held >= limit)
      .each((b) => {
        blocks.push(b);
        held += b.time.length;
      });
    blocks.reverse();
    const total = Math.min(limit, held);
    const out = emptyColumns(total);
    let skip = held - total;
    let j = 0;
    for (const b of blocks) {
      const from = Math.min(skip, b.time.length);
      skip -= from;
      for (const k of columnKeys) out[k].set(b[k].subarray(from), j);
      j += b.time.length - from;
    }
    return out;
  }

  async saveBook(exchange: string, view: BookView, savedAt: number): Promise<void> {
    await this.db.books.put({
      exchange,
      symbol: view.symbol,
      time: view.time,
      nonce: view.nonce,
      bids: view.bids,
      asks: view.asks,
      bidLevels: view.bidLevels,
      askLevels: view.askLevels,
      savedAt,
    });
  }

  async loadBook(exchange: string, symbol: string): Promise<StoredBook | undefined> {
    const row = await this.db.books.get([exchange, symbol]);
    if (!row) return undefined;
    return {
      symbol: row.symbol,
      nonce: row.nonce,
      time: row.time,
      bids: row.bids,
      asks: row.asks,
      bestBid: row.bids.length > 0 ? (row.bids[0] as number) : NaN,
      bestAsk: row.asks.length > 0 ? (row.asks[0] as number) : NaN,
      bidLevels: row.bidLevels,
      askLevels: row.askLevels,
      savedAt: row.savedAt,
    };
  }

  async saveTickers(exchange: string, tickers: readonly TickerInfo[]): Promise<void> {
    if (tickers.length > 0) await this.db.tickers.bulkPut(tickers.map((t) => ({ ...t, exchange })));
  }

  async loadTickers(exchange: string): Promise<TickerInfo[]> {
    const rows = await this.db.tickers.where('exchange').equals(exchange).toArray();
    return rows.map(({ exchange: _e, ...t }) => t);
  }

  async saveTape(exchange: string, symbol: string, trades: TapeTrade[]): Promise<void> {
    await this.db.tapes.put({ exchange, symbol, trades });
  }

  async loadTape(exchange: string, symbol: string): Promise<TapeTrade[]> {
    return (await this.db.tapes.get([exchange, symbol]))?.trades ?? [];
  }

  async getSetting<T>(key: string): Promise<T | undefined> {
    return (await this.db.settings.get(key))?.value as T | undefined;
  }

  async setSetting(key: string, value: unknown): Promise<void> {
    await this.db.settings.put({ key, value });
  }

  async counts(): Promise<Record<string, number>> {
    const tables = [
      this.db.markets,
      this.db.candleBlocks,
      this.db.books,
      this.db.tickers,
      this.db.tapes,
      this.db.settings,
    ];
    const out: Record<string, number> = {};
    for (const t of tables) out[t.name] = await t.count();
    return out;
  }

  /** Drops cached market data (not settings): everything here can be fetched again. */
  async clearMarketData(): Promise<void> {
    const { markets, candleBlocks, books, tickers, tapes } = this.db;
    await this.db.transaction('rw', [markets, candleBlocks, books, tickers, tapes], async () => {
      await Promise.all([
        markets.clear(),
        candleBlocks.clear(),
        books.clear(),
        tickers.clear(),
        tapes.clear(),
      ]);
    });
  }
}
