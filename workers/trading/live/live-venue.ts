import type { MarketRules } from '../../money/market-rules.js';
import { Decimal } from '../../money/decimal.js';
import type { CcxtPrivate } from '../../exchange/private-exchange.js';
import { fromPrivateError } from '../../exchange/private-errors.js';
import { engineError, type EngineError } from '../../shared/errors.js';
import type { OrderRecord } from '../types.js';
import {
  readExchangeOrder,
  readExchangeTrade,
  toExchangeRequest,
  type ExchangeOrderState,
  type ExchangeTrade,
} from './exchange-orders.js';

/** What the venue reports to the trading engine; each call is awaited, in order. */
export interface LiveVenueEvents {
  order(state: ExchangeOrderState): Promise<void>;
  trade(trade: ExchangeTrade): Promise<void>;
  balances(balances: LiveBalances): Promise<void>;
  status(status: LiveFeedStatus, error: EngineError | null): void;
  /** A reply Lyra could not read: reported, never acted on. */
  problem(message: string): void;
}

export interface LiveBalances {
  free: Record<string, string>;
  locked: Record<string, string>;
}

export type LiveFeedStatus = 'connecting' | 'streaming' | 'polling' | 'stopped';

export type SendResult = { ok: true; state: ExchangeOrderState } | { ok: false; error: EngineError };

export interface LiveVenueOptions {
  /** Fallback polling period while the user-data stream is down. */
  pollMs: number;
  /** Backoff before a retry of a request whose fate is unknown (network), doubled each time. */
  retryMs: number;
  retries: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaults: LiveVenueOptions = { pollMs: 5000, retryMs: 500, retries: 3 };

/**
 * One exchange account, as the trading engine sees it: orders go out with Lyra's client order id (so a
 * resend can never make a second order), fills and order changes come back from the user-data stream,
 * and from polling while the stream is down. Nothing here decides about money; it reports.
 */
export class LiveVenue {
  private readonly options: LiveVenueOptions;
  private readonly sleep: (ms: number) => Promise<void>;
  private running = false;
  private pollTimer: ReturnType<typeof setTimeout> | null = null;
  private streaming = false;
  /** Symbols with orders this session knows of: polled for trades while the stream is down. */
  private readonly watched = new Map<string, number>();

