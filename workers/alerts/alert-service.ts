import type { MarketEvent } from '../market/events.js';
import { timeframeMs } from '../market/timeframes.js';
import { EngineFailure, engineError } from '../shared/errors.js';
import type { LyraDb } from '../store/db.js';
import type { TradingListener } from '../trading/api.js';
import type { MarketAccess } from '../trading/market-link.js';
import { invalidAlert, missingAlert, patched, specOfDraft } from './alert-drafts.js';
import { AlertPolling, type PollingConfig } from './alert-polling.js';
import { keepSwitchedOff, mergeState, signatureOf } from './alert-service-state.js';
import { AlertStore, joinState, rowOf } from './alert-store.js';
import { sortViews, viewOf } from './alert-views.js';
import type {
  AlertDraft,
  AlertEvent,
  AlertListener,
  AlertPatch,
  AlertView,
  HistoryPage,
  HistoryQuery,
  RemovedAlert,
} from './api.js';
import { AlertEvaluator } from './evaluator.js';
import type { EvaluatorState } from './evaluator-state.js';
import { Liveness } from './liveness.js';
import { MarketObserver } from './market-observer.js';
import type { AlertFiringRow } from './rows.js';
import { TradingObserver } from './trading-observer.js';
import { CorrelationWatch, type CorrelationSource } from './correlation-watch.js';
import type { AlertFiring, AlertSpec } from './types.js';
import { validateAlert } from './validate-alert.js';

/** What tabs tell each other: an alert changed in the database, or the evaluating tab fired one. */
export type AlertBroadcast = { type: 'changed' } | { type: 'fired'; firing: AlertFiringRow };

export interface BroadcastLike {
  postMessage(message: AlertBroadcast): void;
  onmessage: ((event: { data: unknown }) => void) | null;
}

export interface AlertServiceConfig extends PollingConfig {
  /** How often due polls start and snoozes are checked. */
  tickMs: number;
  /** The crossing state is stored this often while data flows (default 30 s; firings store it at once, so
   * only re-arms wait, and backups of the alerts table are not kept busy). */
  persistMs: number;
}

export interface AlertServiceDeps {
  db: LyraDb;
  market: MarketAccess;
  trading?: { subscribe(listener: TradingListener): number; unsubscribe(id: number): void } | null;
  online?: () => boolean;
  now?: () => number;
  newId?: () => string;
  /** Other tabs of the app (a BroadcastChannel); null in tests of one tab. */
  channel?: BroadcastLike | null;
  config?: Partial<AlertServiceConfig>;
  /** The portfolio's correlations, for correlation-shock alerts; none in tests that do not need them. */
  correlations?: CorrelationSource | null;
}

/**
 * Alerts as a feature: stored rules, evaluated on what the engine observes, firings recorded and told
 * to the page. Every tab keeps the list; only the tab that leads (see `lead`) evaluates, so one
 * crossing is one firing however many tabs are open. Writes go through one queue in order.
 */
export class AlertService {
  private evaluator = new AlertEvaluator();
  private readonly store: AlertStore;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly liveness = new Liveness();
  private readonly marketObserver: MarketObserver;
  private readonly tradingObserver: TradingObserver;
  private readonly polling: AlertPolling;
  private readonly correlation: CorrelationWatch | null;
  private readonly config: Partial<AlertServiceConfig>;
  private readonly listeners = new Map<number, AlertListener>();
  private nextListener = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private leading = false;
  private leadStarted = false;
  private dirty = false;
  /** Firings evaluated but not stored yet: they go with the next commit of the state they produced. */
  private unsaved: AlertFiringRow[] = [];
  private signature = '';
  private values = '';
  private cleanups: Array<() => void> = [];
  private ticker: ReturnType<typeof setInterval> | null = null;
  readonly ready: Promise<void>;

  constructor(private readonly deps: AlertServiceDeps) {
    this.store = new AlertStore(deps.db);
    this.now = deps.now ?? Date.now;
    this.newId = deps.newId ?? (() => crypto.randomUUID());
    this.config = deps.config ?? {};
    this.marketObserver = new MarketObserver(this.liveness, this.now);
    this.tradingObserver = new TradingObserver(this.liveness);
    this.polling = new AlertPolling(
      deps.market,
      {
        trades: (symbol, trades) => {
          const now = this.now();
          const sorted = [...trades].sort((a, b) => a.time - b.time);
          const out: AlertFiring[] = [];
          for (const t of sorted)
            out.push(...this.marketObserver.price(this.evaluator, symbol, t.time, t.price, now));
          this.evaluated(out);
        },
        candles: (symbol, timeframe, candles) => {
          // A candle is news when it closes, not when it opens: one spanning a reconnect is live.
          const last = (candles.time[candles.time.length - 1] as number) + timeframeMs[timeframe];
          const opts = this.liveness.options(last, this.now());
          this.evaluated(this.evaluator.candleClosed(symbol, timeframe, candles, opts));
        },
        failed: (offline) => {
          if (offline) this.liveness.setDown();
        },
        succeeded: () => this.liveness.setUp(this.now()),
      },
      this.now,
      this.config,
    );
    this.correlation = deps.correlations
      ? new CorrelationWatch(deps.correlations, (pairs, time) =>
          this.evaluated(
            this.evaluator.risk(
              { kind: 'correlation-shock', time, pairs },
              this.liveness.options(time, this.now()),
            ),
          ),
        )
      : null;
    if (deps.channel) deps.channel.onmessage = (e) => this.onBroadcast(e.data);
    this.ready = this.serial(() => this.reload());
    this.startTicking();
  }

