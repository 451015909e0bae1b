import { Decimal } from '../../money/decimal.js';
import type { MarketRules } from '../../money/market-rules.js';
import type { EngineError } from '../../shared/errors.js';
import { fail } from '../failures.js';
import { isTerminal, transition } from '../order-state.js';
import { PaperDesk } from '../paper-desk.js';
import { emptyPosition, updatePosition } from '../paper/paper-ledger.js';
import { observeClosedTrade } from '../risk/breakers.js';
import { breakerKey } from '../trading-state.js';
import type { TradingChanges } from '../trading-store.js';
import type { TwinHooks } from '../twin/twin-hooks.js';
import type { AuditEntry, OrderRecord, PaperAccount } from '../types.js';
import {
  isEmulatedOnLive,
  toFillRecord,
  type ExchangeOrderState,
  type ExchangeTrade,
} from './exchange-orders.js';
import type { LiveBalances, LiveVenue, SendResult } from './live-venue.js';

/**
 * The desk for an exchange account. It keeps the paper desk's rules for what Lyra itself decides (the
 * outbox, emulated triggers, one-cancels-the-other, bracket exits) and hands execution to the exchange:
 * an order is stored before it is sent, sent with its client order id, and changed only by what the
 * exchange reports. Balances are the exchange's; Lyra holds nothing of its own for live orders.
 * With no venue attached it is the paper desk.
 */
export class LiveDesk extends PaperDesk {
  venue: LiveVenue | null = null;
  /** Paper twins: each live order's twin starts as it goes out and stops when it ends. */
  twins: TwinHooks | null = null;
  /** Told each order's first acknowledgement and how long it took (the monitor's round-trip histogram). */
  onAcknowledged: ((venue: 'paper' | 'live', ms: number) => void) | null = null;
  /** Orders with a request on the way: a tick must not send them again meanwhile. */
  private readonly inFlight = new Set<string>();
  /**
   * Trades for exchange order ids Lyra does not know yet: the stream can be faster than the reply that
   * tells Lyra its order's exchange id. Kept briefly (bounded) and booked once the id is known.
   */
  private readonly early = new Map<string, ExchangeTrade[]>();

  /** A live account's orders never touch the paper matcher, even while its venue is closed. */
  private get live(): boolean {
    return this.ctx.state.account?.live !== undefined;
  }

  private requireVenue(): LiveVenue {
    if (!this.venue)
      fail(
        'live-closed',
        'This live account is not connected: unlock the vault (Settings → Vault) to trade on it.',
      );
    return this.venue;
  }

  override async accept(
    orders: OrderRecord[],
    rules: MarketRules,
    verb: string,
    extra: Partial<TradingChanges> = {},
  ): Promise<void> {
    if (!this.live) return super.accept(orders, rules, verb, extra);
    this.requireVenue();
    const { ctx } = this;
    const audit: AuditEntry[] = [...(extra.audit ?? [])];
    for (const o of orders)
      audit.push(
        ctx.entry(
          'order-accepted',
          o,
          null,
          `${verb}: ${o.type} ${o.side} ${o.amount} ${rules.base}${o.price ? ` at ${o.price}` : ''}.`,
          {
            amount: o.amount,
            price: o.price,
            stopPrice: o.stopPrice,
          },
        ),
      );
    // The outbox: stored (with the audit entry) before anything is sent.
    await ctx.write({ ...extra, orders: [...(extra.orders ?? []), ...orders], audit });
    for (const o of orders) {
      const current = ctx.state.open.get(o.id);
      if (current && !isEmulatedOnLive(current)) await this.execute(current);
    }
  }

  /** Sends an order that is due (new, or an emulated one that triggered). */
  override async execute(order: OrderRecord): Promise<void> {
    if (!this.live) return this.executePaper(order);
    // Closed venue: the order waits in the outbox until the account is connected again.
    if (!this.venue || this.inFlight.has(order.id) || order.exchangeOrderId) return;
    this.inFlight.add(order.id);
    try {
      // The same moment and the same book: a new order, a triggered emulated one, or a resend (once).
      await this.twins?.start(order);
      const sentAt = performance.now();
      const result = await this.venue.send(order);
      // The same definition as paper: the venue's first answer, accepted or rejected. A request whose
      // fate is unknown (network, retries spent) got no answer and is no sample.
      if (result.ok || (!result.error.retryable && result.error.code !== 'not-sendable'))
        this.onAcknowledged?.('live', performance.now() - sentAt);
      await this.afterRequest(order, result, 'sent');
    } finally {
      this.inFlight.delete(order.id);
    }
  }