  constructor(
    private readonly exchange: CcxtPrivate,
    private readonly rulesFor: (symbol: string) => MarketRules | undefined,
    private readonly events: LiveVenueEvents,
    options: Partial<LiveVenueOptions> = {},
  ) {
    this.options = { ...defaults, ...options };
    this.sleep = this.options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /**
   * Sends an order. A network failure leaves its fate unknown, so the venue asks the exchange for the
   * client order id before sending again; a duplicate refusal means it arrived the first time.
   */
  async send(order: OrderRecord): Promise<SendResult> {
    const request = toExchangeRequest(order);
    if (!request)
      return { ok: false, error: engineError('not-sendable', 'Lyra holds this order until it triggers.') };
    this.watch(order.symbol, order.createdAt);
    let delay = this.options.retryMs;
    for (let attempt = 0; ; attempt++) {
      try {
        const reply = await this.exchange.createOrder(
          request.symbol,
          request.type,
          request.side,
          request.amount,
          request.price,
          request.params,
        );
        return this.read(reply, order);
      } catch (e) {
        const error = fromPrivateError(e);
        if (error.code === 'duplicate-order') return this.lookup(order);
        if (!error.retryable || attempt >= this.options.retries) {
          if (error.retryable) {
            // Still unknown after the retries: ask once more before calling it failed.
            const found = await this.lookup(order);
            if (found.ok) return found;
          }
          return { ok: false, error };
        }
        await this.sleep(delay);
        delay *= 2;
        const found = await this.lookup(order);
        if (found.ok) return found;
      }
    }
  }

  /** Asks the exchange to cancel; an order it no longer knows as open is reported as it stands. */
  async cancel(order: OrderRecord): Promise<SendResult> {
    try {
      const reply = await this.exchange.cancelOrder(undefined, order.symbol, { clientOrderId: order.id });
      return this.read(reply, order);
    } catch (e) {
      const error = fromPrivateError(e);
      if (error.code === 'order-not-found') return this.lookup(order);
      return { ok: false, error };
    }
  }

  /** The order as the exchange has it now, by Lyra's client order id. */
  async lookup(order: Pick<OrderRecord, 'id' | 'symbol'>): Promise<SendResult> {
    try {
      const reply = await this.exchange.fetchOrder(undefined, order.symbol, { clientOrderId: order.id });
      return this.read(reply, order);
    } catch (e) {
      return { ok: false, error: fromPrivateError(e) };
    }
  }

  async balances(): Promise<LiveBalances | EngineError> {
    try {
      return readBalances(await this.exchange.fetchBalance());
    } catch (e) {
      return fromPrivateError(e);
    }
  }

  /** Trades of one market since `since` (ms), oldest first, validated. */
  async tradesSince(symbol: string, since: number): Promise<ExchangeTrade[] | EngineError> {
    const rules = this.rulesFor(symbol);
    if (!rules) return engineError('bad-symbol', `Unknown market ${symbol}.`);
    try {
      const raw = await this.exchange.fetchMyTrades(symbol, since, 1000);
      return this.readTrades(Array.isArray(raw) ? raw : [], rules);
    } catch (e) {
      return fromPrivateError(e);
    }
  }

  /** Remembers a market to poll while the stream is down. */
  watch(symbol: string, since: number): void {
    const known = this.watched.get(symbol);
    if (known === undefined || since < known) this.watched.set(symbol, since);
  }

  /** Runs the user-data stream (orders, fills, balances), falling back to polling while it is down. */
  start(): void {
    if (this.running) return;
    this.running = true;
    // ccxt's watch calls resolve only when something happens, so there is no "subscribed" moment to
    // wait for: the stream counts as up until it fails, and polling covers it from then on.
    this.streaming = true;
    this.events.status('streaming', null);
    void this.loop(
      'orders',
      () => this.exchange.watchOrders(),
      (list) => this.ordersArrived(list),
    );
    void this.loop(
      'trades',
      () => this.exchange.watchMyTrades(),
      (list) => this.tradesArrived(list),
    );
    this.schedulePoll();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.events.status('stopped', null);
    try {
      await this.exchange.close();
    } catch {
      // Closing a socket that already failed is fine.
    }
  }

  private async loop(
    what: string,
    next: () => Promise<unknown>,
    handle: (list: unknown[]) => Promise<void>,
  ): Promise<void> {
    let delay = this.options.retryMs;
    while (this.running) {
      try {
        const list = await next();
        if (!this.running) return;
        if (!this.streaming) {
          this.streaming = true;
          this.events.status('streaming', null);
        }

        delay = this.options.retryMs;
        await handle(Array.isArray(list) ? list : []);
      } catch (e) {
        if (!this.running) return;
        const error = fromPrivateError(e);
        this.streaming = false;
        this.events.status('polling', { ...error, details: { ...error.details, stream: what } });
        // Refused credentials will not heal by retrying fast.
        await this.sleep(error.retryable ? delay : Math.max(delay, this.options.pollMs * 6));
        delay = Math.min(delay * 2, 30_000);
      }
    }
  }

  private schedulePoll(): void {
    if (!this.running) return;
    this.pollTimer = setTimeout(() => {
      void this.poll().finally(() => this.schedulePoll());
    }, this.options.pollMs);
  }

  /** While the stream is down, the open orders and recent trades are fetched instead. */
  private async poll(): Promise<void> {
    if (this.streaming || !this.running) return;
    for (const [symbol, since] of this.watched) {
      const trades = await this.tradesSince(symbol, since);
      if (!Array.isArray(trades)) continue;
      for (const t of trades) await this.events.trade(t);
      const last = trades.at(-1);
      if (last) this.watched.set(symbol, last.time);
    }
    try {
      const open = await this.exchange.fetchOpenOrders();
      await this.ordersArrived(Array.isArray(open) ? open : []);
    } catch {
      // The next poll tries again.
    }
    const balances = await this.balances();
    if ('free' in balances) await this.events.balances(balances);
  }

  private async ordersArrived(list: unknown[]): Promise<void> {
    for (const raw of list) {
      const symbol = (raw as { symbol?: unknown } | null)?.symbol;
      const parsed = readExchangeOrder(raw, typeof symbol === 'string' ? this.rulesFor(symbol) : undefined);
      if (!parsed.ok)
        this.events.problem(`An order update from the exchange was ignored: ${parsed.problem}.`);
      else await this.events.order(parsed.value);
    }
    if (list.length) {
      const balances = await this.balances();
      if ('free' in balances) await this.events.balances(balances);
    }
  }

  private async tradesArrived(list: unknown[]): Promise<void> {
    for (const raw of list) {
      const symbol = (raw as { symbol?: unknown } | null)?.symbol;
      const rules = typeof symbol === 'string' ? this.rulesFor(symbol) : undefined;
      const parsed = rules
        ? readExchangeTrade(raw, rules)
        : { ok: false as const, problem: 'unknown market' };
      if (!parsed.ok) this.events.problem(`A fill from the exchange was ignored: ${parsed.problem}.`);
      else await this.events.trade(parsed.value);
    }
  }

  private readTrades(list: unknown[], rules: MarketRules): ExchangeTrade[] {
    const trades: ExchangeTrade[] = [];
    for (const raw of list) {
      const parsed = readExchangeTrade(raw, rules);
      if (parsed.ok) trades.push(parsed.value);
      else this.events.problem(`A fill from the exchange was ignored: ${parsed.problem}.`);
    }
    return trades.sort((a, b) => a.time - b.time);
  }

  private read(reply: unknown, order: Pick<OrderRecord, 'id' | 'symbol'>): SendResult {
    const parsed = readExchangeOrder(reply, this.rulesFor(order.symbol));
    if (!parsed.ok)
      return {
        ok: false,
        error: engineError(
          'bad-response',
          `The exchange's answer about ${order.id} was unreadable: ${parsed.problem}.`,
          true,
        ),
      };
    // A reply to a request about one order is about that order: a cancel's reply carries the cancel
    // request's own client id (Binance), not the order's.
    return { ok: true, state: { ...parsed.value, clientOrderId: order.id } };
  }
}

/** ccxt's balance structure as exact decimal strings, free and locked per asset; zero rows dropped. */
export function readBalances(raw: unknown): LiveBalances | EngineError {
  if (!raw || typeof raw !== 'object')
    return engineError('bad-response', 'The exchange sent no balances.', true);
  const b = raw as { free?: Record<string, unknown>; used?: Record<string, unknown> };
  const free: Record<string, string> = {};
  const locked: Record<string, string> = {};
  for (const [into, from] of [
    [free, b.free],
    [locked, b.used],
  ] as const) {
    for (const [asset, value] of Object.entries(from ?? {})) {
      const d = Decimal.tryFrom(typeof value === 'number' ? String(value) : value);
      if (!d || d.isNegative())
        return engineError('bad-response', `The exchange sent a bad ${asset} balance.`, true);
      if (!d.isZero()) into[asset] = d.toString();
    }
  }
  return { free, locked };
}
