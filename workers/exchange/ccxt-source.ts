import { EngineFailure, engineError, fromCcxtError } from '../shared/errors.js';
import type { BookSnapshot } from '../market/book-sync.js';
import type { CandleColumns } from '../market/candle-series.js';
import type { DepthHandlers, MarketSource } from '../market/market-source.js';
import type { Timeframe } from '../market/timeframes.js';
import type { TapeTrade } from '../market/trade-tape.js';
import type { MarketInfo, TickerInfo } from '../market/types.js';
import {
  parseBookSnapshot,
  parseCandles,
  parseDepthDiff,
  parseMarket,
  parseTicker,
  parseTrades,
} from './validate.js';

/** The part of a ccxt pro exchange instance Lyra uses; anything ccxt builds satisfies it. */
export interface CcxtExchange {
  id: string;
  precisionMode: number;
  has: Record<string, unknown>;
  loadMarkets(reload?: boolean): Promise<Record<string, unknown>>;
  market(symbol: string): { id: string };
  fetchOrderBook(symbol: string, limit?: number): Promise<unknown>;
  fetchOHLCV(symbol: string, timeframe?: string, since?: number, limit?: number): Promise<unknown>;
  fetchTrades(symbol: string, since?: number, limit?: number): Promise<unknown>;
  fetchTickers(symbols?: string[]): Promise<unknown>;
  watchTrades(symbol: string): Promise<unknown>;
  watchTicker(symbol: string): Promise<unknown>;
  watchOrderBook(symbol: string, limit?: number): Promise<unknown>;
  unWatchOrderBook?(symbol: string): Promise<unknown>;
  unWatchTrades?(symbol: string): Promise<unknown>;
  unWatchTicker?(symbol: string): Promise<unknown>;
  close(): Promise<unknown>;
  loadHttpProxyAgent?(): Promise<unknown>;
  setDepthSink?(marketId: string, sink: (message: unknown) => void): void;
  removeDepthSink?(marketId: string, sink: (message: unknown) => void): void;
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw e instanceof EngineFailure ? e : new EngineFailure(fromCcxtError(e));
  }
}

/** A MarketSource over any ccxt exchange; every reply is validated before the engine sees it. */
export class CcxtMarketSource implements MarketSource {
  readonly exchangeId: string;
  readonly bookMode: 'diffs' | 'snapshots';

  constructor(private readonly ex: CcxtExchange) {
    this.exchangeId = ex.id;
    this.bookMode = typeof ex.setDepthSink === 'function' ? 'diffs' : 'snapshots';
  }

  loadMarkets(): Promise<MarketInfo[]> {
    return guarded(async () => {
      const markets = await this.ex.loadMarkets();
      return Object.values(markets)
        .map((m) => parseMarket(m, this.ex.precisionMode))
        .filter((m): m is MarketInfo => m !== undefined)
        .sort((a, b) => a.symbol.localeCompare(b.symbol));
    });
  }

  fetchBook(symbol: string, limit: number): Promise<BookSnapshot> {
    return guarded(async () =>
      parseBookSnapshot(await this.ex.fetchOrderBook(symbol, limit), this.bookMode === 'diffs'),
    );
  }

  fetchCandles(symbol: string, timeframe: Timeframe, since?: number, limit?: number): Promise<CandleColumns> {
    return guarded(async () => parseCandles(await this.ex.fetchOHLCV(symbol, timeframe, since, limit)));
  }

  fetchTrades(symbol: string, limit: number): Promise<TapeTrade[]> {
    return guarded(async () => parseTrades(await this.ex.fetchTrades(symbol, undefined, limit)));
  }

  fetchTickers(symbols: readonly string[]): Promise<TickerInfo[]> {
    return guarded(async () => {
      const raw = await this.ex.fetchTickers([...symbols]);
      if (typeof raw !== 'object' || raw === null)
        throw new EngineFailure(
          engineError('feed-invalid-message', 'The exchange sent an invalid ticker list.'),
        );
      const out: TickerInfo[] = [];
      for (const t of Object.values(raw)) {
        try {
          out.push(parseTicker(t));
        } catch {
          // One bad ticker should not hide the others.
        }
      }
      return out;
    });
  }

  watchTrades(symbol: string): Promise<TapeTrade[]> {
    return guarded(async () => parseTrades(await this.ex.watchTrades(symbol)));
  }

  watchTicker(symbol: string): Promise<TickerInfo> {
    return guarded(async () => parseTicker(await this.ex.watchTicker(symbol), symbol));
  }

  watchBookDiffs(symbol: string, handlers: DepthHandlers): Promise<void> {
    return guarded(async () => {
      const ex = this.ex;
      if (!ex.setDepthSink)
        throw new EngineFailure(engineError('not-supported', `${this.exchangeId} has no depth diff stream.`));
      const id = ex.market(symbol).id;
      const sink = (message: unknown) => {
        let diff;
        try {
          diff = parseDepthDiff(message);
        } catch (e) {
          handlers.onInvalid(e instanceof EngineFailure ? e.error : fromCcxtError(e));
          return;
        }
        handlers.onDiff(diff);
      };
      ex.setDepthSink(id, sink);
      try {
        // Never resolves while subscribed (the diffs bypass ccxt's book); rejects when the socket fails.
        await ex.watchOrderBook(symbol);
      } finally {
        ex.removeDepthSink?.(id, sink);
      }
    });
  }

  watchBookSnapshot(symbol: string, depth: number): Promise<BookSnapshot> {
    return guarded(async () => parseBookSnapshot(await this.ex.watchOrderBook(symbol, depth), false));
  }

  async unwatch(symbol: string): Promise<void> {
    const ex = this.ex;
    await Promise.allSettled([
      ex.unWatchOrderBook?.(symbol),
      ex.unWatchTrades?.(symbol),
      ex.unWatchTicker?.(symbol),
    ]);
  }

  async close(): Promise<void> {
    await this.ex.close();
  }
}
