import type { MarketEvent } from '../market/events.js';
import { Decimal } from '../money/decimal.js';
import { rulesOf, type MarketRules } from '../money/market-rules.js';
import { EngineFailure, engineError, type EngineError } from '../shared/errors.js';
import type {
  AlgoRequest,
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
import { planChildren, validateAlgoParams, volumeProfile } from './algos/algo-schedule.js';
import { followTrail, isConditional, isTriggered } from './emulation.js';
import type { LeaderLink } from './leadership.js';
import { MarketLink, type HeldBook, type MarketAccess } from './market-link.js';
import { buildOrders, isSoundOrder, type FieldErrors } from './order-factory.js';
import { isTerminal, transition } from './order-state.js';
import { applyFill, balanceOf, release, reserveFor, reservedForFill } from './paper/paper-ledger.js';
import {
  estimateFill,
  matchOnArrival,
  matchOnBook,
  matchOnTrade,
  type PaperFill,
} from './paper/paper-matcher.js';
import {
  initialBreakerState,
  killSwitch as tripKillSwitch,
  observeClosedTrade,
  observeEquity,
  rearm as rearmBreaker,
  type BreakerState,
} from './risk/breakers.js';
import { defaultRiskLimits, parseRiskLimits, type RiskLimits } from './risk/limits.js';
import { checkOrder, type RiskCheck, type RiskDecision } from './risk/risk-gate.js';
import { sizeOrder } from './sizing/sizing-request.js';
import type { TradingChanges, TradingStore } from './trading-store.js';
import type {
  AlgoRecord,
  AuditEntry,
  AuditKind,
  ClosedTrade,
  FillRecord,
  OrderRecord,
  PaperAccount,
  PositionRecord,
} from './types.js';

export interface TradingDeps {
  store: TradingStore;
  market: MarketAccess;
  link: LeaderLink;
  now?: () => number;
  newId?: () => string;
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

/** The currency equity and limits are measured in. */
const valuationAsset = 'USDT';
const defaultStarting: Record<string, string> = { USDT: '10000' };
const defaultLatencyMs = 150;
const limitsKey = 'risk-limits';
const breakerKey = (accountId: string) => `breaker:${accountId}`;

function asError(e: unknown): EngineError {
  if (e instanceof EngineFailure) return e.error;
  if (typeof e === 'object' && e !== null && typeof (e as EngineError).code === 'string')
    return e as EngineError;
  return engineError('internal', `The trading engine failed: ${e instanceof Error ? e.message : String(e)}`);
}

function fail(code: string, message: string, details?: Record<string, unknown>): never {
  throw new EngineFailure({ ...engineError(code, message), ...(details ? { details } : {}) } as EngineError);
}

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
export class TradingService {
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly config: TradingConfig;
  private readonly link: MarketLink;
  private queue: Promise<unknown> = Promise.resolve();
  private listeners = new Map<number, TradingListener>();
  private nextListener = 1;
  private exchange = '';
  private accountId = '';
  private account: PaperAccount | null = null;
  private readonly open = new Map<string, OrderRecord>();
  private history: OrderRecord[] = [];
  private fills: FillRecord[] = [];
  private readonly positions = new Map<string, PositionRecord>();
  private readonly algos = new Map<string, AlgoRecord>();
  private closedTrades: ClosedTrade[] = [];
  private breaker: BreakerState | null = null;
  private limits: RiskLimits = { ...defaultRiskLimits };
  private rules = new Map<string, MarketRules>();
  private timers: Array<ReturnType<typeof setInterval>> = [];
  private publishTimer: ReturnType<typeof setTimeout> | null = null;
  private dirtyQueue = new Set<string>();
  private started = false;
  private ticking = false;
  private lastPoll = 0;
  private unlisten: (() => void) | null = null;

  constructor(
    private readonly deps: TradingDeps,
    config: Partial<TradingConfig> = {},
  ) {
    this.now = deps.now ?? Date.now;
    this.newId = deps.newId ?? randomId;
    this.config = { ...defaultConfig, ...config };
    this.link = new MarketLink(this.now);
  }

  get isLeader(): boolean {
    return this.deps.link.isLeader;
  }

  /** Loads the account for the market engine's exchange; the leader then starts matching. */
  async start(exchange: string): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.exchange = exchange;
    this.accountId = `paper:${exchange}`;
    this.refreshRules();
    this.unlisten = this.deps.market.listen((events) => this.onMarket(events));
    this.deps.link.onChanged(() => {
      if (!this.isLeader) void this.serial(() => this.reload());
    });
    await this.serial(() => this.reload());
  }

  /** Called once this tab holds the leader lock: resume everything stored, then run. */
  async lead(): Promise<void> {
    this.deps.link.serve((method, args) => this.dispatch(method, args));
    await this.serial(async () => {
      await this.reload();
      await this.ensureAccount();
    });
    this.timers.push(setInterval(() => void this.tick(), this.config.tickMs));
    this.publish();
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.unlisten?.();
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
    return this.serial(() => this.previewNow(request));
  }

  place(request: PlaceRequest, clientOrderId?: string): Promise<{ id: string }> {
    const id =
      typeof clientOrderId === 'string' && validId.test(clientOrderId) ? clientOrderId : this.newId();
    return this.leaderCall('place', [request, id], () => this.placeNow(request, id));
  }

  cancel(orderId: string): Promise<void> {
    return this.leaderCall('cancel', [orderId], () => this.cancelNow(String(orderId), 'Cancelled by you.'));
  }

  amend(orderId: string, change: { price?: string; amount?: string }): Promise<void> {
    return this.leaderCall('amend', [orderId, change], () => this.amendNow(String(orderId), change ?? {}));
  }

  closePosition(symbol: string): Promise<void> {
    return this.leaderCall('closePosition', [symbol], () => this.closeNow(String(symbol), 'close'));
  }

  pauseAlgo(id: string): Promise<void> {
    return this.leaderCall('pauseAlgo', [id], () =>
      this.setAlgoStatus(String(id), 'paused', 'Paused by you.'),
    );
  }

  resumeAlgo(id: string): Promise<void> {
    return this.leaderCall('resumeAlgo', [id], () => this.setAlgoStatus(String(id), 'running', null));
  }

  cancelAlgo(id: string): Promise<void> {
    return this.leaderCall('cancelAlgo', [id], () =>
      this.setAlgoStatus(String(id), 'cancelled', 'Cancelled by you.'),
    );
  }

  killSwitch(options: { flatten: boolean }): Promise<void> {
    return this.leaderCall('killSwitch', [options], () => this.killNow(options?.flatten === true));
  }

  rearm(): Promise<void> {
    return this.leaderCall('rearm', [], () => this.rearmNow());
  }

  setLimits(input: unknown): Promise<RiskLimits> {
    return this.leaderCall('setLimits', [input], () => this.setLimitsNow(input)) as Promise<RiskLimits>;
  }

  configurePaper(settings: PaperSettings): Promise<void> {
    return this.leaderCall('configurePaper', [settings], () => this.configureNow(settings, false));
  }

  resetPaper(): Promise<void> {
    return this.leaderCall('resetPaper', [], () => this.configureNow(null, true));
  }

  async audit(filter: AuditFilter): Promise<import('./types.js').AuditEntry[]> {
    return this.deps.store.audit(filter ?? {});
  }

  size(request: SizingRequest): Promise<SizingResult> {
    return this.serial(async () => {
      const rules = this.rules.get(request?.symbol);
      if (!rules) return { amount: null, explanation: '', warnings: [], error: 'Choose a market first.' };
      return sizeOrder(request, {
        rules,
        equity: this.equity(),
        closedTrades: this.closedTrades,
        positions: [...this.positions.values()],
        mark: (s) => this.link.mark(s)?.price ?? null,
        candles: (symbol) => this.deps.market.fetchCandles(symbol, '1h', undefined, 200),
      });
    });
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
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async reload(): Promise<void> {
    const loaded = await this.deps.store.load(this.accountId);
    this.account = loaded.account ?? null;
    this.open.clear();
    for (const o of loaded.openOrders) {
      if (isSoundOrder(o)) this.open.set(o.id, o);
      else
        this.notice(
          'error',
          `A damaged order record (${String((o as { id?: unknown }).id).slice(0, 40)}) was found in this device's storage and is ignored: it will not be matched or sent.`,
        );
    }
    this.history = loaded.history;
    this.fills = loaded.fills;
    this.positions.clear();
    for (const p of loaded.positions) this.positions.set(p.symbol, p);
    this.algos.clear();
    for (const a of loaded.algos) this.algos.set(a.id, a);
    this.closedTrades = loaded.closedTrades;
    this.breaker = (await this.deps.store.getState<BreakerState>(breakerKey(this.accountId))) ?? null;
    const saved = await this.deps.store.getState<unknown>(limitsKey);
    const parsed = saved === undefined ? null : parseRiskLimits(saved);
    this.limits = parsed?.ok ? parsed.limits : { ...defaultRiskLimits };
    this.publish();
  }

  private async ensureAccount(): Promise<void> {
    if (this.account) return;
    const now = this.now();
    const account: PaperAccount = {
      id: this.accountId,
      exchange: this.exchange,
      name: `Paper (${this.exchange})`,
      balances: { ...defaultStarting },
      reserved: {},
      starting: { ...defaultStarting },
      latencyMs: defaultLatencyMs,
      createdAt: now,
      resetAt: now,
    };
    const breaker = initialBreakerState(Decimal.from(defaultStarting[valuationAsset] ?? '0'), now);
    await this.write({
      account,
      state: [{ key: breakerKey(account.id), value: breaker }],
      audit: [this.entry('account', null, null, `Paper account opened with ${describe(account.balances)}.`)],
    });
    this.account = account;
    this.breaker = breaker;
  }

  // ---- writing ----

  /** One transaction for the change and its audit entries; memory follows only once it is stored. */
  private async write(changes: TradingChanges): Promise<void> {
    await this.deps.store.commit(changes);
    if (changes.account) this.account = changes.account;
    for (const o of changes.orders ?? []) {
      this.dirtyQueue.delete(o.id);
      if (isTerminal(o.status)) {
        this.open.delete(o.id);
        this.history = [o, ...this.history.filter((h) => h.id !== o.id)].slice(0, 200);
      } else this.open.set(o.id, o);
    }
    if (changes.fills?.length) this.fills = [...changes.fills.slice().reverse(), ...this.fills].slice(0, 200);
    for (const p of changes.positions ?? []) this.positions.set(p.symbol, p);
    for (const a of changes.algos ?? []) this.algos.set(a.id, a);
    if (changes.closedTrades?.length) this.closedTrades = [...this.closedTrades, ...changes.closedTrades];
    for (const s of changes.state ?? [])
      if (s.key === breakerKey(this.accountId)) this.breaker = s.value as BreakerState;
    this.deps.link.notifyChanged();
    this.publish();
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
      accountId: this.accountId,
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
    const positions = [...this.positions.values()]
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
    const equity = this.account ? this.equity() : null;
    return {
      exchange: this.exchange,
      leader: this.isLeader,
      account: this.account,
      equity: equity?.toNumber() ?? null,
      dayPnl: equity && this.breaker ? equity.sub(this.breaker.dayStartEquity).toNumber() : null,
      openOrders: [...this.open.values()].sort((a, b) => b.createdAt - a.createdAt),
      history: this.history,
      fills: this.fills,
      positions,
      algos: [...this.algos.values()].sort((a, b) => b.startedAt - a.startedAt),
      breaker: this.breaker,
      limits: this.limits,
      updatedAt: this.now(),
    };
  }

  // ---- valuation ----

  private refreshRules(): void {
    for (const m of this.deps.market.markets())
      if (!this.rules.has(m.symbol)) this.rules.set(m.symbol, rulesOf(m));
  }

  /** Price of one unit of `asset` in the valuation currency, through a direct market or via BTC. */
  private priceOf(asset: string): number | null {
    if (asset === valuationAsset) return 1;
    const direct = this.link.mark(`${asset}/${valuationAsset}`);
    if (direct) return direct.price;
    const viaBtc = this.link.mark(`${asset}/BTC`);
    const btc = this.link.mark(`BTC/${valuationAsset}`);
    return viaBtc && btc ? viaBtc.price * btc.price : null;
  }

  /**
   * Equity in the valuation currency: every balance, free and reserved, at its mark. An estimate for
   * limits and breakers (marks are floats), rounded to cents of the quote so it is a stable Decimal.
   */
  private equity(): Decimal {
    const account = this.account;
    if (!account) return Decimal.ZERO;
    let total = 0;
    for (const book of [account.balances, account.reserved])
      for (const [asset, amount] of Object.entries(book)) {
        const n = Number(amount);
        if (n === 0) continue;
        const p = this.priceOf(asset);
        if (p !== null) total += n * p;
      }
    return Decimal.from(total.toFixed(8));
  }

  private exposureExcept(symbol: string): number {
    let gross = 0;
    for (const p of this.positions.values()) {
      if (p.symbol === symbol) continue;
      const mark = this.link.mark(p.symbol);
      const quotePrice = this.priceOf(p.quote) ?? 0;
      if (mark) gross += Math.abs(Number(p.amount)) * mark.price * quotePrice;
    }
    return gross;
  }

  // ---- market data ----

  private onMarket(events: MarketEvent[]): void {
    if (events.some((e) => e.type === 'markets')) this.refreshRules();
    const { trades, books } = this.link.ingest(events);
    if (!this.isLeader || (trades.size === 0 && books.size === 0)) return;
    void this.serial(async () => {
      for (const [symbol, list] of trades) await this.onTrades(symbol, list);
      for (const symbol of books) await this.onBook(symbol);
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

  /** The order's view of the touch, for estimates when no full book is needed. */
  private touch(symbol: string): { bid: number; ask: number } {
    const book = this.link.books.get(symbol);
    const bid = book?.bids[0] ?? NaN;
    const ask = book?.asks[0] ?? NaN;
    const mark = this.link.mark(symbol)?.price ?? NaN;
    return { bid: bid > 0 ? bid : mark, ask: ask > 0 ? ask : mark };
  }

  // ---- risk ----

  private riskCheck(order: OrderRecord, refPrice: Decimal | null, rules: MarketRules): RiskDecision {
    const position = this.positions.get(order.symbol);
    const account = this.account;
    const halted = this.breaker?.halted ? { reason: this.breaker.reason ?? 'Trading is halted.' } : null;
    const limit = order.price !== null ? Decimal.from(order.price) : null;
    const stop = order.stopPrice !== null ? Decimal.from(order.stopPrice) : null;
    const ref = limit ?? stop ?? refPrice ?? Decimal.ZERO;
    const dayPnl = account && this.breaker ? this.equity().sub(this.breaker.dayStartEquity).toNumber() : 0;
    // Orders of the same side already open count against the balance they would use.
    return checkOrder(
      {
        now: this.now(),
        order: {
          symbol: order.symbol,
          side: order.side,
          type: order.type,
          amount: Decimal.from(order.amount).sub(order.filled),
          price: limit,
          stopPrice: order.type === 'trailing-stop' ? null : stop,
          refPrice: ref,
          reduceOnly: order.reduceOnly,
        },
        rules,
        mark: this.link.mark(order.symbol),
        positionAmount: position ? Decimal.from(position.amount) : Decimal.ZERO,
        otherExposure: this.exposureExcept(order.symbol),
        openOrders: this.open.size,
        dayPnl,
        freeBase: account ? balanceOf(account.balances, rules.base) : Decimal.ZERO,
        freeQuote: account ? balanceOf(account.balances, rules.quote) : Decimal.ZERO,
        halt: halted,
      },
      this.limits,
    );
  }

  /** Closing what is held is always allowed, also while halted: it only reduces risk. */
  private allowedWhileHalted(order: OrderRecord): boolean {
    return order.reduceOnly && (order.source === 'close' || order.source === 'flatten');
  }

  private decisionFails(decision: RiskDecision, order: OrderRecord): RiskCheck | null {
    for (const c of decision.checks)
      if (!c.passed && !(c.rule === 'halted' && this.allowedWhileHalted(order))) return c;
    return null;
  }

  // ---- preview and place ----

  private async previewNow(request: PlaceRequest): Promise<OrderPreview> {
    this.refreshRules();
    const symbol = symbolOf(request);
    const rules = this.rules.get(symbol);
    const amountText = amountOf(request);
    const book = rules ? await this.bookFor(symbol) : null;
    const side = sideOf(request);
    const amount = Decimal.tryFrom(amountText);
    const estimate =
      book && rules && amount && amount.isPositive() && amount.lt('1e15')
        ? estimateFill(side, amount, book, rules)
        : null;
    const refPrice = estimate?.avgPrice ?? null;
    const built =
      request?.kind === 'algo'
        ? this.buildAlgoOrder(request.algo, rules, refPrice)
        : buildOrders(request, this.orderContext(rules), () => 'preview-0000', refPrice);
    const fieldErrors: FieldErrors = { ...built.errors };
    const first = built.orders[0];
    const checks: RiskCheck[] = [];
    let ok = Object.keys(fieldErrors).length === 0 && first !== undefined;
    if (first && rules) {
      const decision = this.riskCheck(first, refPrice, rules);
      checks.push(...decision.checks);
      const failed = this.decisionFails(decision, first);
      if (failed) ok = false;
    }
    const position = rules ? this.positions.get(symbol) : undefined;
    const held = Decimal.from(position?.amount ?? '0');
    const signed = amount && amount.isPositive() ? (side === 'buy' ? amount : amount.neg()) : Decimal.ZERO;
    const after = held.add(signed);
    const mark = this.link.mark(symbol)?.price ?? refPrice?.toNumber() ?? null;
    const quoteValue = rules ? (this.priceOf(rules.quote) ?? 0) : 0;
    const fee = estimate && rules ? estimate.cost.mul(rules.taker) : null;
    return {
      ok,
      fieldErrors,
      snapped: {
        amount:
          amount && rules && amount.isPositive() ? amount.roundToStep(rules.step, 'floor').toString() : null,
        price: first?.price ?? null,
        stopPrice: first?.stopPrice ?? null,
      },
      estimate:
        estimate && fee
          ? {
              filled: estimate.filled.toString(),
              avgPrice: estimate.avgPrice?.toString() ?? null,
              worstPrice: estimate.worstPrice?.toString() ?? null,
              cost: estimate.cost.toString(),
              fee: fee.toString(),
              slippageBps: estimate.slippageBps,
              levels: estimate.levels,
            }
          : null,
      resulting:
        rules && this.account
          ? {
              position: after.toString(),
              positionNotional: mark !== null ? after.toNumber() * mark * quoteValue : 0,
              grossExposure:
                this.exposureExcept(symbol) +
                (mark !== null ? Math.abs(after.toNumber()) * mark * quoteValue : 0),
              freeQuote: balanceOf(this.account.balances, rules.quote)
                .sub(side === 'buy' && estimate && fee ? estimate.cost.add(fee) : Decimal.ZERO)
                .toString(),
              freeBase: balanceOf(this.account.balances, rules.base).add(signed).toString(),
            }
          : null,
      checks,
      emulated:
        request?.kind === 'oco' ||
        request?.kind === 'bracket' ||
        request?.kind === 'algo' ||
        (first !== undefined && isConditional(first)),
    };
  }

  private orderContext(rules: MarketRules | undefined) {
    return {
      accountId: this.accountId,
      exchange: this.exchange,
      now: this.now(),
      latencyMs: this.account?.latencyMs ?? defaultLatencyMs,
      rules,
    };
  }

  /** An algo is checked like one order for its whole amount: position, exposure, balance, halt. */
  private buildAlgoOrder(
    r: AlgoRequest,
    rules: MarketRules | undefined,
    refPrice: Decimal | null,
  ): { orders: OrderRecord[]; errors: FieldErrors } {
    const built = buildOrders(
      { kind: 'order', order: { symbol: r?.symbol, side: r?.side, type: 'market', amount: r?.amount } },
      this.orderContext(rules),
      () => 'algo-preview',
      refPrice,
    );
    const amount = Decimal.tryFrom(r?.amount);
    if (rules && amount && amount.isPositive()) {
      const problems = validateAlgoParams(r.kind, r.params ?? {}, amount, rules);
      if (problems.length) built.errors.algo = problems.join(' ');
    } else if (!['twap', 'vwap', 'iceberg', 'pov'].includes(r?.kind))
      built.errors.algo = 'Choose TWAP, VWAP, iceberg or POV.';
    // The parent need not fit one order's notional: splitting it is the point.
    for (const o of built.orders) o.source = 'algo';
    return built;
  }

  private async placeNow(request: PlaceRequest, id: string): Promise<{ id: string }> {
    if (!this.account) await this.ensureAccount();
    // Idempotent: the same client order id never places twice (a retry from another tab, a double click).
    if (
      this.open.has(id) ||
      this.algos.has(id) ||
      (await this.deps.store.getOrder(id)) ||
      (await this.deps.store.getOrder(`${id}-tp`))
    )
      return { id };
    this.refreshRules();
    const symbol = symbolOf(request);
    const rules = this.rules.get(symbol);
    const side = sideOf(request);
    const amount = Decimal.tryFrom(amountOf(request));
    const book = rules ? await this.bookFor(symbol) : null;
    const refPrice =
      book && rules && amount && amount.isPositive() && amount.lt('1e15')
        ? estimateFill(side, amount, book, rules).avgPrice
        : null;
    if (request?.kind === 'algo') return this.startAlgo(request.algo, id, rules, refPrice);
    const built = buildOrders(request, this.orderContext(rules), () => id, refPrice);
    const errors = Object.entries(built.errors);
    if (errors.length || !rules) {
      const message = errors.map(([, m]) => m).join(' ') || 'The order is not valid.';
      await this.write({
        audit: [
          this.entry(
            'order-rejected',
            { id, symbol: typeof symbol === 'string' ? symbol.slice(0, 40) : '' },
            'validation',
            message,
          ),
        ],
      });
      fail('invalid-order', message, { fieldErrors: built.errors });
    }
    for (const order of built.orders) {
      const decision = this.riskCheck(order, refPrice, rules);
      const failed = this.decisionFails(decision, order);
      if (failed) {
        await this.write({
          audit: [this.entry('order-rejected', order, failed.rule, failed.message, flat(failed.details))],
        });
        fail('rejected', failed.message, { rule: failed.rule, checks: decision.checks });
      }
    }
    await this.accept(built.orders, rules, 'Accepted');
    return { id };
  }

  /** Reserves funds and stores the orders with their audit entries, in one transaction. */
  private async accept(
    orders: OrderRecord[],
    rules: MarketRules,
    verb: string,
    extra: Partial<TradingChanges> = {},
  ): Promise<void> {
    let account = this.account as PaperAccount;
    const held: OrderRecord[] = [];
    const audit: AuditEntry[] = [...(extra.audit ?? [])];
    for (const order of orders) {
      const holding = this.holdingFor(order, held);
      let o = order;
      if (holding) {
        const r = reserveFor(account, holding, rules);
        if (!r.ok) {
          await this.write({ audit: [this.entry('order-rejected', order, 'balance', r.message)] });
          fail('rejected', r.message, { rule: 'balance' });
        }
        account = r.account;
        o = { ...o, holds: r.reservation.amount.toString(), holdsAsset: r.reservation.asset };
      }
      held.push(o);
      audit.push(
        this.entry('order-accepted', o, null, `${verb}: ${describeOrder(o, rules)}.`, {
          amount: o.amount,
          price: o.price,
          stopPrice: o.stopPrice,
        }),
      );
    }
    await this.write({ ...extra, account, orders: [...(extra.orders ?? []), ...held], audit });
  }

  /**
   * What an order holds from the moment it is accepted: sells hold their base (no double selling); limit
   * buys their cost plus the largest fee. Market and conditional buys hold nothing: they pay from free
   * funds when they fill and are cut short if those run out. Only the first leg of an OCO holds: one leg
   * can ever execute.
   */
  private holdingFor(order: OrderRecord, siblings: OrderRecord[]) {
    if (order.group?.kind === 'oco' && siblings.some((s) => s.group?.id === order.group?.id)) return null;
    const amount = Decimal.from(order.amount).sub(order.filled);
    if (order.side === 'sell')
      return { side: order.side, amount, limit: null, quoteToReserve: undefined } as const;
    if (order.type === 'limit' && order.price !== null)
      return { side: order.side, amount, limit: Decimal.from(order.price) } as const;
    return null;
  }

  // ---- algos ----

  private async startAlgo(
    r: AlgoRequest,
    id: string,
    rules: MarketRules | undefined,
    refPrice: Decimal | null,
  ): Promise<{ id: string }> {
    const built = this.buildAlgoOrder(r, rules, refPrice);
    const errors = Object.values(built.errors);
    const parent = built.orders[0];
    if (errors.length || !rules || !parent) {
      const message = errors.join(' ') || 'The algo is not valid.';
      await this.write({
        audit: [this.entry('order-rejected', { id, symbol: rules?.symbol ?? '' }, 'validation', message)],
      });
      fail('invalid-order', message, { fieldErrors: built.errors });
    }
    const decision = this.riskCheck(parent, refPrice, rules);
    const failed = decision.checks.find(
      (c) => !c.passed && c.rule !== 'order-notional' && c.rule !== 'market-limits',
    );
    if (failed) {
      await this.write({
        audit: [
          this.entry(
            'order-rejected',
            { id, symbol: rules.symbol },
            failed.rule,
            failed.message,
            flat(failed.details),
          ),
        ],
      });
      fail('rejected', failed.message, { rule: failed.rule, checks: decision.checks });
    }
    const now = this.now();
    const { bid, ask } = this.touch(rules.symbol);
    const params = { ...r.params };
    if (r.kind === 'vwap') {
      const duration = params.durationMs ?? 0;
      const slices = params.slices ?? 1;
      try {
        const candles = await this.deps.market.fetchCandles(rules.symbol, '1h', now - 7 * 86_400_000, 200);
        params.weights = volumeProfile(candles, now, duration, slices);
      } catch {
        params.weights = volumeProfile(
          {
            time: new Float64Array(),
            open: new Float64Array(),
            high: new Float64Array(),
            low: new Float64Array(),
            close: new Float64Array(),
            volume: new Float64Array(),
          },
          now,
          duration,
          slices,
        );
      }
    }
    const algo: AlgoRecord = {
      id,
      accountId: this.accountId,
      exchange: this.exchange,
      symbol: rules.symbol,
      side: r.side,
      kind: r.kind,
      status: 'running',
      amount: Decimal.from(r.amount).toString(),
      filled: '0',
      cost: '0',
      params,
      arrivalPrice: Decimal.from(((bid + ask) / 2).toFixed(rules.priceDecimals + 2)).toString(),
      startedAt: now,
      nextChild: 0,
      observedVolume: '0',
      pausedAt: null,
      pausedMs: 0,
      updatedAt: now,
      reason: null,
    };
    await this.write({
      algos: [algo],
      audit: [
        this.entry(
          'algo',
          { id, symbol: rules.symbol },
          null,
          `Started ${r.kind.toUpperCase()} to ${r.side} ${algo.amount} ${rules.base}.`,
          { kind: r.kind },
        ),
      ],
    });
    return { id };
  }

  private children(algoId: string): OrderRecord[] {
    return [...this.open.values()].filter((o) => o.group?.kind === 'algo' && o.group.id === algoId);
  }

  private async runAlgos(): Promise<void> {
    for (const algo of [...this.algos.values()]) {
      if (algo.status !== 'running') continue;
      const rules = this.rules.get(algo.symbol);
      if (!rules) continue;
      const working = this.children(algo.id);
      const openChildRemaining = Decimal.sum(working.map((o) => Decimal.from(o.amount).sub(o.filled)));
      const sentAmount = Decimal.from(algo.filled).add(openChildRemaining);
      const { bid, ask } = this.touch(algo.symbol);
      const plan = planChildren(algo, {
        now: this.now(),
        bestBid: bid,
        bestAsk: ask,
        rules,
        openChildRemaining,
        sentAmount,
      });
      for (const child of plan.children) {
        const childId = `${algo.id}-${child.index}`;
        const current = this.algos.get(algo.id) as AlgoRecord;
        if (child.index < current.nextChild) continue;
        if (await this.deps.store.getOrder(childId)) {
          // Sent before a crash but the algo's counter was not: never send it again.
          await this.write({
            algos: [{ ...current, nextChild: child.index + 1, updatedAt: this.now() }],
            audit: [],
          });
          continue;
        }
        const order: OrderRecord = {
          ...buildOrders(
            {
              kind: 'order',
              order: {
                symbol: algo.symbol,
                side: algo.side,
                type: child.type,
                amount: child.amount.toString(),
                price: child.price?.toString() ?? null,
              },
            },
            this.orderContext(rules),
            () => childId,
            null,
          ).orders[0]!,
          group: { kind: 'algo', id: algo.id, role: 'child' },
          source: 'algo',
        };
        const decision = this.riskCheck(
          order,
          child.price ?? Decimal.from(((bid + ask) / 2).toFixed(rules.priceDecimals)),
          rules,
        );
        const failed = this.decisionFails(decision, order);
        const nextAlgo = { ...current, nextChild: child.index + 1, updatedAt: this.now() };
        if (failed) {
          await this.write({
            algos: [
              {
                ...nextAlgo,
                status: 'paused',
                pausedAt: this.now(),
                reason: `Child ${child.index + 1} refused: ${failed.message}`,
              },
            ],
            audit: [this.entry('order-rejected', order, failed.rule, failed.message, flat(failed.details))],
          });
          this.notice('warn', `${algo.kind.toUpperCase()} ${algo.symbol} paused: ${failed.message}`);
          break;
        }
        // The child and the algo's counter are stored together: a reload resumes after it, never twice.
        await this.accept([order], rules, `${algo.kind.toUpperCase()} child ${child.index + 1}`, {
          algos: [nextAlgo],
        });
      }
      const latest = this.algos.get(algo.id) as AlgoRecord;
      if (plan.done && latest.status === 'running' && this.children(algo.id).length === 0) {
        const failed = plan.note?.startsWith('Cannot run') ?? false;
        await this.write({
          algos: [
            { ...latest, status: failed ? 'failed' : 'completed', updatedAt: this.now(), reason: plan.note },
          ],
          audit: [
            this.entry(
              'algo',
              { id: algo.id, symbol: algo.symbol },
              null,
              `${algo.kind.toUpperCase()} finished: ${latest.filled} of ${latest.amount} filled.`,
            ),
          ],
        });
      }
    }
  }

  private async setAlgoStatus(
    id: string,
    status: 'running' | 'paused' | 'cancelled',
    reason: string | null,
  ): Promise<void> {
    const algo = this.algos.get(id);
    if (!algo) fail('not-found', 'That algo does not exist any more.');
    if (algo.status === status) return;
    if (algo.status === 'cancelled' || algo.status === 'completed')
      fail('finished', `The algo is already ${algo.status}.`);
    if (status === 'running' && this.breaker?.halted)
      fail('halted', 'Trading is halted: re-arm first, then resume.');
    const now = this.now();
    const next: AlgoRecord = {
      ...algo,
      status,
      reason,
      pausedAt: status === 'paused' ? now : null,
      pausedMs:
        status === 'running' && algo.pausedAt !== null
          ? algo.pausedMs + (now - algo.pausedAt)
          : algo.pausedMs,
      updatedAt: now,
    };
    await this.write({
      algos: [next],
      audit: [
        this.entry(
          'algo',
          { id, symbol: algo.symbol },
          null,
          `${algo.kind.toUpperCase()} ${status === 'running' ? 'resumed' : status}.`,
        ),
      ],
    });
    if (status !== 'running')
      for (const child of this.children(id))
        await this.cancelNow(child.id, `The ${algo.kind.toUpperCase()} was ${status}.`);
  }

  // ---- matching (leader) ----

  private async tick(): Promise<void> {
    if (this.ticking || !this.isLeader) return;
    this.ticking = true;
    try {
      await this.serial(async () => {
        this.refreshRules();
        await this.arrivals();
        await this.runAlgos();
        await this.pollQuietSymbols();
        await this.watchBreakers();
        await this.saveQueues();
      });
    } catch (e) {
      this.notice('error', asError(e).message);
    } finally {
      this.ticking = false;
    }
  }

  private async arrivals(): Promise<void> {
    const now = this.now();
    for (const order of [...this.open.values()]) {
      if (order.status !== 'pending-new' || order.activeAt > now) continue;
      if (isConditional(order) && !order.triggered) {
        const armed = transition(order, 'open');
        await this.write({
          orders: [{ ...armed, updatedAt: now }],
          audit: [
            this.entry(
              'order-sent',
              order,
              null,
              `Waiting for ${order.symbol} to reach ${order.stopPrice ?? 'its trail'}: Lyra watches it while the app is open.`,
            ),
          ],
        });
        continue;
      }
      await this.execute(order);
    }
  }

  /** Sends a market or limit order (or a triggered one) into the paper matcher against the current book. */
  private async execute(order: OrderRecord): Promise<void> {
    const rules = this.rules.get(order.symbol);
    const book = await this.bookFor(order.symbol);
    if (!rules || !book || book.asks.length === 0 || book.bids.length === 0) return; // retried next tick
    const limitPrice =
      order.type === 'limit' || order.type === 'stop-limit' || order.type === 'take-profit-limit'
        ? order.price
        : null;
    const remaining = Decimal.from(order.amount).sub(order.filled);
    const result = matchOnArrival(
      {
        side: order.side,
        limit: limitPrice === null ? null : Decimal.from(limitPrice),
        remaining,
        tif: order.tif,
        postOnly: order.postOnly,
      },
      book,
      rules,
    );
    const now = this.now();
    if (result.rejected) {
      await this.finish(order, order.status === 'pending-new' ? 'rejected' : 'expired', result.rejected, [
        this.entry('order-rejected', order, order.postOnly ? 'post-only' : 'time-in-force', result.rejected),
      ]);
      return;
    }
    let o = order.status === 'pending-new' ? { ...order, updatedAt: now } : order;
    const sent = this.entry(
      'order-sent',
      order,
      null,
      `Reached the paper matcher ${describeOrder(order, rules)}.`,
    );
    const outcome = await this.fill(o, result.fills, rules, [sent]);
    o = outcome.order;
    if (isTerminal(o.status)) return;
    if (result.rest.isPositive()) {
      const status = Decimal.from(o.filled).isPositive() ? 'partially-filled' : 'open';
      const next = o.status === status && status === 'partially-filled' ? o : transition(o, status);
      await this.write({
        ...outcome.changes,
        orders: [{ ...next, queueAhead: result.queueAhead?.toString() ?? '0', updatedAt: now }],
      });
    } else {
      await this.finish(
        o,
        'expired',
        Decimal.from(o.filled).isPositive()
          ? `Only ${o.filled} of ${o.amount} could fill now; the rest expired (${o.tif === 'IOC' ? 'IOC' : 'not enough depth within the slippage cap or balance'}).`
          : 'Nothing could fill now; the order expired.',
        [],
        outcome.changes,
      );
    }
  }

  /**
   * Books fills for an order and returns the changes, already written unless the order still needs its
   * final status (then they are returned for the caller to write with it).
   */
  private async fill(
    order: OrderRecord,
    fills: readonly PaperFill[],
    rules: MarketRules,
    audit: AuditEntry[],
  ): Promise<{ order: OrderRecord; changes: TradingChanges }> {
    let account = this.account as PaperAccount;
    let position = this.positions.get(order.symbol) ?? null;
    let o = order;
    const fillRecords: FillRecord[] = [];
    const closed: ClosedTrade[] = [];
    let breaker = this.breaker;
    const marketLike = o.side === 'buy' && Decimal.from(o.holds).isZero();
    for (const f of fills) {
      let amount = f.amount;
      if (marketLike) {
        // Paid from free funds: never more than the free quote covers, fee included.
        const free = balanceOf(account.balances, rules.quote);
        const affordable = free
          .div(f.price.mul(Decimal.ONE.add(f.liquidity === 'maker' ? rules.maker : rules.taker)), 18, 'floor')
          .roundToStep(rules.step, 'floor');
        amount = Decimal.min(amount, affordable);
      }
      if (!amount.isPositive()) break;
      const holds = Decimal.from(o.holds);
      const portion = holds.isZero()
        ? Decimal.ZERO
        : Decimal.min(
            holds,
            reservedForFill(
              {
                side: o.side,
                amount: Decimal.from(o.amount),
                limit: o.side === 'buy' && o.price ? Decimal.from(o.price) : null,
              },
              amount,
              rules,
            ),
          );
      const filled = Decimal.from(o.filled).add(amount);
      const fillId = `${o.id}:${filled}`;
      const result = applyFill(
        account,
        position,
        { id: fillId, side: o.side, price: f.price, amount, liquidity: f.liquidity, time: this.now() },
        rules,
        portion,
      );
      account = result.account;
      position = result.position;
      const status = filled.eq(o.amount) ? 'filled' : 'partially-filled';
      o = {
        ...transition(o, status),
        filled: filled.toString(),
        cost: Decimal.from(o.cost).add(f.price.mul(amount)).toString(),
        fee: Decimal.from(o.fee).add(result.fee).toString(),
        holds: holds.sub(portion).toString(),
        updatedAt: this.now(),
      };
      fillRecords.push({
        id: fillId,
        orderId: o.id,
        accountId: o.accountId,
        symbol: o.symbol,
        side: o.side,
        price: f.price.toString(),
        amount: amount.toString(),
        quote: f.price.mul(amount).toString(),
        fee: result.fee.toString(),
        feeAsset: rules.quote,
        liquidity: f.liquidity,
        time: this.now(),
      });
      audit.push(
        this.entry(
          'order-filled',
          o,
          null,
          `${o.side === 'buy' ? 'Bought' : 'Sold'} ${amount} ${rules.base} at ${f.price} (${f.liquidity}, fee ${result.fee} ${rules.quote}).`,
          { price: f.price.toString(), amount: amount.toString(), liquidity: f.liquidity },
        ),
      );
      if (result.closed) {
        closed.push(result.closed);
        if (breaker) {
          const observed = observeClosedTrade(
            breaker,
            Decimal.from(result.closed.pnl),
            this.now(),
            this.limits,
          );
          breaker = observed.state;
          if (observed.tripped)
            audit.push(this.entry('halt', o, observed.tripped.rule, observed.tripped.message));
        }
      }
      if (o.status === 'filled') break;
    }
    if (isTerminal(o.status) && Decimal.from(o.holds).isPositive()) {
      account = release(account, { asset: o.holdsAsset, amount: Decimal.from(o.holds) });
      o = { ...o, holds: '0' };
    }
    const changes: TradingChanges = {
      account,
      orders: [o],
      fills: fillRecords,
      positions: position ? [position] : [],
      closedTrades: closed,
      state: breaker && breaker !== this.breaker ? [{ key: breakerKey(this.accountId), value: breaker }] : [],
      audit,
    };
    if (fillRecords.length === 0 && !isTerminal(o.status))
      return { order: o, changes: { ...changes, orders: [] } };
    await this.write(changes);
    await this.afterChange(o, rules);
    return { order: o, changes: { audit: [] } };
  }

  /** Ends an order: releases what it holds, writes its final status with the reason and audit entry. */
  private async finish(
    order: OrderRecord,
    status: 'cancelled' | 'expired' | 'rejected',
    reason: string,
    audit: AuditEntry[],
    extra: TradingChanges = { audit: [] },
  ): Promise<void> {
    const current = extra.orders?.find((o) => o.id === order.id) ?? this.open.get(order.id) ?? order;
    if (isTerminal(current.status)) return;
    let account = extra.account ?? (this.account as PaperAccount);
    const holds = Decimal.from(current.holds);
    if (holds.isPositive()) account = release(account, { asset: current.holdsAsset, amount: holds });
    const done = { ...transition(current, status), holds: '0', reason, updatedAt: this.now() };
    const kind: AuditKind =
      status === 'cancelled' ? 'order-cancelled' : status === 'expired' ? 'order-expired' : 'order-rejected';
    await this.write({
      ...extra,
      account,
      orders: [...(extra.orders ?? []).filter((o) => o.id !== order.id), done],
      audit: [
        ...extra.audit,
        ...audit,
        ...(audit.some((a) => a.kind === kind) ? [] : [this.entry(kind, done, null, reason)]),
      ],
    });
    const rules = this.rules.get(order.symbol);
    if (rules) await this.afterChange(done, rules);
  }

  /** What a change to one order means for the others in its group and for its algo. */
  private async afterChange(order: OrderRecord, rules: MarketRules): Promise<void> {
    const group = order.group;
    if (!group) return;
    if (group.kind === 'oco' || (group.kind === 'bracket' && group.role !== 'entry')) {
      if (Decimal.from(order.filled).isPositive() || order.triggered || order.status === 'cancelled') {
        for (const other of [...this.open.values()])
          if (other.id !== order.id && other.group?.id === group.id && other.group.role !== 'entry')
            await this.finish(
              other,
              'cancelled',
              order.status === 'cancelled'
                ? 'The other leg was cancelled.'
                : 'The other leg executed (one cancels the other).',
              [],
            );
      }
    }
    if (
      group.kind === 'bracket' &&
      group.role === 'entry' &&
      isTerminal(order.status) &&
      order.exits &&
      Decimal.from(order.filled).isPositive()
    ) {
      await this.placeExits(order, rules);
    }
    if (group.kind === 'algo') {
      const algo = this.algos.get(group.id);
      if (algo) {
        const fills = this.fills.filter((f) => f.orderId.startsWith(`${algo.id}-`));
        const filled = Decimal.sum(fills.map((f) => Decimal.from(f.amount)));
        const cost = Decimal.sum(fills.map((f) => Decimal.from(f.quote)));
        if (!filled.eq(algo.filled))
          await this.write({
            algos: [{ ...algo, filled: filled.toString(), cost: cost.toString(), updatedAt: this.now() }],
            audit: [],
          });
      }
    }
  }

  private async placeExits(entry: OrderRecord, rules: MarketRules): Promise<void> {
    const exits = entry.exits!;
    const side = entry.side === 'buy' ? 'sell' : 'buy';
    const id = `${entry.id}-x`;
    if (this.open.has(`${id}-tp`) || (await this.deps.store.getOrder(`${id}-tp`))) return;
    const built = buildOrders(
      {
        kind: 'oco',
        oco: {
          symbol: entry.symbol,
          side,
          amount: entry.filled,
          takeProfitPrice: exits.takeProfitPrice,
          stopPrice: exits.stopPrice,
        },
      },
      this.orderContext(rules),
      () => id,
      null,
    );
    if (built.orders.length === 0) {
      this.notice(
        'error',
        `Could not place the bracket exits for ${entry.symbol}: ${Object.values(built.errors).join(' ')}`,
      );
      await this.write({
        audit: [
          this.entry(
            'order-rejected',
            entry,
            'bracket',
            `Exits not placed: ${Object.values(built.errors).join(' ')}`,
          ),
        ],
      });
      return;
    }
    const orders = built.orders.map((o) => ({
      ...o,
      reduceOnly: true,
      source: 'bracket' as const,
      group: {
        kind: 'bracket' as const,
        id: entry.group!.id,
        role: o.type === 'limit' ? ('take-profit' as const) : ('stop-loss' as const),
      },
    }));
    await this.accept(orders, rules, 'Bracket exit');
  }

  private async onTrades(
    symbol: string,
    trades: import('../market/trade-tape.js').TapeTrade[],
  ): Promise<void> {
    const rules = this.rules.get(symbol);
    if (!rules) return;
    for (const algo of this.algos.values())
      if (algo.kind === 'pov' && algo.status === 'running' && algo.symbol === symbol) {
        const volume = trades
          .filter((t) => t.time >= algo.startedAt)
          .reduce((s, t) => s.add(Decimal.from(t.amount)), Decimal.ZERO);
        if (volume.isPositive())
          await this.write({
            algos: [
              {
                ...algo,
                observedVolume: Decimal.from(algo.observedVolume).add(volume).toString(),
                updatedAt: this.now(),
              },
            ],
            audit: [],
          });
      }
    for (const trade of trades) {
      const last = Decimal.from(trade.price);
      for (const order of [...this.open.values()]) {
        if (order.symbol !== symbol || order.activeAt > trade.time) continue;
        const current = this.open.get(order.id);
        if (!current || isTerminal(current.status) || current.status === 'pending-new') continue;
        if (isConditional(current) && !current.triggered) {
          await this.watchTrigger(current, last, rules);
          continue;
        }
        if (current.price === null || (current.type !== 'limit' && !current.triggered)) continue;
        const result = matchOnTrade(
          {
            side: current.side,
            limit: Decimal.from(current.price),
            remaining: Decimal.from(current.amount).sub(current.filled),
            queueAhead: Decimal.from(current.queueAhead ?? '0'),
          },
          trade,
          rules,
        );
        await this.afterResting(current, result, rules);
      }
    }
  }

  private async onBook(symbol: string): Promise<void> {
    const rules = this.rules.get(symbol);
    const book = this.link.books.get(symbol);
    if (!rules || !book) return;
    for (const order of [...this.open.values()]) {
      if (order.symbol !== symbol || order.price === null || order.status === 'pending-new') continue;
      if (order.type !== 'limit' && !order.triggered) continue;
      const result = matchOnBook(
        {
          side: order.side,
          limit: Decimal.from(order.price),
          remaining: Decimal.from(order.amount).sub(order.filled),
          queueAhead: Decimal.from(order.queueAhead ?? '0'),
        },
        book,
        rules,
      );
      await this.afterResting(order, result, rules);
    }
  }

  private async afterResting(
    order: OrderRecord,
    result: { fill: PaperFill | null; queueAhead: Decimal },
    rules: MarketRules,
  ): Promise<void> {
    const queueAhead = result.queueAhead.toString();
    if (result.fill) {
      await this.fill({ ...order, queueAhead }, [result.fill], rules, []);
    } else if (queueAhead !== order.queueAhead) {
      // Queue position changes often: kept in memory and saved every tick, not on every trade.
      this.open.set(order.id, { ...order, queueAhead });
      this.dirtyQueue.add(order.id);
      this.publish();
    }
  }

  private async watchTrigger(order: OrderRecord, last: Decimal, rules: MarketRules): Promise<void> {
    let o = order;
    if (o.type === 'trailing-stop') {
      const moved = followTrail(o, last, rules.tick);
      if (moved) {
        o = { ...o, ...moved, updatedAt: this.now() };
        this.open.set(o.id, o);
        this.dirtyQueue.add(o.id);
        this.publish();
      }
    }
    if (!isTriggered(o, last)) return;
    const triggered = { ...o, triggered: true, updatedAt: this.now() };
    const audit = [
      this.entry('order-triggered', o, null, `Triggered at ${last} (trigger ${o.stopPrice}).`, {
        last: last.toString(),
      }),
    ];
    // An OCO's other leg goes first: it may hold the funds this leg now needs.
    if (o.group?.kind === 'oco' || (o.group?.kind === 'bracket' && o.group.role !== 'entry'))
      for (const other of [...this.open.values()])
        if (other.id !== o.id && other.group?.id === o.group.id && other.group.role !== 'entry')
          await this.finish(other, 'cancelled', 'The other leg triggered (one cancels the other).', []);
    let withHold = triggered;
    let account = this.account as PaperAccount;
    if (triggered.side === 'sell' && Decimal.from(triggered.holds).isZero()) {
      const r = reserveFor(
        account,
        { side: 'sell', amount: Decimal.from(triggered.amount).sub(triggered.filled), limit: null },
        rules,
      );
      if (!r.ok) {
        await this.finish(triggered, 'cancelled', `Triggered, but ${r.message}`, audit);
        return;
      }
      account = r.account;
      withHold = { ...triggered, holds: r.reservation.amount.toString(), holdsAsset: r.reservation.asset };
    } else if (triggered.side === 'buy' && triggered.price !== null) {
      const r = reserveFor(
        account,
        {
          side: 'buy',
          amount: Decimal.from(triggered.amount).sub(triggered.filled),
          limit: Decimal.from(triggered.price),
        },
        rules,
      );
      if (!r.ok) {
        await this.finish(triggered, 'cancelled', `Triggered, but ${r.message}`, audit);
        return;
      }
      account = r.account;
      withHold = { ...triggered, holds: r.reservation.amount.toString(), holdsAsset: r.reservation.asset };
    }
    await this.write({ account, orders: [withHold], audit });
    await this.execute(withHold);
  }

  /** Resting orders on symbols the page is not streaming still need the tape: poll it. */
  private async pollQuietSymbols(): Promise<void> {
    const now = this.now();
    if (now - this.lastPoll < this.config.pollMs) return;
    this.lastPoll = now;
    const focused = this.deps.market.focusedSymbol();
    const symbols = new Set(
      [...this.open.values()].filter((o) => o.status !== 'pending-new').map((o) => o.symbol),
    );
    for (const symbol of symbols) {
      if (symbol === focused) continue;
      try {
        const fresh = this.link.polled(symbol, await this.deps.market.fetchTrades(symbol, 200));
        if (fresh.length) await this.onTrades(symbol, fresh);
      } catch {
        // Offline or a hiccup: the next poll tries again; the stale-data rule guards new orders.
      }
    }
  }

  private async saveQueues(): Promise<void> {
    if (this.dirtyQueue.size === 0) return;
    const orders = [...this.dirtyQueue]
      .map((id) => this.open.get(id))
      .filter((o): o is OrderRecord => o !== undefined);
    this.dirtyQueue.clear();
    if (orders.length) await this.deps.store.commit({ orders, audit: [] });
  }

  private async watchBreakers(): Promise<void> {
    if (!this.account || !this.breaker) return;
    const observed = observeEquity(this.breaker, this.equity(), this.now(), this.limits);
    if (observed.state === this.breaker) return;
    const changed = JSON.stringify(observed.state) !== JSON.stringify(this.breaker);
    if (!changed) return;
    if (observed.tripped) {
      await this.halt(observed.state, observed.tripped.rule, observed.tripped.message);
      return;
    }
    await this.deps.store.commit({
      state: [{ key: breakerKey(this.accountId), value: observed.state }],
      audit: [],
    });
    this.breaker = observed.state;
  }

  /** A breaker or the kill switch: no new orders, algos paused (open protective orders stay). */
  private async halt(state: BreakerState, rule: string, message: string): Promise<void> {
    const now = this.now();
    const algos = [...this.algos.values()]
      .filter((a) => a.status === 'running')
      .map((a) => ({
        ...a,
        status: 'paused' as const,
        pausedAt: now,
        reason: `Halted: ${message}`,
        updatedAt: now,
      }));
    await this.write({
      state: [{ key: breakerKey(this.accountId), value: state }],
      algos,
      audit: [this.entry('halt', null, rule, `Trading halted: ${message}`)],
    });
    for (const a of algos)
      for (const child of this.children(a.id)) await this.cancelNow(child.id, 'Trading halted.');
    this.notice('error', `Trading halted: ${message}`);
  }

  // ---- user actions ----

  private async cancelNow(orderId: string, reason: string): Promise<void> {
    const order = this.open.get(orderId);
    if (!order) {
      const stored = await this.deps.store.getOrder(orderId);
      if (stored && isTerminal(stored.status)) return; // already done: cancelling twice is fine
      fail('not-found', 'That order is not open any more.');
    }
    // Cancelling one leg of an OCO cancels the pair.
    await this.finish(order, 'cancelled', reason, []);
  }

  private async amendNow(orderId: string, change: { price?: string; amount?: string }): Promise<void> {
    const order = this.open.get(orderId);
    if (!order) fail('not-found', 'That order is not open any more.');
    if (order.type !== 'limit' || order.group)
      fail('not-amendable', 'Only plain limit orders can be amended; cancel and place this one again.');
    const rules = this.rules.get(order.symbol);
    if (!rules) fail('bad-symbol', 'Unknown market.');
    const price = change.price !== undefined ? Decimal.tryFrom(change.price) : Decimal.from(order.price!);
    const amount = change.amount !== undefined ? Decimal.tryFrom(change.amount) : Decimal.from(order.amount);
    if (!price || !price.isPositive())
      fail('invalid-order', 'Enter a price above zero.', {
        fieldErrors: { price: 'Enter a price above zero.' },
      });
    if (!amount || !amount.gt(order.filled))
      fail('invalid-order', `The amount must be above what already filled (${order.filled}).`, {
        fieldErrors: { amount: `Must be above ${order.filled}.` },
      });
    const candidate: OrderRecord = { ...order, price: price.toString(), amount: amount.toString() };
    const decision = this.riskCheck({ ...candidate, filled: order.filled }, price, rules);
    const failed = this.decisionFails(decision, candidate);
    if (failed) {
      await this.write({
        audit: [
          this.entry(
            'order-rejected',
            order,
            failed.rule,
            `Amend refused: ${failed.message}`,
            flat(failed.details),
          ),
        ],
      });
      fail('rejected', failed.message, { rule: failed.rule, checks: decision.checks });
    }
    // Cancel-replace semantics: the funds are held again at the new price and the order joins the back of the queue.
    let account = release(this.account as PaperAccount, {
      asset: order.holdsAsset,
      amount: Decimal.from(order.holds),
    });
    const r = reserveFor(
      account,
      { side: order.side, amount: amount.sub(order.filled), limit: order.side === 'buy' ? price : null },
      rules,
    );
    if (!r.ok) {
      await this.write({
        audit: [this.entry('order-rejected', order, 'balance', `Amend refused: ${r.message}`)],
      });
      fail('rejected', r.message, { rule: 'balance' });
    }
    account = r.account;
    const book = this.link.books.get(order.symbol);
    const ahead = book ? sizeAt(order.side === 'buy' ? book.bids : book.asks, price.toNumber()) : 0;
    const amended: OrderRecord = {
      ...candidate,
      holds: r.reservation.amount.toString(),
      holdsAsset: r.reservation.asset,
      queueAhead: Decimal.from(ahead).toString(),
      updatedAt: this.now(),
    };
    await this.write({
      account,
      orders: [amended],
      audit: [
        this.entry(
          'order-amended',
          order,
          null,
          `Amended to ${amended.amount} at ${amended.price} (was ${order.amount} at ${order.price}).`,
        ),
      ],
    });
  }

  private async closeNow(symbol: string, source: 'close' | 'flatten'): Promise<void> {
    const position = this.positions.get(symbol);
    const rules = this.rules.get(symbol);
    if (!position || !rules) fail('not-found', `There is no ${symbol} position to close.`);
    const free = balanceOf((this.account as PaperAccount).balances, rules.base);
    const amount = Decimal.min(Decimal.from(position.amount), free).roundToStep(rules.step, 'floor');
    if (!amount.isPositive())
      fail(
        'nothing-to-close',
        `Nothing of ${symbol} is free to sell (open orders may hold it: cancel them first).`,
      );
    const id = this.newId();
    const built = buildOrders(
      {
        kind: 'order',
        order: { symbol, side: 'sell', type: 'market', amount: amount.toString(), reduceOnly: true },
      },
      this.orderContext(rules),
      () => id,
      null,
    );
    const order = built.orders[0];
    if (!order) fail('invalid-order', Object.values(built.errors).join(' '));
    const closing = { ...order, source };
    // Through the gate like every order (with a fresh book for symbols not streamed); a halt does not
    // stop a close, since closing only reduces risk.
    const book = await this.bookFor(symbol);
    const ref = book ? estimateFill('sell', amount, book, rules).avgPrice : null;
    const decision = this.riskCheck(closing, ref, rules);
    const failed = this.decisionFails(decision, closing);
    if (failed) {
      await this.write({
        audit: [this.entry('order-rejected', closing, failed.rule, failed.message, flat(failed.details))],
      });
      fail('rejected', failed.message, { rule: failed.rule, checks: decision.checks });
    }
    await this.accept([closing], rules, source === 'flatten' ? 'Kill switch: flatten' : 'Close position');
  }

  private async killNow(flatten: boolean): Promise<void> {
    if (!this.account) await this.ensureAccount();
    const now = this.now();
    const state = tripKillSwitch(this.breaker ?? initialBreakerState(this.equity(), now), now);
    const algos = [...this.algos.values()]
      .filter((a) => a.status === 'running' || a.status === 'paused')
      .map((a) => ({ ...a, status: 'cancelled' as const, reason: 'Kill switch.', updatedAt: now }));
    await this.write({
      state: [{ key: breakerKey(this.accountId), value: state }],
      algos,
      audit: [
        this.entry(
          'kill-switch',
          null,
          'kill-switch',
          `Kill switch: ${this.open.size} open orders cancelled, ${algos.length} algos stopped${flatten ? ', positions flattened' : ''}. New orders are refused until re-armed.`,
        ),
      ],
    });
    for (const order of [...this.open.values()]) await this.finish(order, 'cancelled', 'Kill switch.', []);
    if (flatten)
      for (const p of [...this.positions.values()])
        if (Decimal.from(p.amount).isPositive())
          await this.closeNow(p.symbol, 'flatten').catch((e: unknown) =>
            this.notice('warn', asError(e).message),
          );
    this.notice('warn', 'Kill switch engaged: trading is halted until you re-arm.');
  }

  private async rearmNow(): Promise<void> {
    if (!this.breaker?.halted) return;
    const result = rearmBreaker(this.breaker, this.equity(), this.now(), this.limits);
    if (!result.ok) fail('rearm-refused', result.message);
    await this.write({
      state: [{ key: breakerKey(this.accountId), value: result.state }],
      audit: [this.entry('rearm', null, this.breaker.rule, 'Re-armed: trading allowed again.')],
    });
  }

  private async setLimitsNow(input: unknown): Promise<RiskLimits> {
    const parsed = parseRiskLimits(input);
    if (!parsed.ok)
      fail('invalid-limits', parsed.errors.map((e) => e.message).join(' '), {
        fieldErrors: Object.fromEntries(parsed.errors.map((e) => [e.field, e.message])),
      });
    const before = this.limits;
    const changed = (Object.keys(parsed.limits) as Array<keyof RiskLimits>).filter(
      (k) => String(parsed.limits[k]) !== String(before[k]),
    );
    await this.write({
      state: [{ key: limitsKey, value: parsed.limits }],
      audit: [
        this.entry(
          'settings',
          null,
          null,
          changed.length
            ? `Risk limits changed: ${changed.map((k) => `${k} ${before[k]} → ${parsed.limits[k]}`).join(', ')}.`
            : 'Risk limits saved unchanged.',
        ),
      ],
    });
    this.limits = parsed.limits;
    this.publish();
    return parsed.limits;
  }

  private async configureNow(settings: PaperSettings | null, reset: boolean): Promise<void> {
    if (!this.account) await this.ensureAccount();
    const account = this.account as PaperAccount;
    let starting = account.starting;
    let latencyMs = account.latencyMs;
    if (settings) {
      const balances: Record<string, string> = {};
      const problems: string[] = [];
      if (!settings.balances || typeof settings.balances !== 'object')
        problems.push('Enter starting balances.');
      for (const [asset, value] of Object.entries(settings.balances ?? {})) {
        const d = Decimal.tryFrom(value);
        if (!/^[A-Z0-9]{1,12}$/.test(asset))
          problems.push(`"${asset.slice(0, 16)}" is not an asset symbol (like USDT).`);
        else if (!d || d.isNegative() || d.gt('1e12'))
          problems.push(`${asset}: enter an amount from 0 to 1,000,000,000,000.`);
        else if (!d.isZero()) balances[asset] = d.toString();
      }
      const latency = Number(settings.latencyMs);
      if (!Number.isInteger(latency) || latency < 0 || latency > 10_000)
        problems.push('Latency must be a whole number of ms from 0 to 10,000.');
      if (problems.length) fail('invalid-settings', problems.join(' '));
      latencyMs = latency;
      if (!reset) {
        // Changing balances without a reset would be a deposit dressed as profit: it needs a reset.
        reset = JSON.stringify(balances) !== JSON.stringify(account.starting);
      }
      starting = balances;
    }
    const now = this.now();
    if (!reset) {
      await this.write({
        account: { ...account, latencyMs },
        audit: [this.entry('account', null, null, `Paper latency set to ${latencyMs} ms.`)],
      });
      return;
    }
    const fresh: PaperAccount = {
      ...account,
      balances: { ...starting },
      reserved: {},
      starting: { ...starting },
      latencyMs,
      resetAt: now,
    };
    const breaker = initialBreakerState(Decimal.from(starting[valuationAsset] ?? '0'), now);
    await this.deps.store.resetAccount(
      fresh,
      this.entry('account', null, null, `Paper account reset to ${describe(starting)}.`),
      [{ key: breakerKey(this.accountId), value: breaker }],
    );
    await this.reload();
    this.deps.link.notifyChanged();
  }
}

function symbolOf(r: PlaceRequest): string {
  const inner =
    r && typeof r === 'object'
      ? ((r as Record<string, unknown>)[r.kind] as { symbol?: unknown } | undefined)
      : undefined;
  return typeof inner?.symbol === 'string' ? inner.symbol : '';
}

function sideOf(r: PlaceRequest): 'buy' | 'sell' {
  const inner =
    r && typeof r === 'object'
      ? ((r as Record<string, unknown>)[r.kind] as { side?: unknown } | undefined)
      : undefined;
  return inner?.side === 'sell' ? 'sell' : 'buy';
}

function amountOf(r: PlaceRequest): unknown {
  const inner =
    r && typeof r === 'object'
      ? ((r as Record<string, unknown>)[r.kind] as { amount?: unknown } | undefined)
      : undefined;
  return inner?.amount;
}

function sizeAt(levels: Float64Array, price: number): number {
  for (let i = 0; i + 1 < levels.length; i += 2) if (levels[i] === price) return levels[i + 1] as number;
  return 0;
}

function describe(balances: Record<string, string>): string {
  const parts = Object.entries(balances).map(([a, v]) => `${v} ${a}`);
  return parts.length ? parts.join(', ') : 'nothing';
}

function describeOrder(o: OrderRecord, rules: MarketRules): string {
  const at = o.price ? ` at ${o.price}` : '';
  const trigger = o.stopPrice
    ? ` (trigger ${o.stopPrice})`
    : o.trail
      ? ` (trail ${o.trail.value}${o.trail.kind === 'percent' ? ' %' : ''})`
      : '';
  return `${o.type} ${o.side} ${o.amount} ${rules.base}${at}${trigger}`;
}

function flat(details: Record<string, unknown>): AuditEntry['details'] {
  const out: AuditEntry['details'] = {};
  for (const [k, v] of Object.entries(details ?? {}))
    out[k] = typeof v === 'number' || typeof v === 'boolean' || v === null ? v : String(v);
  return out;
}
