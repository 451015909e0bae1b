import type { MarketEvent } from '../market/events.js';
import { Decimal } from '../money/decimal.js';
import { rulesOf } from '../money/market-rules.js';
import { EngineFailure, engineError } from '../shared/errors.js';
import type {
  AuditFilter,
  OrderPreview,
  PaperSettings,
  PlaceRequest,
  SizingRequest,
  SizingResult,
  TradingEvent,
  TradingListener,
  TradingSnapshot,
} from './api.js';
import { AlgoRunner } from './algo-runner.js';
import { asError, fail } from './failures.js';
import type { LeaderLink } from './leadership.js';
import { MarketLink, type HeldBook, type MarketAccess } from './market-link.js';
import { OrderIntake } from './order-intake.js';
import {
  describeBalances,
  newPaperAccount,
  readPaperSettings,
  resetPaperAccount,
  startingBreaker,
} from './paper-account.js';
import { LiveDesk } from './live/live-desk.js';
import { LiveSession, liveOpenError } from './live/live-session.js';
import { PaperWatch } from './paper-watch.js';
import { RiskControls } from './risk-controls.js';
import type { BreakerState } from './risk/breakers.js';
import { defaultRiskLimits, parseRiskLimits, type RiskLimits } from './risk/limits.js';
import { sizeOrder } from './sizing/sizing-request.js';
import type { TradingContext } from './trading-context.js';
import { TradingState, breakerKey, limitsKey } from './trading-state.js';
import type { TradingChanges, TradingStore } from './trading-store.js';
import type { AuditEntry, AuditKind, OrderRecord, PaperAccount } from './types.js';
import type { AccountSummary, CredentialSource, VaultStatus } from '../vault/api.js';
import type { TradingAccountChoice } from './api.js';
import { equity, knownEquity } from './valuation.js';
import { collectDivergence } from './twin/divergence-inputs.js';
import type { DivergenceReport } from './twin/divergence-report.js';
import { PaperTwin } from './twin/paper-twin.js';
import { MemoryTwinStore, type TwinStore } from './twin/twin-store.js';
import type { AccountEvents, TradingPort } from './portfolio/ports.js';
import type { Mark } from './market-link.js';

export interface TradingDeps {
  store: TradingStore;
  market: MarketAccess;
  link: LeaderLink;
  now?: () => number;
  newId?: () => string;
  /** Live trading: the vault's credentials and accounts, and the app's origin (relay, sandbox). */
  live?: {
    credentials: CredentialSource;
    accounts(): Promise<AccountSummary[]>;
    origin: string;
  };
  /** Where live orders' paper twins are kept (the `twins` table); in memory when not given. */
  twins?: TwinStore;
}

/** Which account the engine trades on, the same in every tab. */
const activeAccountKey = 'active-account';
const paperIdOf = (exchange: string) => `paper:${exchange}`;
const liveIdOf = (vaultId: string) => `live:${vaultId}`;

/** Where the trading engine reports its timings, for the monitor. Calls must be cheap. */
export interface TradingProbe {
  /** An order's first acknowledgement: from the paper matcher, or the exchange's reply to the send. */
  orderAcknowledged(venue: 'paper' | 'live', ms: number): void;
}

export interface TradingConfig {
  tickMs: number;
  /** Symbols with resting orders that the page is not streaming are polled this often. */
  pollMs: number;
  /** A streamed book older than this is refreshed over REST before a market order uses it. */
  bookFreshMs: number;
  publishMs: number;
}

const defaultConfig: TradingConfig = { tickMs: 250, pollMs: 2000, bookFreshMs: 3000, publishMs: 100 };

function randomId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `ly${[...bytes].map((b) => (b % 36).toString(36)).join('')}${Date.now().toString(36).slice(-6)}`;
}

const validId = /^[A-Za-z0-9_-]{6,40}$/;

/**
 * The trading engine. Every state change runs through one queue, in order, and is written with its audit
 * entries in one IndexedDB transaction before anything acts on it. The leader tab runs paper matching,
 * emulated orders, algos and breakers; other tabs forward calls to it and reload what it stored.
 */