  /** Every tab ticks, leading or not, so its list shows a snooze ending when it ends. */
  private startTicking(): void {
    this.ticker ??= setInterval(() => void this.tick(), this.config.tickMs ?? 1000);
  }

  /**
   * This tab evaluates from now on: it reads the state the previous leader stored, then listens to the
   * market and trading engines and polls.
   */
  lead(): Promise<void> {
    if (this.leadStarted) return this.settled();
    this.leadStarted = true;
    this.startTicking();
    return this.serial(async () => {
      await this.reload();
      if (this.leadStarted) this.listen();
    });
  }

  private listen(): void {
    this.leading = true;
    const { market, trading } = this.deps;
    this.cleanups.push(market.listen((events) => this.onMarket(events)));
    if (trading) {
      const id = trading.subscribe((e) => {
        if (e.type === 'snapshot')
          this.evaluated(this.tradingObserver.observe(this.evaluator, e.snapshot, this.now()));
      });
      this.cleanups.push(() => trading.unsubscribe(id));
    }
    const persist = setInterval(() => void this.persistIfDirty(), this.config.persistMs ?? 30_000);
    this.cleanups.push(() => clearInterval(persist));
  }

  /** Stops evaluating and ticking, and stores the crossing state. */
  async stop(): Promise<void> {
    for (const c of this.cleanups.splice(0)) c();
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = null;
    this.leading = false;
    this.leadStarted = false;
    await this.persistIfDirty();
  }

  /** A 'changed' event when a snooze ended; due polls in the leading tab. Exposed for tests. */
  async tick(): Promise<void> {
    // Once a tick, last values count as a change too: the list shows them without a message per trade.
    this.emitIfChanged(true);
    if (!this.leading) return;
    await this.polling.tick(this.evaluator.alerts(), this.deps.online?.() ?? true);
    await this.correlation?.tick(this.evaluator.alerts(), this.now());
  }

  /** Resolves once every queued write (firings, state, edits) is done. */
  async settled(): Promise<void> {
    await this.queue;
  }

  // ---- the API ----

  list(): AlertView[] {
    const now = this.now();
    return sortViews(this.evaluator.alerts().map((s) => viewOf(s, this.evaluator.stateOf(s.id), now)));
  }

  create(draft: AlertDraft): Promise<AlertView> {
    return this.serial(async () => {
      const now = this.now();
      const r = validateAlert(specOfDraft(draft, this.newId(), now), {
        symbols: this.deps.market.markets().map((m) => m.symbol),
      });
      if (!r.ok) throw invalidAlert(r.problems);
      await this.store.put(rowOf(r.spec, null, now));
      this.evaluator.upsert(r.spec);
      this.changed();
      return this.viewFor(r.spec.id);
    });
  }

  update(id: string, patch: AlertPatch): Promise<AlertView> {
    return this.serial(async () => {
      const row = await this.store.get(String(id));
      if (!row) throw missingAlert(id);
      const r = validateAlert(patched(row.spec, (patch ?? {}) as Record<string, unknown>), {
        symbols: null,
      });
      if (!r.ok) throw invalidAlert(r.problems);
      await this.store.putSpec(r.spec, this.now());
      this.evaluator.upsert(r.spec);
      this.changed();
      return this.viewFor(r.spec.id);
    });
  }

  remove(id: string): Promise<RemovedAlert> {
    return this.serial(async () => {
      const row = await this.store.remove(String(id));
      if (!row) throw missingAlert(id);
      const state = this.evaluator.stateOf(row.id) ?? row.state;
      this.evaluator.remove(row.id);
      this.changed();
      return { spec: row.spec, state: state ?? null };
    });
  }

  restore(removed: RemovedAlert): Promise<AlertView> {
    return this.serial(async () => {
      const r = validateAlert(removed?.spec, { symbols: null });
      if (!r.ok) throw invalidAlert(r.problems);
      if (await this.store.get(r.spec.id))
        throw new EngineFailure(
          engineError('alert-exists', `The alert "${r.spec.name}" is already there; nothing to undo.`),
        );
      const merged = this.evaluator.toJSON();
      if (removed.state && typeof removed.state === 'object')
        merged.alerts[r.spec.id] = removed.state as EvaluatorState['alerts'][string];
      const specs = [...this.evaluator.alerts(), r.spec];
      this.evaluator = new AlertEvaluator(specs, { state: merged });
      await this.store.put(rowOf(r.spec, this.evaluator.toJSON(), this.now()));
      this.changed();
      return this.viewFor(r.spec.id);
    });
  }

