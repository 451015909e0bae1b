import { EngineFailure, engineError, fromCcxtError, type EngineError } from '../shared/errors.js';
import type { MarketStore } from '../store/market-store.js';
import { backoffDelay } from './backoff.js';
import type { Connection, FeedStatus, MarketEvent, MarketListener } from './events.js';
import { FocusSession, type SessionConfig } from './focus-session.js';
import type { MarketSource } from './market-source.js';
import { noMarketProbe, type MarketProbe } from './market-probe.js';
import type { MarketAccess } from '../trading/market-link.js';
import { Sleeper } from './sleeper.js';
import { isTimeframe, type Timeframe } from './timeframes.js';
import type { MarketInfo, TickerInfo } from './types.js';

/** Which exchange to talk to: an id plus optional URL overrides (the sandbox, a proxy, a testnet). */
export interface ExchangeConfig {
  id: string;
  /** Replaces the scheme and host of every REST URL of the exchange. */
  restUrl?: string;
  /** Replaces the scheme and host of every WebSocket URL of the exchange. */
  wsUrl?: string;
}

export interface ServiceConfig extends SessionConfig {
  flushMs: number;
  persistMs: number;
  healthMs: number;
  /** No book message for this long: the feed is shown as stale. */
  staleAfterMs: number;
  /** Still nothing after this long: drop the connection and reconnect. */
  reconnectAfterMs: number;
  tickersPollMs: number;
}

export const defaultServiceConfig: ServiceConfig = {
  bookDepth: 100,
  snapshotLimit: 1000,
  tradeBackfill: 100,
  candleLimit: 1000,
  candleReconcileMs: 60_000,
  flushMs: 100,
  persistMs: 5_000,
  healthMs: 1_000,
  staleAfterMs: 5_000,
  reconnectAfterMs: 15_000,
  tickersPollMs: 15_000,
};

export interface ServiceDeps {
  store: MarketStore;
  createSource: (config: ExchangeConfig) => Promise<MarketSource>;
  now?: () => number;
  random?: () => number;
  online?: boolean;
}

export interface StartResult {
  markets: MarketInfo[];
  symbol: string;
  timeframe: Timeframe;
}

/**
 * A batch as delivered: `sentAt` is when it left the engine (epoch ms, from performance.timeOrigin plus
 * performance.now()), so the page can time it to the frame that shows it. A property of the array, not an
 * event: structured clone carries it across, and readers that only iterate the events never see it.
 */
export type StampedBatch = MarketEvent[] & { sentAt?: number };

/** The same clock on both sides of the worker boundary: epoch milliseconds with sub-ms precision. */
export function epochNow(): number {
  return typeof performance !== 'undefined' ? performance.timeOrigin + performance.now() : Date.now();
}

export interface StorageReport {
  usage: number | null;
  quota: number | null;
  rows: Record<string, number>;
}

interface SavedView {
  symbol: string;
  timeframe: Timeframe;
}

const preferredDefaults = ['BTC/USDT', 'ETH/USDT'];

/**
 * The market engine: connects to one exchange, keeps the focused symbol's book, tape, ticker and
 * candles live, saves what an offline reload needs, and reports everything as batched events.
 * Plain class, no worker or comlink knowledge: tests drive it directly.
 */