  /**
   * A paper order is answered when the matcher first takes it: it leaves pending-new, accepted or rejected,
   * as a live order is answered by the exchange. It leaves Lyra when it is created (the account's
   * simulated latency stands for the network), so its round trip runs from there.
   */
  private async executePaper(order: OrderRecord): Promise<void> {
    const waiting = order.status === 'pending-new';
    await super.execute(order);
    if (!waiting || !this.onAcknowledged) return;
    const now = this.ctx.state.open.get(order.id);
    if (now?.status !== 'pending-new')
      this.onAcknowledged('paper', Math.max(0, this.ctx.now() - order.createdAt));
  }

  /** Orders stored but never confirmed by the exchange (a crash, a failed network): sent again, same id. */
  async sendPending(): Promise<void> {
    if (!this.venue) return;
    for (const o of [...this.ctx.state.open.values()])
      if (!o.exchangeOrderId && !isEmulatedOnLive(o) && !this.inFlight.has(o.id)) await this.execute(o);
  }

  /** An order ended (cancelled, expired, rejected): its twin's remainder ends at the same moment. */
  override async finish(
    order: OrderRecord,
    status: 'cancelled' | 'expired' | 'rejected',
    reason: string,
    audit: AuditEntry[],
    extra: TradingChanges = { audit: [] },
    cascade = true,
  ): Promise<void> {
    await super.finish(order, status, reason, audit, extra, cascade);
    if (this.live) await this.twins?.ended(order.id, status);
  }

  override async cancel(orderId: string, reason: string): Promise<void> {
    if (!this.live) return super.cancel(orderId, reason);
    const order = await this.openToCancel(orderId);
    if (order) await this.end(order, reason, true);
  }

  override async cancelOtherLegs(order: OrderRecord, reason: string): Promise<void> {
    if (!this.live) return super.cancelOtherLegs(order, reason);
    const group = order.group;
    if (!group || !(group.kind === 'oco' || (group.kind === 'bracket' && group.role !== 'entry'))) return;
    for (const other of [...this.ctx.state.open.values()])
      if (other.id !== order.id && other.group?.id === group.id && other.group.role !== 'entry')
        await this.end(other, reason, false);
  }

  /** Ends an order: at the exchange first when it is there, locally when Lyra still holds it. */
  private async end(order: OrderRecord, reason: string, cascade: boolean): Promise<void> {
    if (!order.exchangeOrderId && isEmulatedOnLive(order))
      return this.finish(order, 'cancelled', reason, [], { audit: [] }, cascade);
    const venue = this.requireVenue();
    if (!order.exchangeOrderId) {
      // Stored but not confirmed: it may still be on its way, so look before calling it gone.
      const found = await venue.lookup(order);
      if (!found.ok && found.error.code === 'order-not-found')
        return this.finish(order, 'cancelled', reason, [], { audit: [] }, cascade);
      if (found.ok) order = { ...order, exchangeOrderId: found.state.exchangeOrderId };
    }
    const result = await venue.cancel(order);
    await this.afterRequest(order, result, 'cancelled', reason, cascade);
  }

