import { EngineFailure, fromCcxtError, permanentFeedErrors, type EngineError } from '../shared/errors.js';
import type { MarketStore } from '../store/market-store.js';
import { backoffDelay } from './backoff.js';
import { BookSync, type BookDiff } from './book-sync.js';
import { CandleSeries, type CandleColumns } from './candle-series.js';
import type { MarketEvent } from './events.js';
import type { MarketSource } from './market-source.js';
import { noMarketProbe, type FeedStream, type MarketProbe } from './market-probe.js';
import { L2Book } from './order-book.js';
import type { Sleeper } from './sleeper.js';
import type { Timeframe } from './timeframes.js';
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
  /** Counts messages, gaps, resyncs and reconnects for the monitor. */
  probe?: MarketProbe;
}

export interface LoopFailure {
  loop: string;
  error: EngineError;
  retryAt: number | null;
}

type Loop = 'book' | 'trades' | 'ticker';
const streamOf: Record<Loop, FeedStream> = { book: 'book', trades: 'trades', ticker: 'tickers' };

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
  private readonly failures = new Map<Loop, LoopFailure>();
  /** When each loop last received something: a loop that streamed since its last failure starts its backoff over. */
  private readonly progressAt = new Map<Loop, number>();
  private bookDirty = false;
  /** The book failed a check (gap, crossed): never shown until a snapshot replaces it. */
  private bookSuspect = false;
  private bookSavedVersion = -1;
  private newTrades: TapeTrade[] = [];
  private tradesReset = false;
  private candlesChanged: 'none' | 'last' | 'all' = 'none';
  private candlesLoading = false;
  private candlesLoadingChanged = false;
  private candleGeneration = 0;
  /** Trades at or before this time are already inside the exchange's klines. */
  private candlesAsOf = Infinity;
  private repairing = false;
  private tickerDirty = false;
  private snapshotInFlight = false;
  private bookLoadedAt: number | null = null;
  private storedBookSavedAt: number | null = null;
  /** 'stored' until the exchange's klines arrive. */
  private candlesSource: 'live' | 'stored' = 'stored';
  lastMessageAt: number | null = null;
  lastBookAt: number | null = null;
  private readonly probe: MarketProbe;

  constructor(
    private readonly deps: SessionDeps,
    readonly symbol: string,
    private timeframeValue: Timeframe,
  ) {
    this.book = new L2Book(symbol);
    this.sync = new BookSync(this.book);
    this.tape = new TradeTape(500);
    this.candles = new CandleSeries(timeframeValue, deps.config.candleLimit);
    this.probe = deps.probe ?? noMarketProbe;
  }

  get timeframe(): Timeframe {
    return this.timeframeValue;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get isBookLive(): boolean {
    return this.sync.isSynced && this.bookLoadedAt !== null && !this.bookSuspect;
  }

  currentFailures(): LoopFailure[] {
    return [...this.failures.values()];
  }

  /** Shows what was saved last time, before (or without) the network. */
  async restore(): Promise<void> {
    const { store, exchange, config } = this.deps;
    const tf = this.timeframeValue;
    const [book, trades, candles] = await Promise.all([
      this.readStore(() => store.loadBook(exchange, this.symbol), undefined),
      this.readStore(() => store.loadTape(exchange, this.symbol), []),
      this.readStore(() => store.loadCandles(exchange, this.symbol, tf, config.candleLimit), null),
    ]);
    if (this.signal.aborted) return;
    if (book && !this.isBookLive && this.bookLoadedAt === null) {
      this.book.reset(book.bids, book.asks, -1, book.time);
      this.storedBookSavedAt = book.savedAt;
      this.bookDirty = true;
    }
    if (trades.length > 0) {
      this.tape.add(trades);
      this.tradesReset = true;
    }
    // The timeframe may have changed while storage was read: those candles belong to another chart.
    if (candles && candles.time.length > 0 && tf === this.timeframeValue && this.candles.length === 0) {
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
    if (this.bookDirty && !this.bookSuspect) {
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
      events.push(this.candlesEvent());
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
    if (this.book.bids.length + this.book.asks.length > 0 && !this.bookSuspect) events.push(this.bookEvent());
    events.push({ type: 'trades', symbol: this.symbol, trades: this.tape.recent(100), reset: true });
    events.push(this.candlesEvent());
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

  private candlesEvent(): MarketEvent {
    return {
      type: 'candles',
      symbol: this.symbol,
      timeframe: this.timeframeValue,
      candles: this.candles.columns(),
      source: this.candlesSource,
    };
  }

  /**
   * Saves what a reload without network should show. `everything` writes the whole candle series
   * (after the cache was cleared); otherwise only the newest candles, which are the ones that change.
   */
  async persist(everything = false): Promise<void> {
    const { store, exchange } = this.deps;
    const writes: Array<Promise<unknown>> = [];
    if (this.isBookLive && (everything || this.book.nonce !== this.bookSavedVersion)) {
      this.bookSavedVersion = this.book.nonce;
      writes.push(store.saveBook(exchange, this.book.view(this.deps.config.bookDepth), this.deps.now()));
    }
    if (this.tape.length > 0) writes.push(store.saveTape(exchange, this.symbol, this.tape.recent(100)));
    if (this.ticker) writes.push(store.saveTickers(exchange, [this.ticker]));
    if (this.candlesSource === 'live' && this.candles.length > 0) {
      writes.push(
        store.saveCandles(
          exchange,
          this.symbol,
          this.timeframeValue,
          this.candles.columns(everything ? undefined : 5),
        ),
      );
    }
    await Promise.all(writes);
  }

  private markMessage(loop: Loop): void {
    this.probe.message(this.deps.exchange, streamOf[loop]);
    const now = this.deps.now();
    this.lastMessageAt = now;
    this.progressAt.set(loop, now);
    if (loop === 'book') this.lastBookAt = now;
  }

  /** Storage trouble (quota, a blocked database) must not stop live data: report it and go on. */
  private async readStore<T>(read: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await read();
    } catch (e) {
      this.storageNotice(e);
      return fallback;
    }
  }

  private storageNotice(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    this.deps.notice({
      code: 'storage',
      message: `Could not use this device's storage: ${message}`,
      retryable: true,
    });
  }

  /**
   * Runs `once` again and again. Failures back off (the wait is cut short when the network returns);
   * a loop that streamed since it last failed starts its backoff over. Only failures that retrying
   * cannot fix (an unknown market) stop it.
   */
  private async loop(name: Loop, once: () => Promise<void>): Promise<void> {
    let attempt = 0;
    while (!this.signal.aborted) {
      const startedAt = this.deps.now();
      try {
        await once();
      } catch (e) {
        if (this.signal.aborted) return;
        const error = asEngineError(e);
        if (permanentFeedErrors.has(error.code)) {
          this.failures.set(name, { loop: name, error, retryAt: null });
          this.deps.notice(error);
          return;
        }
        if ((this.progressAt.get(name) ?? -Infinity) >= startedAt) attempt = 0;
        this.probe.reconnect(this.deps.exchange, streamOf[name]);
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
        this.markMessage('book');
        this.sync.onSnapshot(snap);
        this.bookLoadedAt = this.deps.now();
        this.bookSuspect = false;
        this.bookDirty = true;
      }
      return;
    }
    this.sync.desync();
    let firstDiff: () => void = () => {};
    const streaming = new Promise<void>((resolve) => (firstDiff = resolve));
    const watching = source.watchBookDiffs(this.symbol, {
      onDiff: (diff) => {
        this.markMessage('book');
        firstDiff();
        this.onDiff(diff);
      },
      onInvalid: (error) => {
        this.deps.notice(error);
        this.probe.gap(this.deps.exchange);
        // The dropped message may have carried level changes: the book can no longer be trusted.
        this.sync.desync();
        this.bookSuspect = true;
        void this.resnapshot();
      },
    });
    // Snapshot only once the stream flows, so the snapshot is not older than the first buffered diff.
    void Promise.race([streaming, this.deps.sleeper.sleep(3000, this.signal)]).then(() => {
      if (!this.signal.aborted) void this.resnapshot();
    });
    try {
      await watching;
    } finally {
      // The stream is gone: whatever the book shows now is no longer live.
      this.sync.desync();
    }
  }

  private onDiff(diff: BookDiff): void {
    const outcome = this.sync.onDiff(diff);
    if (outcome.kind === 'applied') {
      this.bookDirty = true;
    } else if (outcome.kind === 'resnapshot') {
      this.probe.gap(this.deps.exchange);
      this.bookSuspect = true;
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
          this.markMessage('book');
          if (this.sync.onSnapshot(snap).kind === 'applied') {
            // The first load is not a resync; any later one replaces a book that was lost.
            if (this.bookLoadedAt !== null) this.probe.resync(this.deps.exchange);
            this.bookLoadedAt = this.deps.now();
            this.bookSuspect = false;
            this.bookDirty = true;
            return;
          }
        } catch (e) {
          const error = asEngineError(e);
          if (permanentFeedErrors.has(error.code)) {
            this.deps.notice(error);
            return;
          }
          if (error.code === 'feed-invalid-message') this.deps.notice(error);
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
    // After a reconnect the candles may have missed whole bars: ask the exchange for them now.
    if (this.candlesSource === 'live') void this.repairCandles();
    while (!this.signal.aborted) {
      const trades = await source.watchTrades(this.symbol);
      this.markMessage('trades');
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
      this.markMessage('ticker');
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
      const stored = await this.readStore(
        () => store.loadCandles(exchange, this.symbol, tf, config.candleLimit),
        null,
      );
      if (stale()) return;
      if (stored && stored.time.length > 0) {
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
        this.probe.message(exchange, 'candles');
        if (stale()) return;
        const series = new CandleSeries(tf, config.candleLimit);
        series.merge(fetched);
        this.candles = series;
        this.candlesAsOf = asOf;
        this.candlesSource = 'live';
        this.candlesChanged = 'all';
        this.setCandlesLoading(false);
        await this.saveCandles(tf, fetched);
        break;
      } catch (e) {
        const error = asEngineError(e);
        if (permanentFeedErrors.has(error.code)) {
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
      if (!stale()) await this.repairCandles();
    }
  }

  /** Fetches every candle from the newest one held onwards (more than one after a long disconnect). */
  private async repairCandles(): Promise<void> {
    if (this.repairing || this.candles.length === 0) return;
    this.repairing = true;
    const generation = this.candleGeneration;
    const tf = this.timeframeValue;
    try {
      const source = await this.deps.source();
      const since = this.candles.lastTime;
      const asOf = this.deps.now();
      const recent = await source.fetchCandles(this.symbol, tf, since, this.deps.config.candleLimit);
      this.probe.message(this.deps.exchange, 'candles');
      if (this.signal.aborted || generation !== this.candleGeneration) return;
      this.candles.merge(recent);
      this.candlesAsOf = asOf;
      this.candlesChanged = 'all';
      if (recent.time.length > 1) await this.saveCandles(tf, recent);
    } catch {
      // The next round tries again; the live candle keeps updating from trades meanwhile.
    } finally {
      this.repairing = false;
    }
  }

  private async saveCandles(tf: Timeframe, candles: CandleColumns): Promise<void> {
    try {
      await this.deps.store.saveCandles(this.deps.exchange, this.symbol, tf, candles);
    } catch (e) {
      this.storageNotice(e);
    }
  }
}
