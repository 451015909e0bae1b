import type { Connection, FeedStatus } from '../market/events.js';
import type { MarketProbe } from '../market/market-probe.js';
import type { TradingProbe } from '../trading/trading-service.js';
import type { MonitorListener, MonitorSnapshot, QueueDepth } from './api.js';
import { FeedCounters } from './feed-counters.js';
import { LogHistogram } from './histogram.js';
import { LoopLag, type LagClock } from './loop-lag.js';

/** What the monitor reads from the engine: narrow, so tests hand it plain objects. */
export interface MonitoredMarket {
  observe(probe: MarketProbe): void;
  currentStatus(): FeedStatus;
  pendingDepth(): QueueDepth;
}

export interface MonitoredTrading {
  observe(probe: TradingProbe): void;
  queueDepth(): QueueDepth;
}

export interface MonitorDeps {
  market: MonitoredMarket;
  trading: MonitoredTrading;
  now?: () => number;
  periodMs?: number;
  lagClock?: LagClock;
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

/**
 * Collects the engine's health figures from the moment the worker starts (counters are cheap), and sends
 * snapshots about once a second only while someone listens; with no listener, no timer runs.
 */
export class EngineMonitor {
  readonly feeds: FeedCounters;
  readonly roundTrip = new LogHistogram();
  private readonly loopLag: LoopLag;
  private readonly listeners = new Map<number, MonitorListener>();
  private nextId = 1;
  private timer: unknown = null;
  private readonly now: () => number;

  constructor(private readonly deps: MonitorDeps) {
    this.now = deps.now ?? Date.now;
    this.feeds = new FeedCounters(this.now);
    this.loopLag = new LoopLag(250, deps.lagClock);
    deps.market.observe(this.feeds);
    deps.trading.observe({ orderAcknowledged: (_venue, ms) => this.roundTrip.record(ms) });
  }

  get listening(): number {
    return this.listeners.size;
  }

  snapshot(): MonitorSnapshot {
    const { market, trading } = this.deps;
    const status = market.currentStatus();
    const feed = status.exchange === '' ? null : status;
    const connectionOf = (exchange: string): Connection =>
      feed && feed.exchange === exchange ? feed.connection : 'connecting';
    return {
      at: this.now(),
      feed,
      feeds: this.feeds.snapshot(connectionOf),
      orderRoundTrip: this.roundTrip.snapshot(),
      tradingQueue: trading.queueDepth(),
      marketPending: market.pendingDepth(),
      loopLag: this.loopLag.snapshot(),
    };
  }

  subscribe(listener: MonitorListener): number {
    const id = this.nextId++;
    this.listeners.set(id, listener);
    if (this.timer === null) {
      this.loopLag.start();
      const every = this.deps.setInterval ?? ((fn, ms) => setInterval(fn, ms));
      this.timer = every(() => this.publish(), this.deps.periodMs ?? 1000);
    }
    this.deliver(listener, this.snapshot(), id);
    return id;
  }

  unsubscribe(id: number): void {
    this.listeners.delete(id);
    if (this.listeners.size === 0) this.stop();
  }

  stop(): void {
    if (this.timer !== null) {
      const clear =
        this.deps.clearInterval ?? ((h: unknown) => clearInterval(h as ReturnType<typeof setInterval>));
      clear(this.timer);
    }
    this.timer = null;
    this.loopLag.stop();
  }

  private publish(): void {
    if (this.listeners.size === 0) return this.stop();
    const snapshot = this.snapshot();
    for (const [id, listener] of this.listeners) this.deliver(listener, snapshot, id);
  }

  /** A listener that throws (its page closed) is dropped; the others go on. */
  private deliver(listener: MonitorListener, snapshot: MonitorSnapshot, id?: number): void {
    try {
      const pending = listener(snapshot) as unknown;
      if (pending instanceof Promise) pending.catch(() => id !== undefined && this.unsubscribe(id));
    } catch {
      if (id !== undefined) this.unsubscribe(id);
    }
  }
}