  /** What the exchange said about an order, applied; a refusal ends the order with the exchange's reason. */
  private async afterRequest(
    order: OrderRecord,
    result: SendResult,
    action: 'sent' | 'cancelled',
    reason?: string,
    cascade = true,
  ): Promise<void> {
    const { ctx } = this;
    if (result.ok) {
      await this.onOrder(result.state, reason, cascade);
      return;
    }
    const error = result.error;
    if (action === 'cancelled') {
      ctx.notice('error', `Could not cancel ${order.id}: ${error.message}`);
      await ctx.write({
        audit: [
          ctx.entry(
            'order-cancelled',
            order,
            'exchange',
            `Cancel failed: ${error.message}`,
            detailsOf(error),
          ),
        ],
      });
      return;
    }
    if (error.retryable) {
      // Its fate is unknown (the exchange was unreachable): it stays in the outbox and is sent again,
      // with the same client id, on a later tick.
      ctx.notice('warn', `${order.symbol} order not confirmed yet: ${error.message}`);
      return;
    }
    const current = { ...(ctx.state.open.get(order.id) ?? order), reasonCode: error.code };
    await this.finish(
      current,
      'rejected',
      error.message,
      [ctx.entry('order-rejected', current, 'exchange', error.message, detailsOf(error))],
      { audit: [], orders: [current] },
    );
  }

  /** An order update from the exchange (a reply, the stream, a poll). */
  async onOrder(state: ExchangeOrderState, reason?: string, cascade = true): Promise<void> {
    const { ctx } = this;
    const id = state.clientOrderId;
    const order = id ? ctx.state.open.get(id) : this.byExchangeId(state.exchangeOrderId);
    if (!order) return; // not Lyra's, or already final here
    let next: OrderRecord = order.exchangeOrderId
      ? order
      : { ...order, exchangeOrderId: state.exchangeOrderId };
    const audit: AuditEntry[] = [];
    if (!order.exchangeOrderId)
      audit.push(
        ctx.entry(
          'order-sent',
          order,
          null,
          `Sent to ${order.exchange}: exchange order ${state.exchangeOrderId}.`,
        ),
      );
    // Fills move the order (with their fees) when their trades arrive; here only the lifecycle moves.
    if (state.status === 'cancelled' || state.status === 'expired' || state.status === 'rejected') {
      // An order that ends with fills Lyra has not booked yet (a partial fill, then a cancel) gets them
      // first: once it is final here, a late trade would find no open order to book into.
      if (state.filled.gt(order.filled)) {
        if (!order.exchangeOrderId) {
          await ctx.write({ orders: [next], audit });
          audit.length = 0;
        }
        await this.catchUp(next);
        next = ctx.state.open.get(order.id) ?? next;
        if (isTerminal(next.status)) return;
      }
      const words =
        state.status === 'cancelled'
          ? (reason ?? 'Cancelled on the exchange.')
          : `The exchange reports it ${state.status}.`;
      await this.finish(
        { ...next, updatedAt: ctx.now() },
        state.status,
        words,
        audit,
        { audit: [] },
        cascade,
      );
      return;
    }
    if (next.status === 'pending-new') next = transition(next, 'open');
    if (next !== order || audit.length)
      await ctx.write({ orders: [{ ...next, updatedAt: ctx.now() }], audit });
    // Read after the write: a trade that arrived while it ran found no order by this exchange id yet
    // and was kept aside too; read before, it would stay there and the order would never fill.
    const waiting = order.exchangeOrderId ? undefined : this.early.get(state.exchangeOrderId);
    if (waiting) {
      this.early.delete(state.exchangeOrderId);
      for (const t of waiting) await this.onTrade(t);
    }
  }

  private keepEarly(trade: ExchangeTrade): void {
    const list = this.early.get(trade.exchangeOrderId) ?? [];
    list.push(trade);
    this.early.set(trade.exchangeOrderId, list);
    // Trades of other clients' orders on the same account also land here; keep only the newest few.
    while (this.early.size > 100) this.early.delete(this.early.keys().next().value as string);
  }

  /** Books the order's trades that have not arrived yet, straight from the exchange. */
  private async catchUp(order: OrderRecord): Promise<void> {
    const trades = await this.venue?.tradesSince(order.symbol, order.createdAt - 60_000);
    if (!Array.isArray(trades)) return;
    for (const t of trades) if (t.exchangeOrderId === order.exchangeOrderId) await this.onTrade(t);
  }