export class MarketService {
  private readonly config: ServiceConfig;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly sleeper = new Sleeper();
  private readonly listeners = new Map<number, MarketListener>();
  /** In-process readers (the trading engine): called before page listeners, whose arrays may be transferred away. */
  private readonly taps = new Set<MarketListener>();
  private nextListenerId = 1;
  private pending: MarketEvent[] = [];
  private exchangeConfig: ExchangeConfig | null = null;
  private markets: MarketInfo[] = [];
  private tickers = new Map<string, TickerInfo>();
  private session: FocusSession | null = null;
  private source: MarketSource | null = null;
  private sourceWaiters: Array<(s: MarketSource) => void> = [];
  private connectFailure: { error: EngineError; retryAt: number | null } | null = null;
  private online: boolean;
  private status: FeedStatus;
  private timers: Array<ReturnType<typeof setInterval>> = [];
  private readonly lifetime = new AbortController();
  private forcedReconnectAt = 0;
  private focusQueue: Promise<void> = Promise.resolve();
  private probe: MarketProbe = noMarketProbe;
  /** Handed to every session once: it forwards to whichever probe is attached now. */
  private readonly probeRelay: MarketProbe = {
    message: (exchange, stream, count) => this.probe.message(exchange, stream, count),
    gap: (exchange) => this.probe.gap(exchange),
    resync: (exchange) => this.probe.resync(exchange),
    reconnect: (exchange, stream) => this.probe.reconnect(exchange, stream),
  };
  /** Most events waiting for one flush since the monitor last asked. */
  private pendingPeak = 0;

  constructor(
    private readonly deps: ServiceDeps,
    config: Partial<ServiceConfig> = {},
  ) {
    this.config = { ...defaultServiceConfig, ...config };
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.online = deps.online ?? true;
    this.status = {
      exchange: '',
      connection: 'connecting',
      since: this.now(),
      lastMessageAt: null,
      retryAt: null,
      error: null,
    };
  }

  async start(exchange: ExchangeConfig): Promise<StartResult> {
    if (typeof exchange?.id !== 'string' || exchange.id === '') {
      throw new EngineFailure(engineError('bad-config', 'No exchange was given to connect to.'));
    }
    if (this.exchangeConfig) {
      if (this.exchangeConfig.id !== exchange.id) {
        throw new EngineFailure(
          engineError('already-started', `The engine already runs ${this.exchangeConfig.id}.`),
        );
      }
      return this.startResult();
    }
    this.exchangeConfig = exchange;
    this.status = { ...this.status, exchange: exchange.id };
    // A focus() made while this runs waits for it: the user's choice must land on the opened session.
    await this.serially(async () => {
      const { store } = this.deps;
      this.markets = await this.readStore(() => store.loadMarkets(exchange.id), []);
      for (const t of await this.readStore(() => store.loadTickers(exchange.id), []))
        this.tickers.set(t.symbol, t);
      if (this.markets.length > 0)
        this.push({ type: 'markets', exchange: exchange.id, markets: this.markets });
      if (this.tickers.size > 0) this.push({ type: 'tickers', tickers: [...this.tickers.values()] });
      const saved = await this.readStore(() => store.getSetting<SavedView>('view'), undefined);
      const symbol = this.pickSymbol(saved?.symbol);
      const timeframe = saved && isTimeframe(saved.timeframe) ? saved.timeframe : '1h';
      await this.openSession(symbol, timeframe);
    });
    this.timers.push(
      setInterval(() => this.flush(), this.config.flushMs),
      setInterval(() => this.checkHealth(), this.config.healthMs),
      setInterval(() => void this.persist(), this.config.persistMs),
      setInterval(() => void this.pollTickers(), this.config.tickersPollMs),
    );
    void this.connect(exchange);
    this.updateStatus();
    this.flush();
    return this.startResult();
  }

  /**
   * Shows another symbol and/or timeframe. Calls run one after another: a quick A, B, A must not
   * subscribe A again while A's unsubscribe is still in flight.
   */
  focus(symbol: string, timeframe: Timeframe): Promise<void> {
    return this.serially(() => this.focusNow(symbol, timeframe));
  }

  private serially(work: () => Promise<void>): Promise<void> {
    const run = this.focusQueue.then(work);
    this.focusQueue = run.catch(() => undefined);
    return run;
  }

