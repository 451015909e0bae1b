import { liveQuery, type Subscription } from 'dexie';
import type { DatasetSummary, JobProgress } from '../../research/api.js';
import type { Params, Strategy } from '../../research/backtest/types.js';
import { resolveStrategy } from '../../research/strategies/registry.js';
import type { StrategySpec } from '../../research/strategies/spec.js';
import { isTimeframe, timeframes } from '../../market/timeframes.js';
import { rulesOf } from '../../money/market-rules.js';
import type { LyraDb } from '../../store/db.js';
import { fail } from '../failures.js';
import type { MarketAccess } from '../market-link.js';
import type {
  StrategyComparison,
  StrategyRunListener,
  StrategyRunRequest,
  StrategyRunsApi,
  StrategyRunView,
} from './api.js';
import { HistoryDownloads, type HistoryRequest } from './history-download.js';
import { LiveRun, type RunSetup } from './live-run.js';
import { compareRun } from './run-comparison.js';
import { runFills } from './run-ledger.js';
import {
  defaultRunConfig,
  realTimers,
  type RunConfig,
  type RunTimers,
  type RunTrading,
} from './run-ports.js';
import { viewOf, type StoredRun } from './run-record.js';
import { RunStore } from './run-store.js';

export interface StrategyRunDeps {
  db: LyraDb;
  trading: RunTrading;
  market: MarketAccess;
  now?: () => number;
  newId?: () => string;
  timers?: RunTimers;
  /** Turns a spec into a strategy; the research registry unless a test brings its own. */
  resolve?: (spec: StrategySpec) => { strategy: Strategy; params: Params };
}

export interface StrategyServiceConfig extends RunConfig {
  /** How often this tab checks whether it leads (only the leader runs strategies). */
  leaderCheckMs: number;
}

const inMotion: ReadonlySet<StrategyRunView['status']> = new Set(['warming-up', 'running']);

/**
 * Live strategy runs, in the trading worker. Runs live in the `strategyRuns` table: any tab may start or
 * stop one (a row written), the leader tab runs them (it notices rows through a live query and resumes
 * what is stored after a reload), and every tab's page hears of each change through the same query.
 * Also downloads exchange history into research datasets.
 */
export class StrategyRunService implements StrategyRunsApi {
  private readonly store: RunStore;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly timers: RunTimers;
  private readonly config: StrategyServiceConfig;
  private readonly resolve: (spec: StrategySpec) => { strategy: Strategy; params: Params };
  private readonly downloads: HistoryDownloads;
  private readonly active = new Map<string, LiveRun>();
  private readonly listeners = new Map<number, StrategyRunListener>();
  private nextListener = 1;
  private watch: Subscription | null = null;
  private leaderTimer: unknown = null;
  private reconciling: Promise<void> | null = null;
  private reconcileAgain = false;
  private closed = false;

  constructor(
    private readonly deps: StrategyRunDeps,
    config: Partial<StrategyServiceConfig> = {},
  ) {
    this.store = new RunStore(deps.db);
    this.now = deps.now ?? Date.now;
    this.newId = deps.newId ?? (() => crypto.randomUUID());
    this.timers = deps.timers ?? realTimers;
    this.config = { ...defaultRunConfig, leaderCheckMs: 2000, ...config };
    this.resolve = deps.resolve ?? resolveStrategy;
    this.downloads = new HistoryDownloads({
      db: deps.db,
      market: deps.market,
      now: this.now,
      newId: this.newId,
    });
    this.watch = liveQuery(() => this.store.all()).subscribe({
      next: (runs) => {
        this.emit(runs);
        this.reconcile();
      },
      error: () => undefined,
    });
    this.checkLeadership();
  }

  // ---- the API ----

  async subscribe(listener: StrategyRunListener): Promise<number> {
    const id = this.nextListener++;
    this.listeners.set(id, listener);
    listener({ type: 'runs', runs: (await this.store.all()).map(viewOf).reverse() });
    return id;
  }

  async unsubscribe(id: number): Promise<void> {
    this.listeners.delete(id);
  }