  history(query?: HistoryQuery): Promise<HistoryPage> {
    return this.store.history(query ?? {});
  }

  clearHistory(alertId?: string | null): Promise<number> {
    return this.serial(async () => {
      const n = await this.store.clearHistory(alertId ?? null);
      this.changed();
      return n;
    });
  }

  async currentPrice(symbol: string): Promise<number | null> {
    const known = this.marketObserver.prices.get(symbol);
    if (known) return known.price;
    const mark = this.deps.market.markets().find((m) => m.symbol === symbol);
    if (!mark) return null;
    try {
      const trades = await this.deps.market.fetchTrades(symbol, 1);
      return trades[trades.length - 1]?.price ?? null;
    } catch {
      return null;
    }
  }

  subscribe(listener: AlertListener): number {
    const id = this.nextListener++;
    this.listeners.set(id, listener);
    return id;
  }

  unsubscribe(id: number): void {
    this.listeners.delete(id);
  }

  // ---- evaluation ----

  private onMarket(events: MarketEvent[]): void {
    this.evaluated(this.marketObserver.observe(this.evaluator, events));
  }

  /** After each evaluation: firings are stored with the state in one transaction, then told. */
  private evaluated(firings: AlertFiring[]): void {
    this.dirty = true;
    if (firings.length === 0) {
      this.emitIfChanged();
      return;
    }
    const firedAt = this.now();
    this.unsaved.push(...firings.map((f) => ({ ...f, id: this.newId(), firedAt })));
    void this.serial(() => this.save()).catch((e) => console.error('Alerts: could not store a firing', e));
  }

  private async persistIfDirty(): Promise<void> {
    if (!this.dirty && this.unsaved.length === 0) return;
    await this.serial(() => this.save()).catch((e) =>
      console.error('Alerts: could not store the alert state', e),
    );
  }

  /**
   * Stores the state with every firing that produced it, in one transaction. A state that says "fired"
   * is never stored without its firing: when the commit fails the firings wait for the next one.
   */
  private async save(share = false): Promise<void> {
    const rows = this.unsaved.splice(0);
    this.dirty = false;
    let written: number;
    try {
      written = await this.store.commit(rows, this.evaluator.toJSON(), this.now());
    } catch (e) {
      // New ids: a clash with a stored firing would fail the retry the same way.
      this.unsaved.unshift(...rows.map((r) => ({ ...r, id: this.newId() })));
      this.dirty = true;
      throw e;
    }
    for (const firing of rows) {
      this.emit({ type: 'fired', firing });
      this.deps.channel?.postMessage({ type: 'fired', firing });
    }
    if (rows.length > 0) this.changed();
    else if (share && written > 0) this.deps.channel?.postMessage({ type: 'changed' });
  }

  // ---- tabs, listeners ----

  /**
   * Rebuilds from the database. The leading tab keeps its own state for the alerts it knows, and
   * one-shot alerts it switched off whose firing is not stored yet stay off.
   */
  private async reload(): Promise<void> {
    const rows = await this.store.all();
    const stored = joinState(rows);
    const state = this.leading ? mergeState(stored, this.evaluator.toJSON()) : stored;
    const specs: AlertSpec[] = [];
    for (const row of rows) {
      const r = validateAlert(row.spec, { symbols: null });
      if (r.ok) specs.push(r.spec);
    }
    this.evaluator = new AlertEvaluator(keepSwitchedOff(specs, this.unsaved), { state });
  }

  private onBroadcast(data: unknown): void {
    const msg = data as AlertBroadcast | null;
    if (!msg || typeof msg !== 'object') return;
    if (msg.type === 'fired' && !this.leading) this.emit({ type: 'fired', firing: msg.firing });
    void this.serial(() => this.reload()).then(() => this.emitChanged());
  }

  private changed(): void {
    this.deps.channel?.postMessage({ type: 'changed' });
    this.emitChanged();
  }

  private emitChanged(): void {
    const alerts = this.list();
    this.signature = signatureOf(alerts);
    this.emit({ type: 'changed', alerts });
  }

  private emitIfChanged(withValues = false): void {
    if (this.listeners.size === 0 && !this.leading) return;
    const alerts = this.list();
    const sig = signatureOf(alerts);
    // A re-arm (or any status change) is stored and told at once, so other tabs' lists follow.
    if (this.leading && sig !== this.signature)
      void this.serial(() => this.save(true)).catch((e) =>
        console.error('Alerts: could not store the alert state', e),
      );
    const values = alerts.map((v) => v.lastValue).join('|');
    if (withValues && values !== this.values) {
      this.values = values;
      this.signature = sig;
      this.emit({ type: 'changed', alerts });
      return;
    }
    if (sig === this.signature) return;
    this.signature = sig;
    this.emit({ type: 'changed', alerts });
  }

  private emit(event: AlertEvent): void {
    for (const l of this.listeners.values()) {
      try {
        l(event);
      } catch (e) {
        console.error('Alerts: a listener failed', e);
      }
    }
  }

  private viewFor(id: string): AlertView {
    const view = this.list().find((v) => v.spec.id === id);
    if (!view) throw missingAlert(id);
    return view;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
