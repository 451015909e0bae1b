import { EngineFailure, fromCcxtError, type EngineError } from '../shared/errors.js';
import type { MarketStore } from '../store/market-store.js';
import { backoffDelay } from './backoff.js';
import { BookSync, type BookDiff } from './book-sync.js';
import { CandleSeries } from './candle-series.js';
import type { MarketEvent } from './events.js';
import type { MarketSource } from './market-source.js';
import { L2Book } from './order-book.js';
import type { Sleeper } from './sleeper.js';
import { timeframeMs, type Timeframe } from './timeframes.js';
import { TradeTape, type TapeTrade } from './trade-tape.js';
import type { TickerInfo } from './types.js';

export interface SessionConfig {
  /** Levels per side sent to the UI (ladder and depth chart). */
  bookDepth: number;
  /** Levels per side asked of the exchange's REST snapshot. */
  snapshotLimit: number;
  tradeBackfill: number;
  candleLimit: number;
  candleReconcileMs: number;
}

export interface SessionDeps {
  exchange: string;
  /** Resolves once the exchange is connected and its markets are loaded. */
  source: () => Promise<MarketSource>;
  store: MarketStore;
  sleeper: Sleeper;
  now: () => number;
  random: () => number;
  notice: (error: EngineError) => void;
  config: SessionConfig;
}

export interface LoopFailure {
  loop: string;
  error: EngineError;
  retryAt: number | null;
}

const asEngineError = (e: unknown): EngineError => (e instanceof EngineFailure ? e.error : fromCcxtError(e));

/**
 * Everything the engine streams for the one symbol on screen: its book, tape, ticker and candles, each
 * a loop that reconnects with backoff on its own. Produces events; the service batches and delivers them.
 */
export class FocusSession {
  readonly book: L2Book;
  readonly sync: BookSync;
  readonly tape: TradeTape;
  private candles: CandleSeries;
  private ticker: TickerInfo | null = null;
  private readonly abort = new AbortController();
  private readonly failures = new Map<string, LoopFailure>();
  private bookDirty = false;
  private bookSavedVersion = -1;
  private newTrades: TapeTrade[] = [];
  private tradesReset = false;
  private candlesChanged: 'none' | 'last' | 'all' = 'none';
  private candlesLoading = false;
  private candlesLoadingChanged = false;
  private candleGeneration = 0;
  /** Trades at or before this time are already inside the exchange's klines. */
  private candlesAsOf = Infinity;
  private tickerDirty = false;
  private snapshotInFlight = false;
  private bookLoadedAt: number | null = null;
  private storedBookSavedAt: number | null = null;
  /** 'stored' until the exchange's klines arrive. */
  private candlesSource: 'live' | 'stored' = 'stored';
  lastMessageAt: number | null = null;
  lastBookAt: number | null = null;

  constructor(
    private readonly deps: SessionDeps,
    readonly symbol: string,
    private timeframeValue: Timeframe,
  ) {
    this.book = new L2Book(symbol);
    this.sync = new BookSync(this.book);
    this.tape = new TradeTape(500);
    this.candles = new CandleSeries(timeframeValue, deps.config.candleLimit);
  }