  async start(request: StrategyRunRequest): Promise<{ id: string }> {
    const r = (request ?? {}) as Partial<StrategyRunRequest>;
    const { market } = this.deps;
    const exchange = market.exchangeId();
    if (!exchange) fail('offline', 'Connect to an exchange first: strategies trade on its market.');
    const info = market.markets().find((m) => m.symbol === r.symbol);
    if (!info)
      fail(
        'bad-symbol',
        `${String(r.symbol)} is not a market of this exchange. Pick a symbol from the list.`,
      );
    if (!isTimeframe(r.timeframe))
      fail(
        'invalid',
        `${String(r.timeframe)} is not a timeframe Lyra offers. Use one of ${timeframes.join(', ')}.`,
      );
    this.resolved(r.strategy as StrategySpec);
    const accounts = await this.deps.trading.tradingAccounts();
    const wanted = r.accountId ?? accounts.find((a) => a.active)?.id ?? 'paper';
    const account = accounts.find((a) => a.id === wanted);
    if (!account)
      fail(
        'not-found',
        `There is no trading account ${JSON.stringify(wanted)}. Pick Paper, or add the exchange account in Settings → Exchange accounts.`,
      );
    const rules = rulesOf(info);
    const runs = await this.store.all();
    const clash = runs.find(
      (x) => inMotion.has(x.status) && x.request.symbol === info.symbol && x.account?.id === account.id,
    );
    if (clash)
      fail(
        'conflict',
        `A strategy already runs on ${info.symbol} with ${account.label} (started ${new Date(clash.startedAt).toISOString()}): two would trade against each other's position. Stop it first, or pick another market or account.`,
      );
    const run: StoredRun = {
      id: this.newId(),
      request: {
        strategy: r.strategy as StrategySpec,
        symbol: info.symbol,
        timeframe: r.timeframe,
        accountId: account.id,
      },
      status: 'warming-up',
      reason: null,
      startedAt: this.now(),
      lastBar: null,
      barsSeen: 0,
      signals: [],
      orderIds: [],
      position: 0,
      account: { id: account.id, label: account.label },
      quote: rules.quote,
      startingEquity: null,
      firstLiveBar: null,
      notes: [],
      exchange,
      bars: null,
      outbox: null,
    };
    await this.store.put(run);
    this.reconcile();
    return { id: run.id };
  }

  async stop(id: string): Promise<void> {
    const { db } = this.deps;
    const found = await db.transaction('rw', db.strategyRuns, async () => {
      const run = await this.store.get(String(id));
      if (!run) return false;
      if (inMotion.has(run.status))
        await this.store.put({ ...run, status: 'stopped', reason: 'Stopped by you.', outbox: null });
      return true;
    });
    if (!found) fail('not-found', 'That strategy run is not stored on this device any more.');
    this.active.get(String(id))?.halt();
    this.active.delete(String(id));
  }

  async runs(): Promise<StrategyRunView[]> {
    return (await this.store.all()).map(viewOf).reverse();
  }

  async compare(id: string): Promise<StrategyComparison> {
    const run = await this.store.get(String(id));
    if (!run) fail('not-found', 'That strategy run is not stored on this device any more.');
    if (!run.bars || run.firstLiveBar == null)
      fail('not-ready', 'This run has not traded on a closed bar yet: compare it after its first live bar.');
    const { strategy, params } = this.resolved(run.request.strategy);
    const info = this.deps.market.markets().find((m) => m.symbol === run.request.symbol);
    if (!info)
      fail('bad-symbol', `${run.request.symbol} is not loaded yet: connect to the exchange and try again.`);
    const fills = runFills(await this.deps.db.orders.bulkGet(run.orderIds));
    return compareRun(run, strategy, params, rulesOf(info).taker.toNumber(), fills);
  }

  downloadHistory(
    request: HistoryRequest,
    jobId: string,
    onProgress?: (p: JobProgress) => void,
  ): Promise<DatasetSummary> {
    return this.downloads.download(request, jobId, onProgress);
  }

  async cancelDownload(jobId: string): Promise<void> {
    this.downloads.cancel(jobId);
  }

  // ---- running ----