export class TradingService implements TradingPort {
  /** The portfolio listens here to record equity and deposits; set once both exist. */
  accountEvents: AccountEvents | null = null;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly config: TradingConfig;
  private readonly link: MarketLink;
  private readonly state = new TradingState();
  private readonly desk: LiveDesk;
  private readonly session: LiveSession | null;
  private readonly watch: PaperWatch;
  private readonly algos: AlgoRunner;
  private readonly intake: OrderIntake;
  private readonly controls: RiskControls;
  private readonly twinStore: TwinStore;
  private readonly twins: PaperTwin;
  private queue: Promise<unknown> = Promise.resolve();
  /** Work waiting in (or running at the head of) the queue; the peak since the monitor last asked. */
  private queued = 0;
  private queuedPeak = 0;
  private listeners = new Map<number, TradingListener>();
  private nextListener = 1;
  private timers: Array<ReturnType<typeof setInterval>> = [];
  private publishTimer: ReturnType<typeof setTimeout> | null = null;
  private started = false;
  private ticking = false;
  private unlisten: (() => void) | null = null;

  constructor(
    private readonly deps: TradingDeps,
    config: Partial<TradingConfig> = {},
  ) {
    this.now = deps.now ?? Date.now;
    this.newId = deps.newId ?? randomId;
    this.config = { ...defaultConfig, ...config };
    this.link = new MarketLink(this.now);
    const ctx: TradingContext = {
      state: this.state,
      link: this.link,
      market: deps.market,
      store: deps.store,
      now: this.now,
      newId: this.newId,
      write: (changes) => this.write(changes),
      entry: (kind, order, rule, message, details) => this.entry(kind, order, rule, message, details),
      notice: (level, message) => this.notice(level, message),
      publish: () => this.publish(),
      bookFor: (symbol) => this.bookFor(symbol),
      refreshRules: () => this.refreshRules(),
    };
    this.desk = new LiveDesk(ctx);
    this.session = deps.live
      ? new LiveSession(ctx, this.desk, {
          credentials: deps.live.credentials,
          origin: deps.live.origin,
          serial: (work) => this.serial(work),
        })
      : null;
    this.algos = new AlgoRunner(ctx, this.desk);
    this.watch = new PaperWatch(ctx, this.desk, this.algos, this.config.pollMs);
    this.intake = new OrderIntake(ctx, this.desk, this.algos);
    this.controls = new RiskControls(ctx, this.desk, this.algos, this.intake);
    // Paper twins of live orders: the desk starts and ends them, the market and the tick move them.
    this.twinStore = deps.twins ?? new MemoryTwinStore();
    this.twins = new PaperTwin(ctx, this.twinStore, { pollMs: this.config.pollMs });
    this.desk.twins = this.twins;
  }

  /** The monitor times order round trips from here on. */
  observe(probe: TradingProbe): void {
    this.desk.onAcknowledged = (venue, ms) => probe.orderAcknowledged(venue, ms);
  }

  /** Calls in the one ordered queue now, and the most since the previous call (the monitor is the one reader). */
  queueDepth(): { depth: number; peak: number } {
    const depth = this.queued;
    const peak = Math.max(this.queuedPeak, depth);
    this.queuedPeak = depth;
    return { depth, peak };
  }

  get isLeader(): boolean {
    return this.deps.link.isLeader;
  }

