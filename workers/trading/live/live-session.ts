import { openAccount } from '../../exchange/private-exchange.js';
import { fromPrivateError } from '../../exchange/private-errors.js';
import { EngineFailure, engineError, type EngineError } from '../../shared/errors.js';
import type { AccountSummary, CredentialSource } from '../../vault/api.js';
import type { TradingContext } from '../trading-context.js';
import type { PaperAccount } from '../types.js';
import { connectionFor } from './account-connection.js';
import type { LiveDesk } from './live-desk.js';
import { LiveVenue, type LiveFeedStatus } from './live-venue.js';

export interface LiveSessionDeps {
  credentials: CredentialSource;
  /** The app's origin: the relay and the sandbox live there. */
  origin: string;
  /** Every reaction to the exchange runs in the trading engine's one queue. */
  serial: <T>(work: () => Promise<T>) => Promise<T>;
}

export interface LiveState {
  status: LiveFeedStatus | 'off';
  error: EngineError | null;
}

/** How far back a reconcile looks for fills before the newest one it has (clocks differ a little). */
const overlapMs = 60_000;

/**
 * The leader's connection to a live account: opens ccxt with the vault's credentials, runs the venue,
 * and on start reconciles what the exchange did while Lyra was away. The secret exists as a string only
 * inside ccxt's instance (its signing is synchronous, so it cannot use a WebCrypto key): that instance
 * is dropped as soon as the vault locks or the account changes.
 */
export class LiveSession {
  state: LiveState = { status: 'off', error: null };
  private venue: LiveVenue | null = null;

  constructor(
    private readonly ctx: TradingContext,
    private readonly desk: LiveDesk,
    private readonly deps: LiveSessionDeps,
  ) {}

  get active(): boolean {
    return this.venue !== null;
  }

  /** Opens the account; fails plainly (vault locked, key refused) without touching what is stored. */
  async open(summary: Pick<AccountSummary, 'id' | 'exchange' | 'venue'>): Promise<void> {
    await this.close();
    const credentials = await this.deps.credentials.credentialsFor(summary.id);
    const exchange = await openAccount(
      connectionFor({ exchange: summary.exchange, venue: summary.venue }, credentials, this.deps.origin),
    );
    const { ctx, deps } = this;
    const venue = new LiveVenue(exchange, (s) => ctx.state.rules.get(s), {
      order: (s) => deps.serial(() => this.desk.onOrder(s)),
      trade: (t) => deps.serial(() => this.desk.onTrade(t)),
      balances: (b) => deps.serial(() => this.desk.onBalances(b)),
      status: (status, error) => {
        // A venue being closed reports "stopped" after the session has moved on: not news any more.
        if (this.venue !== venue) return;
        this.state = { status, error };
        if (error && status === 'polling')
          ctx.notice(
            'warn',
            `Live updates interrupted (${error.message}) — checking the exchange every few seconds.`,
          );
        ctx.publish();
      },
      problem: (message) => ctx.notice('warn', message),
    });
    this.venue = venue;
    this.desk.venue = venue;
    this.state = { status: 'connecting', error: null };
  }

  /** The account record for a live account, created from the exchange's balances on first use. */
  async accountFor(summary: AccountSummary, accountId: string): Promise<PaperAccount> {
    const venue = this.requireVenue();
    const balances = await venue.balances();
    if (!('free' in balances)) throw new EngineFailure(balances);
    const now = this.ctx.now();
    return {
      id: accountId,
      exchange: summary.exchange,
      name: summary.label,
      live: { vaultId: summary.id, venue: summary.venue },
      balances: balances.free,
      reserved: balances.locked,
      starting: { ...balances.free },
      latencyMs: 0,
      createdAt: now,
      resetAt: now,
    };
  }

  /**
   * Catches up with the exchange: fills first (an order cancelled after a partial fill must not end
   * before its fills are booked), then each open order's state; an order stored but never confirmed is
   * looked up and, if the exchange never got it, sent now with the same client id.
   */
  async reconcile(): Promise<{ fills: number; orders: number }> {
    const venue = this.requireVenue();
    const { state } = this.ctx;
    const open = [...state.open.values()];
    const newestFill = state.fills.reduce((t, f) => Math.max(t, f.time), 0);
    const since = Math.max(0, (newestFill || (state.account?.createdAt ?? 0)) - overlapMs);
    let fills = 0;
    for (const symbol of new Set(open.map((o) => o.symbol))) {
      venue.watch(symbol, since);
      const trades = await venue.tradesSince(symbol, since);
      if (!Array.isArray(trades)) throw new EngineFailure(trades);
      for (const t of trades) {
        const before = state.fills.length;
        await this.desk.onTrade(t);
        if (state.fills.length !== before) fills++;
      }
    }
    let orders = 0;
    for (const o of open) {
      const current = state.open.get(o.id);
      if (!current || (!current.exchangeOrderId && current.status !== 'pending-new')) continue;
      const found = await venue.lookup(current);
      if (found.ok) {
        await this.desk.onOrder(found.state);
        orders++;
      } else if (found.error.code === 'order-not-found' && current.status === 'pending-new') {
        await this.desk.execute(current);
        orders++;
      }
    }
    return { fills, orders };
  }

  /** Starts the user-data stream (and its polling fallback). */
  start(): void {
    this.requireVenue().start();
  }

  async close(): Promise<void> {
    const venue = this.venue;
    this.venue = null;
    this.desk.venue = null;
    this.state = { status: 'off', error: null };
    await venue?.stop();
  }

  private requireVenue(): LiveVenue {
    if (!this.venue) throw new EngineFailure(engineError('live-closed', 'The live account is not open.'));
    return this.venue;
  }
}

/** A failure while opening a live account, as data for the page. */
export function liveOpenError(e: unknown): EngineError {
  return e instanceof EngineFailure ? e.error : fromPrivateError(e);
}