  private async focusNow(symbol: string, timeframe: Timeframe): Promise<void> {
    if (!this.exchangeConfig)
      throw new EngineFailure(engineError('not-started', 'The market engine has not started yet.'));
    if (typeof symbol !== 'string' || symbol.length === 0 || symbol.length > 40) {
      throw new EngineFailure(engineError('bad-symbol', 'Choose a market from the list.'));
    }
    if (!isTimeframe(timeframe)) {
      throw new EngineFailure(
        engineError(
          'bad-timeframe',
          `Unknown timeframe ${String(timeframe)}: use 1m, 5m, 15m, 1h, 4h or 1d.`,
        ),
      );
    }
    if (this.markets.length > 0 && !this.markets.some((m) => m.symbol === symbol)) {
      throw new EngineFailure(
        engineError(
          'bad-symbol',
          `${symbol} is not listed on ${this.exchangeConfig.id}. Choose a market from the list.`,
        ),
      );
    }
    if (this.session?.symbol === symbol) {
      this.session.setTimeframe(timeframe);
      this.push({ type: 'focus', symbol, timeframe });
      await this.saveView({ symbol, timeframe });
      this.flush();
      return;
    }
    await this.openSession(symbol, timeframe);
    this.flush();
  }

  /** The page tells the worker when the browser goes on- or offline. */
  setOnline(online: boolean): void {
    if (this.online === online) return;
    this.online = online;
    // Every backoff wait retries now rather than at its scheduled time.
    if (online) this.sleeper.wakeAll();
    this.updateStatus();
    this.flush();
  }

  /** The monitor counts what arrives from here on. */
  observe(probe: MarketProbe): void {
    this.probe = probe;
  }

  /** The feed's connection as the page last heard it. */
  currentStatus(): FeedStatus {
    return this.status;
  }

  /** Events waiting for the next flush now, and the most since the previous call (the monitor is the one reader). */
  pendingDepth(): { depth: number; peak: number } {
    const depth = this.pending.length;
    const peak = Math.max(this.pendingPeak, depth);
    this.pendingPeak = depth;
    return { depth, peak };
  }

  subscribe(listener: MarketListener): number {
    const id = this.nextListenerId++;
    this.listeners.set(id, listener);
    const state: MarketEvent[] = [{ type: 'status', status: this.status }];
    if (this.markets.length > 0 && this.exchangeConfig)
      state.push({ type: 'markets', exchange: this.exchangeConfig.id, markets: this.markets });
    if (this.tickers.size > 0) state.push({ type: 'tickers', tickers: [...this.tickers.values()] });
    if (this.session) {
      state.push({ type: 'focus', symbol: this.session.symbol, timeframe: this.session.timeframe });
      state.push(...this.session.fullState());
    }
    listener(state);
    return id;
  }

  unsubscribe(id: number): void {
    this.listeners.delete(id);
  }

  async storage(): Promise<StorageReport> {
    const rows = await this.deps.store.counts();
    let usage: number | null = null;
    let quota: number | null = null;
    if (typeof navigator !== 'undefined' && navigator.storage?.estimate) {
      const estimate = await navigator.storage.estimate();
      usage = estimate.usage ?? null;
      quota = estimate.quota ?? null;
    }
    return { usage, quota, rows };
  }

  /**
   * Drops cached market data. What is on screen now is saved again at once, so an offline reload
   * right after still opens with the markets and the chart in view.
   */
  async clearCache(): Promise<void> {
    const { store } = this.deps;
    await store.clearMarketData();
    if (!this.exchangeConfig) return;
    if (this.markets.length > 0) await store.saveMarkets(this.exchangeConfig.id, this.markets);
    if (this.tickers.size > 0) await store.saveTickers(this.exchangeConfig.id, [...this.tickers.values()]);
    await this.session?.persist(true);
  }

  /** What the trading engine in the same worker reads: markets, the focused symbol, events and REST fetches. */
  access(): MarketAccess {
    return {
      exchangeId: () => this.exchangeConfig?.id ?? null,
      markets: () => this.markets,
      focusedSymbol: () => this.session?.symbol ?? null,
      listen: (listener) => {
        this.taps.add(listener);
        const state: MarketEvent[] = [];
        if (this.tickers.size > 0) state.push({ type: 'tickers', tickers: [...this.tickers.values()] });
        if (state.length) listener(state);
        return () => void this.taps.delete(listener);
      },
      fetchBook: (symbol, depth) => this.withSource((s) => s.fetchBook(symbol, depth)),
      fetchTrades: (symbol, limit) => this.withSource((s) => s.fetchTrades(symbol, limit)),
      fetchCandles: (symbol, timeframe, since, limit) =>
        this.withSource((s) => s.fetchCandles(symbol, timeframe, since, limit)),
    };
  }