  /** Loads the account for the market engine's exchange; the leader then starts matching. */
  async start(exchange: string): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.state.exchange = exchange;
    this.state.accountId = await this.storedAccountId(exchange);
    this.refreshRules();
    this.unlisten = this.deps.market.listen((events) => this.onMarket(events));
    this.deps.link.onChanged(() => {
      if (!this.isLeader)
        void this.serial(async () => {
          this.state.accountId = await this.storedAccountId(exchange);
          await this.reload();
        });
    });
    await this.serial(() => this.reload());
  }

  /** Called once this tab holds the leader lock: resume everything stored, then run. */
  async lead(): Promise<void> {
    this.deps.link.serve((method, args) => this.dispatch(method, args));
    await this.serial(async () => {
      await this.reload();
      await this.twins.resume();
      if (this.state.accountId.startsWith('live:')) await this.connectLive(false);
      else await this.ensureAccount();
    });
    this.timers.push(setInterval(() => void this.tick(), this.config.tickMs));
    this.publish();
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.unlisten?.();
    void this.session?.close();
  }

  // ---- the API ----

  subscribe(listener: TradingListener): number {
    const id = this.nextListener++;
    this.listeners.set(id, listener);
    listener({ type: 'snapshot', snapshot: this.snapshot() });
    return id;
  }

  unsubscribe(id: number): void {
    this.listeners.delete(id);
  }

  preview(request: PlaceRequest): Promise<OrderPreview> {
    return this.serial(() => this.intake.preview(request));
  }

  place(request: PlaceRequest, clientOrderId?: string): Promise<{ id: string }> {
    const id =
      typeof clientOrderId === 'string' && validId.test(clientOrderId) ? clientOrderId : this.newId();
    return this.leaderCall('place', [request, id], () =>
      this.withAccount(() => this.intake.place(request, id)),
    );
  }

  cancel(orderId: string): Promise<void> {
    return this.leaderCall('cancel', [orderId], () => this.desk.cancel(String(orderId), 'Cancelled by you.'));
  }

  amend(orderId: string, change: { price?: string; amount?: string }): Promise<void> {
    return this.leaderCall('amend', [orderId, change], () =>
      this.intake.amend(String(orderId), change ?? {}),
    );
  }

  closePosition(symbol: string): Promise<void> {
    return this.leaderCall('closePosition', [symbol], () => this.intake.close(String(symbol), 'close'));
  }

  pauseAlgo(id: string): Promise<void> {
    return this.leaderCall('pauseAlgo', [id], () =>
      this.algos.setStatus(String(id), 'paused', 'Paused by you.'),
    );
  }

  resumeAlgo(id: string): Promise<void> {
    return this.leaderCall('resumeAlgo', [id], () => this.algos.setStatus(String(id), 'running', null));
  }

  cancelAlgo(id: string): Promise<void> {
    return this.leaderCall('cancelAlgo', [id], () =>
      this.algos.setStatus(String(id), 'cancelled', 'Cancelled by you.'),
    );
  }

  killSwitch(options: { flatten: boolean }): Promise<void> {
    return this.leaderCall('killSwitch', [options], () =>
      this.withAccount(() => this.controls.kill(options?.flatten === true)),
    );
  }

  rearm(): Promise<void> {
    return this.leaderCall('rearm', [], () => this.controls.rearm());
  }

  setLimits(input: unknown): Promise<RiskLimits> {
    return this.leaderCall('setLimits', [input], () => this.controls.setLimits(input)) as Promise<RiskLimits>;
  }

  configurePaper(settings: PaperSettings): Promise<void> {
    return this.leaderCall('configurePaper', [settings], () =>
      this.withAccount(() => this.configureNow(settings, false)),
    );
  }

  resetPaper(): Promise<void> {
    return this.leaderCall('resetPaper', [], () => this.withAccount(() => this.configureNow(null, true)));
  }

  async tradingAccounts(): Promise<TradingAccountChoice[]> {
    const vault = (await this.deps.live?.accounts().catch(() => [])) ?? [];
    const active = this.state.accountId;
    return [
      {
        id: 'paper',
        label: `Paper (${this.state.exchange})`,
        kind: 'paper',
        venue: 'paper',
        active: active === paperIdOf(this.state.exchange),
      },
      ...vault
        .filter((a) => a.exchange === this.state.exchange)
        .map((a) => ({
          id: a.id,
          label: a.label,
          kind: 'live' as const,
          venue: a.venue,
          active: active === liveIdOf(a.id),
        })),
    ];
  }

  useAccount(id: string): Promise<void> {
    return this.leaderCall('useAccount', [id], () => this.switchAccount(String(id)));
  }

  /** The vault changed: a lock drops the live connection (and the secret with it); an unlock restores it. */
  vaultChanged(status: VaultStatus): void {
    if (!this.session || !this.isLeader) return;
    void this.serial(async () => {
      if (status.state !== 'unlocked' && this.session!.active) {
        await this.session!.close();
        this.notice('warn', 'The vault locked: live trading is paused until you unlock it.');
        this.publish();
      } else if (
        status.state === 'unlocked' &&
        !this.session!.active &&
        this.state.accountId.startsWith('live:')
      )
        await this.connectLive(false);
    });
  }

  async audit(filter: AuditFilter): Promise<AuditEntry[]> {
    return this.deps.store.audit(filter ?? {});
  }

  size(request: SizingRequest): Promise<SizingResult> {
    return this.serial(async () => {
      const rules = this.state.rules.get(request?.symbol);
      if (!rules) return { amount: null, explanation: '', warnings: [], error: 'Choose a market first.' };
      return sizeOrder(request, {
        rules,
        equity: equity(this.state.account, this.link),
        closedTrades: this.state.closedTrades,
        positions: [...this.state.positions.values()],
        mark: (s) => this.link.mark(s)?.price ?? null,
        candles: (symbol) => this.deps.market.fetchCandles(symbol, '1h', undefined, 200),
      });
    });
  }

  /** Live fills against their paper twins, per order and overall, for the account in use. */
  divergence(): Promise<DivergenceReport> {
    return this.serial(async () =>
      collectDivergence(await this.twins.recent(this.state.accountId), this.state, {
        order: (id) => this.deps.store.getOrder(id),
        fills: (ids) => this.twinStore.fillsOf(ids),
      }),
    );
  }

  // ---- what the portfolio reads ----

  liveMark(symbol: string): Mark | null {
    const mark = this.link.mark(symbol);
    // Offline, what the market link holds came from storage or from before the drop: not live.
    return mark && !this.link.feedLive ? { ...mark, replayed: true } : mark;
  }

  activeAccountId(): string {
    return this.state.accountId;
  }

  breakerState(): BreakerState | null {
    return this.state.breaker;
  }

  /** The portfolio's bookkeeping must never fail a trade or a reset: a failure becomes a notice. */
  private async tell(work: (events: AccountEvents) => Promise<void> | void): Promise<void> {
    if (!this.accountEvents) return;
    try {
      await work(this.accountEvents);
    } catch (e) {
      this.notice('warn', `Portfolio history not updated: ${asError(e).message}`);
    }
  }

  // ---- leader / follower plumbing ----

  private dispatch(method: string, args: unknown[]): Promise<unknown> {
    const calls: Record<string, (...a: never[]) => Promise<unknown>> = {
      place: (r: PlaceRequest, id: string) => this.place(r, id),
      cancel: (id: string) => this.cancel(id),
      amend: (id: string, c: { price?: string; amount?: string }) => this.amend(id, c),
      closePosition: (s: string) => this.closePosition(s),
      pauseAlgo: (id: string) => this.pauseAlgo(id),
      resumeAlgo: (id: string) => this.resumeAlgo(id),
      cancelAlgo: (id: string) => this.cancelAlgo(id),
      killSwitch: (o: { flatten: boolean }) => this.killSwitch(o),
      rearm: () => this.rearm(),
      setLimits: (i: unknown) => this.setLimits(i),
      configurePaper: (s: PaperSettings) => this.configurePaper(s),
      useAccount: (id: string) => this.useAccount(id),
      resetPaper: () => this.resetPaper(),
    };
    const call = calls[method];
    if (!call) return Promise.reject(engineError('bad-call', `Unknown trading call ${method}`));
    // Errors cross the BroadcastChannel as plain data.
    return (call as (...a: unknown[]) => Promise<unknown>)(...args).catch((e: unknown) => {
      throw asError(e);
    });
  }

  private leaderCall<T>(method: string, args: unknown[], here: () => Promise<T>): Promise<T> {
    if (this.isLeader) return this.serial(here);
    return this.deps.link.call(method, args) as Promise<T>;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    if (++this.queued > this.queuedPeak) this.queuedPeak = this.queued;
    const run = this.queue.then(work);
    const settled = run.then(
      () => void this.queued--,
      () => void this.queued--,
    );
    this.queue = settled;
    return run;
  }

  private async reload(): Promise<void> {
    const { state } = this;
    const loaded = await this.deps.store.load(state.accountId);
    state.load(loaded, (o) =>
      this.notice(
        'error',
        `A damaged order record (${String((o as { id?: unknown }).id).slice(0, 40)}) was found in this device's storage and is ignored: it will not be matched or sent.`,
      ),
    );
    state.breaker = (await this.deps.store.getState<BreakerState>(breakerKey(state.accountId))) ?? null;
    const saved = await this.deps.store.getState<unknown>(limitsKey);
    const parsed = saved === undefined ? null : parseRiskLimits(saved);
    state.limits = parsed?.ok ? parsed.limits : { ...defaultRiskLimits };
    this.publish();
  }

  private async storedAccountId(exchange: string): Promise<string> {
    const stored = await this.deps.store.getState<unknown>(activeAccountKey);
    return typeof stored === 'string' && stored.startsWith('live:') && this.session
      ? stored
      : paperIdOf(exchange);
  }

  private async switchAccount(id: string): Promise<void> {
    const next = id === 'paper' ? paperIdOf(this.state.exchange) : liveIdOf(id);
    if (next !== paperIdOf(this.state.exchange)) {
      const known = (await this.deps.live?.accounts())?.some((a) => a.id === id);
      if (!known) fail('not-found', 'That exchange account is not in the vault any more.');
    }
    const previous = this.state.accountId;
    await this.session?.close();
    this.state.accountId = next;
    await this.reload();
    try {
      if (next.startsWith('live:')) await this.connectLive(true);
      else await this.ensureAccount();
    } catch (e) {
      // A switch that cannot connect (vault locked, key refused) leaves the account as it was.
      this.state.accountId = previous;
      await this.reload();
      if (previous.startsWith('live:')) await this.connectLive(false);
      throw e;
    }
    // Only a switch that worked is remembered (and followed by the other tabs).
    await this.deps.store.commit({ state: [{ key: activeAccountKey, value: next }], audit: [] });
    this.deps.link.notifyChanged();
    this.publish();
  }

  /**
   * Connects the live account: credentials from the vault, the account record from the exchange's
   * balances on first use, then a reconcile before the stream starts. `strict` reports failures to the
   * caller (the user just asked); otherwise they become a notice and the account waits, closed.
   */
  private async connectLive(strict: boolean): Promise<void> {
    const session = this.session;
    if (!session) return;
    const vaultId = this.state.accountId.slice('live:'.length);
    try {
      const summary = (await this.deps.live!.accounts()).find((a) => a.id === vaultId);
      if (!summary) fail('not-found', 'That exchange account is not in the vault any more.');
      await session.open(summary);
      if (!this.state.account) {
        const account = await session.accountFor(summary, this.state.accountId);
        const breaker = startingBreaker(account.starting, this.now());
        await this.write({
          account,
          state: [{ key: breakerKey(account.id), value: breaker }],
          audit: [
            this.entry('account', null, null, `Live account ${summary.label} connected (${summary.venue}).`),
          ],
        });
      }
      const caught = await session.reconcile();
      if (caught.fills || caught.orders)
        this.notice(
          'info',
          `Caught up with the exchange: ${caught.fills} fills, ${caught.orders} orders checked.`,
        );
      session.start();
    } catch (e) {
      await session.close();
      const error = liveOpenError(e);
      if (strict) throw new EngineFailure(error);
      this.notice('warn', `Live account not connected: ${error.message}`);
    } finally {
      this.publish();
    }
  }

  private async ensureAccount(): Promise<void> {
    if (this.state.account) return;
    const now = this.now();
    const account = newPaperAccount(this.state.accountId, this.state.exchange, now);
    const breaker = startingBreaker(account.starting, now);
    await this.write({
      account,
      state: [{ key: breakerKey(account.id), value: breaker }],
      audit: [
        this.entry('account', null, null, `Paper account opened with ${describeBalances(account.balances)}.`),
      ],
    });
    this.state.account = account;
    this.state.breaker = breaker;
    await this.tell((events) => events.opened(account));
  }

  /** Calls that act on the account open it first on a device that has none yet. */
  private async withAccount<T>(work: () => Promise<T>): Promise<T> {
    if (this.state.accountId.startsWith('live:')) {
      if (!this.session?.active)
        fail(
          'live-closed',
          'This live account is not connected: unlock the vault (Settings → Vault) to trade on it.',
        );
    } else if (!this.state.account) await this.ensureAccount();
    return work();
  }

  private async configureNow(settings: PaperSettings | null, reset: boolean): Promise<void> {
    const account = this.state.account as PaperAccount;
    const next = readPaperSettings(account, settings, reset);
    const now = this.now();
    if (!next.reset) {
      await this.write({
        account: { ...account, latencyMs: next.latencyMs },
        audit: [this.entry('account', null, null, `Paper latency set to ${next.latencyMs} ms.`)],
      });
      return;
    }
    await this.deps.store.resetAccount(
      resetPaperAccount(account, next.starting, next.latencyMs, now),
      this.entry('account', null, null, `Paper account reset to ${describeBalances(next.starting)}.`),
      [{ key: breakerKey(this.state.accountId), value: startingBreaker(next.starting, now) }],
    );
    await this.reload();
    const after = this.state.account;
    if (after) await this.tell((events) => events.reset(account, after));
    this.deps.link.notifyChanged();
  }

  // ---- writing ----

  /** One transaction for the change and its audit entries; memory follows only once it is stored. */
  private async write(changes: TradingChanges): Promise<void> {
    await this.deps.store.commit(changes);
    this.state.apply(changes);
    this.deps.link.notifyChanged();
    this.publish();
    const account = this.state.accountId;
    if (changes.fills?.length) void this.tell((events) => events.filled(account));
  }

  private entry(
    kind: AuditKind,
    order: Pick<OrderRecord, 'id' | 'symbol'> | null,
    rule: string | null,
    message: string,
    details: AuditEntry['details'] = {},
  ): AuditEntry {
    return {
      time: this.now(),
      kind,
      accountId: this.state.accountId,
      orderId: order?.id ?? null,
      symbol: order?.symbol ?? null,
      rule,
      message,
      details,
    };
  }

  private publish(): void {
    if (this.publishTimer) return;
    this.publishTimer = setTimeout(() => {
      this.publishTimer = null;
      this.emit({ type: 'snapshot', snapshot: this.snapshot() });
    }, this.config.publishMs);
  }

  private emit(event: TradingEvent): void {
    for (const l of this.listeners.values()) {
      try {
        l(event);
      } catch {
        // A closed page must not stop the others.
      }
    }
  }

  private notice(level: 'info' | 'warn' | 'error', message: string): void {
    this.emit({ type: 'notice', level, message, at: this.now() });
  }

  snapshot(): TradingSnapshot {
    const { state } = this;
    const positions = [...state.positions.values()]
      .filter((p) => !Decimal.from(p.amount).isZero() || !Decimal.from(p.realizedPnl).isZero())
      .map((p) => {
        const mark = this.link.mark(p.symbol);
        const amount = Number(p.amount);
        return {
          ...p,
          mark: mark?.price ?? null,
          markTime: mark?.time ?? null,
          unrealizedPnl: mark ? (mark.price - Number(p.avgEntry)) * amount : null,
          notional: mark ? mark.price * amount : null,
        };
      });
    // Unknown (null) until every held asset has a price: never show a guess as the account's value.
    const value = knownEquity(state.account, this.link);
    return {
      exchange: state.exchange,
      leader: this.isLeader,
      account: state.account,
      equity: value?.toNumber() ?? null,
      dayPnl: value && state.breaker ? value.sub(state.breaker.dayStartEquity).toNumber() : null,
      openOrders: [...state.open.values()].sort((a, b) => b.createdAt - a.createdAt),
      history: state.history,
      fills: state.fills,
      positions,
      algos: [...state.algos.values()].sort((a, b) => b.startedAt - a.startedAt),
      breaker: state.breaker,
      limits: state.limits,
      live: state.accountId.startsWith('live:') ? (this.session?.state ?? null) : null,
      updatedAt: this.now(),
    };
  }

  // ---- market data ----

  private refreshRules(): void {
    for (const m of this.deps.market.markets())
      if (!this.state.rules.has(m.symbol)) this.state.rules.set(m.symbol, rulesOf(m));
  }

  private onMarket(events: MarketEvent[]): void {
    if (events.some((e) => e.type === 'markets')) this.refreshRules();
    const { trades, books } = this.link.ingest(events);
    if (!this.isLeader || (trades.size === 0 && books.size === 0)) return;
    void this.serial(async () => {
      for (const [symbol, list] of trades) await this.watch.onTrades(symbol, list);
      for (const symbol of books) await this.watch.onBook(symbol);
      for (const [symbol, list] of trades) await this.twins.onTrades(symbol, list);
      for (const symbol of books) await this.twins.onBook(symbol);
    }).catch((e) => this.notice('error', asError(e).message));
  }

  private async bookFor(symbol: string): Promise<HeldBook | null> {
    const held = this.link.books.get(symbol);
    if (held && this.now() - held.receivedAt <= this.config.bookFreshMs) return held;
    try {
      return this.link.holdBook(symbol, await this.deps.market.fetchBook(symbol, 1000));
    } catch {
      return null;
    }
  }

  // ---- the leader's tick ----

  private async tick(): Promise<void> {
    if (this.ticking || !this.isLeader) return;
    this.ticking = true;
    try {
      await this.serial(async () => {
        this.refreshRules();
        await this.watch.arrivals();
        await this.algos.run();
        await this.watch.pollQuietSymbols();
        await this.controls.watchBreakers();
        await this.watch.saveQueues();
        await this.twins.tick();
      });
    } catch (e) {
      this.notice('error', asError(e).message);
    } finally {
      this.ticking = false;
    }
  }
}