  /** Resolves once no run is in the middle of a pass (tests; a clean shutdown). */
  async idle(): Promise<void> {
    while (this.reconciling) await this.reconciling;
    for (const run of this.active.values()) await run.idle();
    if (this.reconciling) await this.idle();
  }

  /** Stops every timer and query of this service (runs stay stored and resume with the next leader). */
  close(): void {
    this.closed = true;
    this.watch?.unsubscribe();
    this.watch = null;
    if (this.leaderTimer !== null) this.timers.clearTimeout(this.leaderTimer);
    for (const run of this.active.values()) run.halt();
    this.active.clear();
  }

  private checkLeadership(): void {
    if (this.closed) return;
    this.reconcile();
    this.leaderTimer = this.timers.setTimeout(() => this.checkLeadership(), this.config.leaderCheckMs);
  }

  private canRun(): boolean {
    const { trading, market } = this.deps;
    return !this.closed && trading.isLeader && market.exchangeId() !== null && market.markets().length > 0;
  }

  /** Makes the runs in motion here match the table: resume what should run, drop what was stopped. */
  private reconcile(): void {
    if (this.reconciling) {
      this.reconcileAgain = true;
      return;
    }
    this.reconciling = this.reconcileOnce()
      .catch(() => undefined)
      .finally(() => {
        this.reconciling = null;
        if (this.reconcileAgain) {
          this.reconcileAgain = false;
          this.reconcile();
        }
      });
  }

  private async reconcileOnce(): Promise<void> {
    if (!this.canRun()) return;
    for (const run of await this.store.all()) {
      const here = this.active.get(run.id);
      // A run of another exchange waits (not fails) until the app is back on its exchange.
      const elsewhere = run.exchange != null && run.exchange !== this.deps.market.exchangeId();
      if (!inMotion.has(run.status) || elsewhere) {
        here?.halt();
        this.active.delete(run.id);
        continue;
      }
      if (here) continue;
      const setup = await this.setupFor(run);
      if (!setup) continue;
      const live = new LiveRun(run, setup, {
        market: this.deps.market,
        trading: this.deps.trading,
        orders: (ids) => this.deps.db.orders.bulkGet([...ids]),
        save: (r) => this.save(r),
        now: this.now,
        timers: this.timers,
        config: this.config,
      });
      this.active.set(run.id, live);
      live.begin();
    }
  }

  /** The strategy and market of a stored run; one that no longer resolves fails with the reason. */
  private async setupFor(run: StoredRun): Promise<RunSetup | null> {
    const info = this.deps.market.markets().find((m) => m.symbol === run.request.symbol);
    try {
      if (!info) throw new Error(`${run.request.symbol} is not a market of this exchange any more`);
      const { strategy, params } = this.resolved(run.request.strategy);
      return { strategy, params, rules: rulesOf(info) };
    } catch (e) {
      const message =
        typeof (e as { message?: unknown }).message === 'string' ? (e as Error).message : String(e);
      await this.save({ ...run, status: 'failed', reason: `Could not resume: ${message}` });
      return null;
    }
  }

  /** Writes a runner's state unless the stored run was stopped meanwhile (in any tab). */
  private async save(run: StoredRun): Promise<boolean> {
    const { db } = this.deps;
    return db.transaction('rw', db.strategyRuns, async () => {
      const stored = await this.store.get(run.id);
      if (stored && !inMotion.has(stored.status)) return false;
      await this.store.put(run);
      return true;
    });
  }

  private resolved(spec: StrategySpec): { strategy: Strategy; params: Params } {
    if (spec === null || typeof spec !== 'object')
      fail('invalid', 'Choose a strategy: a built-in one or a rule set.');
    try {
      return this.resolve(spec);
    } catch (e) {
      const field = (e as { field?: unknown }).field;
      fail(
        'invalid',
        e instanceof Error ? e.message : String(e),
        typeof field === 'string' ? { field } : undefined,
      );
    }
  }

  private emit(runs: StoredRun[]): void {
    if (this.listeners.size === 0) return;
    const views = runs.map(viewOf).reverse();
    for (const listener of this.listeners.values()) {
      try {
        listener({ type: 'runs', runs: views });
      } catch {
        // A closed page must not stop the others.
      }
    }
  }
}
