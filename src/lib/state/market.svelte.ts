import { engine, toEngineError } from '$lib/engine/engine';
import type {
  BookView,
  CandleColumns,
  EngineError,
  FeedStatus,
  MarketEvent,
  MarketInfo,
  OhlcvRow,
  TapeTrade,
  TickerInfo,
  Timeframe,
} from '$workers/api';
import type { StampedBatch } from '$workers/market/market-service';
import { monitorState } from './monitor.svelte';

export interface Notice {
  id: number;
  error: EngineError;
  at: number;
}

const maxTrades = 60;
/** Market data a trader watches move; status and notices are not ticks. */
const isTick = (e: MarketEvent) =>
  e.type === 'book' || e.type === 'trades' || e.type === 'ticker' || e.type === 'candle';

/**
 * What the market engine reports, as runes the screens render. Big arrays are `$state.raw`: they are
 * replaced, never mutated, so Svelte does not proxy thousands of numbers.
 */
export class MarketState {
  started = $state(false);
  startError = $state<EngineError | null>(null);
  status = $state.raw<FeedStatus | null>(null);
  exchange = $state('');
  markets = $state.raw<MarketInfo[]>([]);
  tickers = $state.raw<Record<string, TickerInfo>>({});
  symbol = $state('');
  timeframe = $state<Timeframe>('1h');
  book = $state.raw<BookView | null>(null);
  bookSource = $state<'live' | 'stored' | null>(null);
  bookSavedAt = $state<number | null>(null);
  trades = $state.raw<TapeTrade[]>([]);
  candles = $state.raw<CandleColumns | null>(null);
  candlesVersion = $state(0);
  candlesSource = $state<'live' | 'stored' | null>(null);
  candlesLoading = $state(false);
  lastBar = $state.raw<OhlcvRow | null>(null);
  ticker = $state.raw<TickerInfo | null>(null);
  notices = $state.raw<Notice[]>([]);
  focusError = $state<EngineError | null>(null);

  market = $derived(this.markets.find((m) => m.symbol === this.symbol) ?? null);

  private nextNotice = 1;
  private unsubscribe: (() => void) | null = null;

  /** Starts the engine against the built-in sandbox (the server this page came from). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    try {
      const market = engine().market;
      this.unsubscribe = await market.subscribe((events) => {
        this.apply(events);
        // Tick-to-paint: from when the engine sent market data to the frame that shows it.
        if (events.some(isTick)) monitorState.batchApplied((events as StampedBatch).sentAt);
      });
      const origin = location.origin;
      await market.start({ id: 'binance', restUrl: origin, wsUrl: origin.replace(/^http/, 'ws') });
    } catch (e) {
      this.startError = toEngineError(e);
    }
  }

  async select(symbol: string, timeframe: Timeframe = this.timeframe): Promise<void> {
    this.focusError = null;
    try {
      await engine().market.focus(symbol, timeframe);
    } catch (e) {
      this.focusError = toEngineError(e);
    }
  }

  dismissNotice(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  apply(events: MarketEvent[]): void {
    for (const e of events) {
      switch (e.type) {
        case 'status':
          this.status = e.status;
          this.exchange = e.status.exchange;
          break;
        case 'markets':
          this.markets = e.markets;
          this.exchange = e.exchange;
          break;
        case 'tickers': {
          const next = { ...this.tickers };
          for (const t of e.tickers) next[t.symbol] = t;
          this.tickers = next;
          break;
        }
        case 'focus':
          if (e.symbol !== this.symbol) {
            this.book = null;
            this.bookSource = null;
            this.trades = [];
            this.ticker = this.tickers[e.symbol] ?? null;
            this.candles = null;
            this.lastBar = null;
          } else if (e.timeframe !== this.timeframe) {
            this.candles = null;
            this.lastBar = null;
          }
          this.symbol = e.symbol;
          this.timeframe = e.timeframe;
          break;
        case 'book':
          if (e.book.symbol !== this.symbol) break;
          this.book = e.book;
          this.bookSource = e.source;
          this.bookSavedAt = e.savedAt;
          break;
        case 'trades':
          if (e.symbol !== this.symbol) break;
          // Newest first, as a tape reads.
          this.trades = e.reset
            ? [...e.trades].reverse().slice(0, maxTrades)
            : [...[...e.trades].reverse(), ...this.trades].slice(0, maxTrades);
          break;
        case 'candles':
          if (e.symbol !== this.symbol || e.timeframe !== this.timeframe) break;
          this.candles = e.candles;
          this.candlesSource = e.source;
          this.lastBar = null;
          this.candlesVersion++;
          break;
        case 'candle':
          if (e.symbol !== this.symbol || e.timeframe !== this.timeframe) break;
          this.lastBar = e.bar;
          break;
        case 'candlesLoading':
          if (e.symbol === this.symbol && e.timeframe === this.timeframe) this.candlesLoading = e.loading;
          break;
        case 'ticker':
          if (e.ticker.symbol === this.symbol) this.ticker = e.ticker;
          this.tickers = { ...this.tickers, [e.ticker.symbol]: e.ticker };
          break;
        case 'notice':
          this.notices = [...this.notices.slice(-3), { id: this.nextNotice++, error: e.error, at: e.at }];
          break;
      }
    }
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }
}

export const marketState = new MarketState();