  private async withSource<T>(work: (source: MarketSource) => Promise<T>): Promise<T> {
    if (!this.online || !this.source)
      throw new EngineFailure(engineError('offline', 'The exchange is not reachable right now.', true));
    return work(this.source);
  }

  async stop(): Promise<void> {
    this.lifetime.abort();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.session?.stop();
    this.session = null;
    await this.source?.close().catch(() => undefined);
    this.listeners.clear();
  }

  private startResult(): StartResult {
    return {
      markets: this.markets,
      symbol: this.session?.symbol ?? '',
      timeframe: this.session?.timeframe ?? '1h',
    };
  }

  private pickSymbol(wanted: string | undefined): string {
    const listed = (s: string | undefined) =>
      s !== undefined && (this.markets.length === 0 || this.markets.some((m) => m.symbol === s));
    if (listed(wanted)) return wanted as string;
    for (const s of preferredDefaults) if (listed(s)) return s;
    return this.markets[0]?.symbol ?? 'BTC/USDT';
  }

  private async openSession(symbol: string, timeframe: Timeframe): Promise<void> {
    const previous = this.session;
    const session = new FocusSession(
      {
        exchange: this.exchangeConfig!.id,
        source: () => this.awaitSource(),
        store: this.deps.store,
        sleeper: this.sleeper,
        now: this.now,
        random: this.random,
        notice: (error) => this.push({ type: 'notice', error, at: this.now() }),
        config: this.config,
        probe: this.probeRelay,
      },
      symbol,
      timeframe,
    );
    this.session = session;
    this.push({ type: 'focus', symbol, timeframe });
    if (previous) await previous.stop();
    await session.restore();
    if (this.session !== session) return;
    session.start();
    await this.saveView({ symbol, timeframe });
  }

  private async saveView(view: SavedView): Promise<void> {
    try {
      await this.deps.store.setSetting('view', view);
    } catch (e) {
      this.storageNotice(e);
    }
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
    this.push({
      type: 'notice',
      error: engineError('storage', `Could not use this device's storage: ${message}`, true),
      at: this.now(),
    });
  }

  private awaitSource(): Promise<MarketSource> {
    if (this.source) return Promise.resolve(this.source);
    return new Promise((resolve) => this.sourceWaiters.push(resolve));
  }

  private async connect(exchange: ExchangeConfig): Promise<void> {
    for (let attempt = 0; !this.lifetime.signal.aborted; attempt++) {
      try {
        const source = await this.deps.createSource(exchange);
        const markets = await source.loadMarkets();
        if (markets.length === 0)
          throw new EngineFailure(engineError('no-markets', `${exchange.id} lists no spot markets.`, true));
        this.markets = markets;
        this.push({ type: 'markets', exchange: exchange.id, markets });
        try {
          await this.deps.store.saveMarkets(exchange.id, markets);
        } catch (e) {
          this.storageNotice(e);
        }
        this.connectFailure = null;
        this.source = source;
        for (const resolve of this.sourceWaiters.splice(0)) resolve(source);
        if (this.session && !markets.some((m) => m.symbol === this.session!.symbol)) {
          const timeframe = this.session.timeframe;
          await this.serially(() => this.openSession(this.pickSymbol(undefined), timeframe));
        }
        void this.pollTickers();
        this.updateStatus();
        return;
      } catch (e) {
        const error = e instanceof EngineFailure ? e.error : fromCcxtError(e);
        const delay = backoffDelay(attempt, undefined, this.random);
        this.connectFailure = { error, retryAt: this.now() + delay };
        this.updateStatus();
        this.flush();
        await this.sleeper.sleep(delay, this.lifetime.signal);
      }
    }
  }