  get timeframe(): Timeframe {
    return this.timeframeValue;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get isBookLive(): boolean {
    return this.sync.isSynced && this.bookLoadedAt !== null;
  }

  currentFailures(): LoopFailure[] {
    return [...this.failures.values()];
  }

  /** Shows what was saved last time, before (or without) the network. */
  async restore(): Promise<void> {
    const { store, exchange } = this.deps;
    const [book, trades, candles] = await Promise.all([
      store.loadBook(exchange, this.symbol),
      store.loadTape(exchange, this.symbol),
      store.loadCandles(exchange, this.symbol, this.timeframeValue, this.deps.config.candleLimit),
    ]);
    if (this.signal.aborted) return;
    if (book && !this.isBookLive) {
      this.book.reset(book.bids, book.asks, -1, book.time);
      this.storedBookSavedAt = book.savedAt;
      this.bookDirty = true;
    }
    if (trades.length > 0) {
      this.tape.add(trades);
      this.tradesReset = true;
    }
    if (candles.time.length > 0) {
      this.candles.merge(candles);
      this.candlesSource = 'stored';
      this.candlesChanged = 'all';
    }
  }

  start(): void {
    void this.loop('book', () => this.bookOnce());
    void this.loop('trades', () => this.tradesOnce());
    void this.loop('ticker', () => this.tickerOnce());
    void this.loadCandles();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    try {
      const source = await Promise.race([this.deps.source(), this.deps.sleeper.sleep(50).then(() => null)]);
      if (source) await source.unwatch(this.symbol);
    } catch {
      // Unsubscribing is a courtesy to the exchange; a dead connection needs none.
    }
  }

  setTimeframe(tf: Timeframe): void {
    if (tf === this.timeframeValue) return;
    this.timeframeValue = tf;
    this.candles = new CandleSeries(tf, this.deps.config.candleLimit);
    this.candlesSource = 'stored';
    this.candlesAsOf = Infinity;
    this.candlesChanged = 'all';
    void this.loadCandles();
  }

  /** Events for everything that changed since the last drain. */
  drain(): MarketEvent[] {
    const events: MarketEvent[] = [];
    if (this.bookDirty) {
      this.bookDirty = false;
      events.push(this.bookEvent());
    }
    if (this.tradesReset) {
      this.tradesReset = false;
      this.newTrades = [];
      events.push({ type: 'trades', symbol: this.symbol, trades: this.tape.recent(100), reset: true });
    } else if (this.newTrades.length > 0) {
      events.push({ type: 'trades', symbol: this.symbol, trades: this.newTrades, reset: false });
      this.newTrades = [];
    }
    if (this.candlesLoadingChanged) {
      this.candlesLoadingChanged = false;
      events.push({
        type: 'candlesLoading',
        symbol: this.symbol,
        timeframe: this.timeframeValue,
        loading: this.candlesLoading,
      });
    }
    if (this.candlesChanged === 'all') {
      events.push({
        type: 'candles',
        symbol: this.symbol,
        timeframe: this.timeframeValue,
        candles: this.candles.columns(),
        source: this.candlesSource,
      });
    } else if (this.candlesChanged === 'last' && this.candles.length > 0) {
      events.push({
        type: 'candle',
        symbol: this.symbol,
        timeframe: this.timeframeValue,
        bar: this.candles.row(this.candles.length - 1),
      });
    }
    this.candlesChanged = 'none';
    if (this.tickerDirty && this.ticker) {
      this.tickerDirty = false;
      events.push({ type: 'ticker', ticker: this.ticker });
    }
    return events;
  }

  /** The whole current state, for a subscriber that just arrived. */
  fullState(): MarketEvent[] {
    const events: MarketEvent[] = [];
    if (this.book.bids.length + this.book.asks.length > 0) events.push(this.bookEvent());
    events.push({ type: 'trades', symbol: this.symbol, trades: this.tape.recent(100), reset: true });
    events.push({
      type: 'candles',
      symbol: this.symbol,
      timeframe: this.timeframeValue,
      candles: this.candles.columns(),
      source: this.candlesSource,
    });
    if (this.candlesLoading)
      events.push({
        type: 'candlesLoading',
        symbol: this.symbol,
        timeframe: this.timeframeValue,
        loading: true,
      });
    if (this.ticker) events.push({ type: 'ticker', ticker: this.ticker });
    return events;
  }

  private bookEvent(): MarketEvent {
    const live = this.isBookLive;
    return {
      type: 'book',
      book: this.book.view(this.deps.config.bookDepth),
      source: live ? 'live' : 'stored',
      savedAt: live ? null : this.storedBookSavedAt,
    };
  }

  /** Saves what a reload without network should show. */
  async persist(): Promise<void> {
    const { store, exchange } = this.deps;
    const writes: Array<Promise<unknown>> = [];
    if (this.isBookLive && this.book.nonce !== this.bookSavedVersion) {
      this.bookSavedVersion = this.book.nonce;
      writes.push(store.saveBook(exchange, this.book.view(this.deps.config.bookDepth), this.deps.now()));
    }
    if (this.tape.length > 0) writes.push(store.saveTape(exchange, this.symbol, this.tape.recent(100)));
    if (this.ticker) writes.push(store.saveTickers(exchange, [this.ticker]));
    if (this.candlesSource === 'live' && this.candles.length > 0) {
      writes.push(store.saveCandles(exchange, this.symbol, this.timeframeValue, this.candles.columns(5)));
    }
    await Promise.all(writes);
  }

  private markMessage(isBook = false): void {
    const now = this.deps.now();
    this.lastMessageAt = now;
    if (isBook) this.lastBookAt = now;
  }

  /** Runs `once` again and again; failures back off, and the wait is cut short when the network returns. */
  private async loop(name: string, once: () => Promise<void>): Promise<void> {
    let attempt = 0;
    while (!this.signal.aborted) {
      try {
        await once();
        attempt = 0;
      } catch (e) {
        if (this.signal.aborted) return;
        const error = asEngineError(e);
        if (!error.retryable) {
          this.failures.set(name, { loop: name, error, retryAt: null });
          this.deps.notice(error);
          return;
        }
        const delay = backoffDelay(attempt++, undefined, this.deps.random);
        this.failures.set(name, { loop: name, error, retryAt: this.deps.now() + delay });
        await this.deps.sleeper.sleep(delay, this.signal);
      }
      this.failures.delete(name);
    }
  }

  private async bookOnce(): Promise<void> {
    const source = await this.deps.source();
    if (this.signal.aborted) return;
    if (source.bookMode === 'snapshots') {
      while (!this.signal.aborted) {
        const snap = await source.watchBookSnapshot(this.symbol, this.deps.config.bookDepth);
        this.markMessage(true);
        this.book.reset(snap.bids, snap.asks, snap.nonce, snap.time);
        this.bookLoadedAt = this.deps.now();
        this.sync.onSnapshot(snap);
        this.bookDirty = true;
      }
      return;
    }
    this.sync.desync();
    let firstDiff: () => void = () => {};
    const streaming = new Promise<void>((resolve) => (firstDiff = resolve));
    const watching = source.watchBookDiffs(this.symbol, {
      onDiff: (diff) => {
        this.markMessage(true);
        firstDiff();
        this.onDiff(diff);
      },
      onInvalid: (error) => {
        this.markMessage();
        this.deps.notice(error);
        // The dropped message may have carried level changes: the book can no longer be trusted.
        this.sync.desync();
        void this.resnapshot();
      },
    });
    // Snapshot only once the stream flows, so the snapshot is not older than the first buffered diff.
    void Promise.race([streaming, this.deps.sleeper.sleep(3000, this.signal)]).then(() => {
      if (!this.signal.aborted) void this.resnapshot();
    });
    await watching;
  }

  private onDiff(diff: BookDiff): void {
    const outcome = this.sync.onDiff(diff);
    if (outcome.kind === 'applied') {
      this.bookDirty = true;
    } else if (outcome.kind === 'resnapshot') {
      this.deps.notice({
        code: 'book-gap',
        message: `Order book out of step (${outcome.reason}): reloading it.`,
        retryable: true,
      });
      void this.resnapshot();
    }
  }

  private async resnapshot(): Promise<void> {
    if (this.snapshotInFlight) return;
    this.snapshotInFlight = true;
    try {
      for (let attempt = 0; !this.signal.aborted; attempt++) {
        try {
          const source = await this.deps.source();
          const snap = await source.fetchBook(this.symbol, this.deps.config.snapshotLimit);
          if (this.signal.aborted) return;
          this.markMessage(true);
          const outcome = this.sync.onSnapshot(snap);
          if (outcome.kind === 'applied') {
            this.bookLoadedAt = this.deps.now();
            this.bookDirty = true;
            return;
          }
        } catch (e) {
          const error = asEngineError(e);
          if (!error.retryable) {
            this.deps.notice(error);
            return;
          }
        }
        await this.deps.sleeper.sleep(
          backoffDelay(attempt, { baseMs: 250, maxMs: 5000 }, this.deps.random),
          this.signal,
        );
      }
    } finally {
      this.snapshotInFlight = false;
    }
  }

  private async tradesOnce(): Promise<void> {
    const source = await this.deps.source();
    if (this.signal.aborted) return;
    // REST first: fills whatever the stream missed while disconnected (the tape skips known ids).
    this.addTrades(await source.fetchTrades(this.symbol, this.deps.config.tradeBackfill));
    while (!this.signal.aborted) {
      const trades = await source.watchTrades(this.symbol);
      this.markMessage();
      this.addTrades(trades);
    }
  }

  private addTrades(trades: TapeTrade[]): void {
    if (this.signal.aborted) return;
    const fresh = this.tape.add(trades);
    if (fresh.length === 0) return;
    this.newTrades.push(...fresh);
    for (const t of fresh) {
      if (t.time <= this.candlesAsOf) continue;
      if (this.candles.applyTrade(t.time, t.price, t.amount) >= 0 && this.candlesChanged === 'none')
        this.candlesChanged = 'last';
    }
  }

  private async tickerOnce(): Promise<void> {
    const source = await this.deps.source();
    while (!this.signal.aborted) {
      const ticker = await source.watchTicker(this.symbol);
      this.markMessage();
      this.ticker = ticker;
      this.tickerDirty = true;
    }
  }

  private setCandlesLoading(loading: boolean): void {
    if (this.candlesLoading === loading) return;
    this.candlesLoading = loading;
    this.candlesLoadingChanged = true;
  }

  /** Stored candles at once, then the exchange's klines, then a periodic repair of the newest ones. */
  private async loadCandles(): Promise<void> {
    const generation = ++this.candleGeneration;
    const tf = this.timeframeValue;
    const stale = () => this.signal.aborted || generation !== this.candleGeneration;
    this.setCandlesLoading(true);
    const { store, exchange, config } = this.deps;
    if (this.candles.length === 0) {
      const stored = await store.loadCandles(exchange, this.symbol, tf, config.candleLimit);
      if (stale()) return;
      if (stored.time.length > 0) {
        this.candles.merge(stored);
        this.candlesSource = 'stored';
        this.candlesChanged = 'all';
      }
    }
    for (let attempt = 0; !stale(); attempt++) {
      try {
        const source = await this.deps.source();
        const asOf = this.deps.now();
        const fetched = await source.fetchCandles(this.symbol, tf, undefined, config.candleLimit);
        if (stale()) return;
        const series = new CandleSeries(tf, config.candleLimit);
        series.merge(fetched);
        this.candles = series;
        this.candlesAsOf = asOf;
        this.candlesSource = 'live';
        this.candlesChanged = 'all';
        this.setCandlesLoading(false);
        await store.saveCandles(exchange, this.symbol, tf, fetched);
        break;
      } catch (e) {
        const error = asEngineError(e);
        if (!error.retryable) {
          this.setCandlesLoading(false);
          this.deps.notice(error);
          return;
        }
        await this.deps.sleeper.sleep(backoffDelay(attempt, undefined, this.deps.random), this.signal);
      }
    }
    // Trades can be missed while reconnecting; the exchange's own klines are the truth. Repair the tail.
    while (!stale()) {
      await this.deps.sleeper.sleep(config.candleReconcileMs, this.signal);
      if (stale()) return;
      try {
        const source = await this.deps.source();
        const since = this.candles.length > 0 ? this.candles.lastTime - timeframeMs[tf] : undefined;
        const asOf = this.deps.now();
        const recent = await source.fetchCandles(this.symbol, tf, since, 3);
        if (stale()) return;
        this.candles.merge(recent);
        this.candlesAsOf = asOf;
        this.candlesChanged = 'all';
      } catch {
        // The next round tries again; the live candle keeps updating from trades meanwhile.
      }
    }
  }
}