  /** A fill from the exchange: booked once (its id is the exchange's), with the fee the exchange charged. */
  async onTrade(trade: ExchangeTrade): Promise<void> {
    const { ctx } = this;
    const { state } = ctx;
    const order = this.byExchangeId(trade.exchangeOrderId);
    if (!order) {
      this.keepEarly(trade);
      return;
    }
    const rules = state.rules.get(order.symbol);
    if (!rules) return;
    const fill = toFillRecord(trade, order);
    if (state.fills.some((f) => f.id === fill.id) || (await ctx.store.hasFill(fill.id))) return;
    const filled = Decimal.from(order.filled).add(trade.amount);
    if (filled.gt(order.amount)) {
      ctx.notice(
        'error',
        `The exchange reported more fills for ${order.id} than its amount; the extra is ignored.`,
      );
      return;
    }
    // The position carries the fee in quote terms. A fee taken from the base bought shrinks what is
    // held; valued at the fill price it keeps the cost basis exact.
    const feeInBase = trade.feeAsset === rules.base;
    const feeQuote =
      trade.feeAsset === rules.quote ? trade.fee : feeInBase ? trade.fee.mul(trade.price) : Decimal.ZERO;
    const heldAmount = feeInBase && trade.side === 'buy' ? trade.amount.sub(trade.fee) : trade.amount;
    const position = state.positions.get(order.symbol) ?? emptyPosition(state.accountId, rules, trade.time);
    const updated = updatePosition(
      position,
      {
        id: fill.id,
        side: trade.side,
        price: trade.price,
        amount: heldAmount,
        liquidity: trade.liquidity,
        time: trade.time,
      },
      feeQuote,
      rules,
    );
    const status = filled.eq(order.amount) ? 'filled' : 'partially-filled';
    const next: OrderRecord = {
      ...(order.status === status && status === 'partially-filled' ? order : transition(order, status)),
      filled: filled.toString(),
      cost: Decimal.from(order.cost).add(trade.price.mul(trade.amount)).toString(),
      fee: Decimal.from(order.fee).add(feeQuote).toString(),
      feeAsset: rules.quote,
      updatedAt: ctx.now(),
    };
    const audit = [
      ctx.entry(
        'order-filled',
        next,
        null,
        `${trade.side === 'buy' ? 'Bought' : 'Sold'} ${trade.amount} ${rules.base} at ${trade.price} on ${order.exchange} (${trade.liquidity}, fee ${trade.fee} ${trade.feeAsset}).`,
        { price: trade.price.toString(), amount: trade.amount.toString(), liquidity: trade.liquidity },
      ),
    ];
    let breaker = state.breaker;
    if (updated.closed && breaker) {
      const observed = observeClosedTrade(breaker, Decimal.from(updated.closed.pnl), ctx.now(), state.limits);
      breaker = observed.state;
      if (observed.tripped)
        audit.push(ctx.entry('halt', next, observed.tripped.rule, observed.tripped.message));
    }
    await ctx.write({
      orders: [next],
      fills: [fill],
      positions: [updated.position],
      closedTrades: updated.closed ? [updated.closed] : [],
      state:
        breaker && breaker !== state.breaker ? [{ key: breakerKey(state.accountId), value: breaker }] : [],
      audit,
    });
    if (next.status === 'filled') await this.twins?.ended(next.id, 'filled');
    await this.afterChange(next, rules);
  }

  /** The exchange's balances replace the account's: free and locked, exactly as reported. */
  async onBalances(balances: LiveBalances): Promise<void> {
    const account = this.ctx.state.account as PaperAccount | null;
    if (!account) return;
    if (sameRecord(account.balances, balances.free) && sameRecord(account.reserved, balances.locked)) return;
    await this.ctx.write({
      account: { ...account, balances: balances.free, reserved: balances.locked },
      audit: [],
    });
  }

  private byExchangeId(exchangeOrderId: string): OrderRecord | undefined {
    for (const o of this.ctx.state.open.values()) if (o.exchangeOrderId === exchangeOrderId) return o;
    return undefined;
  }
}

function detailsOf(error: EngineError): AuditEntry['details'] {
  return { code: error.code, ...(error.details ?? {}) };
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (!Decimal.from(a[k] ?? '0').eq(b[k] ?? '0')) return false;
  return true;
}