  private async pollTickers(): Promise<void> {
    if (!this.source || !this.online) return;
    try {
      const tickers = await this.source.fetchTickers(this.markets.map((m) => m.symbol));
      this.probe.message(this.exchangeConfig!.id, 'tickers');
      for (const t of tickers) this.tickers.set(t.symbol, t);
      this.push({ type: 'tickers', tickers });
      await this.deps.store.saveTickers(this.exchangeConfig!.id, tickers);
    } catch {
      // The picker shows the last known prices; the next poll tries again.
    }
  }

  private async persist(): Promise<void> {
    try {
      await this.session?.persist();
    } catch (e) {
      this.storageNotice(e);
    }
  }

  private checkHealth(): void {
    const session = this.session;
    const now = this.now();
    // A silent stream is not always a closed one: drop the connection so the loops reconnect.
    const silentFor = session?.lastBookAt != null ? now - session.lastBookAt : 0;
    if (
      this.online &&
      this.source &&
      silentFor > this.config.reconnectAfterMs &&
      now - this.forcedReconnectAt > this.config.reconnectAfterMs
    ) {
      this.forcedReconnectAt = now;
      this.push({
        type: 'notice',
        error: engineError('stale-feed', 'The market feed went silent: reconnecting.', true),
        at: now,
      });
      void this.source.close().catch(() => undefined);
    }
    this.updateStatus();
  }

  private updateStatus(): void {
    const now = this.now();
    const session = this.session;
    let connection: Connection;
    let error: EngineError | null = null;
    let retryAt: number | null = null;
    const failure = session?.currentFailures()[0];
    if (!this.online) {
      connection = 'offline';
      error = engineError('offline', 'You are offline. Showing the data saved on this device.', true);
    } else if (!this.source) {
      connection = this.connectFailure ? 'reconnecting' : 'connecting';
      error = this.connectFailure?.error ?? null;
      retryAt = this.connectFailure?.retryAt ?? null;
    } else if (failure) {
      connection = failure.retryAt === null ? 'stale' : 'reconnecting';
      error = failure.error;
      retryAt = failure.retryAt;
    } else if (
      session &&
      session.lastBookAt !== null &&
      now - session.lastBookAt > this.config.staleAfterMs
    ) {
      connection = 'stale';
      error = engineError(
        'stale-feed',
        `No market data for ${Math.round((now - session.lastBookAt) / 1000)} s.`,
        true,
      );
    } else if (session?.isBookLive) {
      connection = 'live';
    } else {
      connection = 'connecting';
    }
    const lastMessageAt = session?.lastMessageAt ?? null;
    const s = this.status;
    if (
      s.connection !== connection ||
      s.error?.code !== error?.code ||
      s.retryAt !== retryAt ||
      s.error?.message !== error?.message
    ) {
      this.status = {
        exchange: this.exchangeConfig?.id ?? '',
        connection,
        since: s.connection === connection ? s.since : now,
        lastMessageAt,
        retryAt,
        error,
      };
      this.push({ type: 'status', status: this.status });
    } else {
      this.status = { ...s, lastMessageAt };
    }
  }

  private push(event: MarketEvent): void {
    this.pending.push(event);
  }

  /** One batch per tick: the UI redraws once per batch, not once per exchange message. */
  flush(): void {
    if (this.session) this.pending.push(...this.session.drain());
    if (this.pending.length === 0) return;
    if (this.pending.length > this.pendingPeak) this.pendingPeak = this.pending.length;
    const batch: StampedBatch = this.pending;
    batch.sentAt = epochNow();
    this.pending = [];
    for (const tap of this.taps) {
      try {
        tap(batch);
      } catch {
        // The trading engine reports its own failures; a throw here must not stop the page's feed.
      }
    }
    for (const listener of this.listeners.values()) {
      try {
        listener(batch);
      } catch {
        // A listener that throws (a closed page) must not stop the others.
      }
    }
  }
}
