import { Decimal } from '../money/decimal.js';
import type { MarketRules } from '../money/market-rules.js';
import { fail } from './failures.js';
import { buildOrders } from './order-factory.js';
import { isTerminal, transition } from './order-state.js';
import { applyFill, balanceOf, release, reserveFor, reservedForFill } from './paper/paper-ledger.js';
import { matchOnArrival, type PaperFill } from './paper/paper-matcher.js';
import { observeClosedTrade } from './risk/breakers.js';
import { orderContext, type TradingContext } from './trading-context.js';
import { breakerKey } from './trading-state.js';
import type { TradingChanges } from './trading-store.js';
import type { AuditEntry, AuditKind, ClosedTrade, FillRecord, OrderRecord, PaperAccount } from './types.js';

/**
 * Paper execution: accepts orders and holds their funds, sends them into the paper matcher, books their
 * fills, ends them, and carries what one order's change means for the rest of its group.
 */
export class PaperDesk {
  /** While the kill switch runs, a bracket entry it cancels must not place new exits behind its back. */
  placingExits = true;

  constructor(protected readonly ctx: TradingContext) {}

  /** Reserves funds and stores the orders with their audit entries, in one transaction. */
  async accept(
    orders: OrderRecord[],
    rules: MarketRules,
    verb: string,
    extra: Partial<TradingChanges> = {},
  ): Promise<void> {
    const { ctx } = this;
    let account = ctx.state.account as PaperAccount;
    const held: OrderRecord[] = [];
    const audit: AuditEntry[] = [...(extra.audit ?? [])];
    for (const order of orders) {
      const holding = holdingFor(order, held);
      let o = order;
      if (holding) {
        const r = reserveFor(account, holding, rules);
        if (!r.ok) {
          await ctx.write({ audit: [ctx.entry('order-rejected', order, 'balance', r.message)] });
          fail('rejected', r.message, { rule: 'balance' });
        }
        account = r.account;
        o = { ...o, holds: r.reservation.amount.toString(), holdsAsset: r.reservation.asset };
      }
      held.push(o);
      audit.push(
        ctx.entry('order-accepted', o, null, `${verb}: ${describeOrder(o, rules)}.`, {
          amount: o.amount,
          price: o.price,
          stopPrice: o.stopPrice,
        }),
      );
    }
    await ctx.write({ ...extra, account, orders: [...(extra.orders ?? []), ...held], audit });
  }

  /** Sends a market or limit order (or a triggered one) into the paper matcher against the current book. */
  async execute(order: OrderRecord): Promise<void> {
    const { ctx } = this;
    const rules = ctx.state.rules.get(order.symbol);
    const book = await ctx.bookFor(order.symbol);
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
    const now = ctx.now();
    if (result.rejected) {
      await this.finish(order, order.status === 'pending-new' ? 'rejected' : 'expired', result.rejected, [
        ctx.entry('order-rejected', order, order.postOnly ? 'post-only' : 'time-in-force', result.rejected),
      ]);
      return;
    }
    let o = order.status === 'pending-new' ? { ...order, updatedAt: now } : order;
    const sent = ctx.entry(
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
      const next = o.status === status ? o : transition(o, status);
      await ctx.write({
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
  async fill(
    order: OrderRecord,
    fills: readonly PaperFill[],
    rules: MarketRules,
    audit: AuditEntry[],
  ): Promise<{ order: OrderRecord; changes: TradingChanges }> {
    const { ctx } = this;
    const { state } = ctx;
    let account = state.account as PaperAccount;
    let position = state.positions.get(order.symbol) ?? null;
    let o = order;
    const fillRecords: FillRecord[] = [];
    const closed: ClosedTrade[] = [];
    let breaker = state.breaker;
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
        { id: fillId, side: o.side, price: f.price, amount, liquidity: f.liquidity, time: ctx.now() },
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
        updatedAt: ctx.now(),
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
        time: ctx.now(),
      });
      audit.push(
        ctx.entry(
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
            ctx.now(),
            state.limits,
          );
          breaker = observed.state;
          if (observed.tripped)
            audit.push(ctx.entry('halt', o, observed.tripped.rule, observed.tripped.message));
        }
      }
      if (o.status === 'filled') break;
    }
    if (isTerminal(o.status) && Decimal.from(o.holds).isPositive()) {
      account = release(account, { asset: o.holdsAsset, amount: Decimal.from(o.holds) });
      o = { ...o, holds: '0' };
    }
    // An algo's totals move in the same transaction as its child's fills: never recomputed from a window.
    const algo = o.group?.kind === 'algo' ? state.algos.get(o.group.id) : undefined;
    const algos =
      algo && fillRecords.length
        ? [
            {
              ...algo,
              filled: Decimal.sum([
                Decimal.from(algo.filled),
                ...fillRecords.map((f) => Decimal.from(f.amount)),
              ]).toString(),
              cost: Decimal.sum([
                Decimal.from(algo.cost),
                ...fillRecords.map((f) => Decimal.from(f.quote)),
              ]).toString(),
              updatedAt: ctx.now(),
            },
          ]
        : [];
    const changes: TradingChanges = {
      account,
      orders: [o],
      algos,
      fills: fillRecords,
      positions: position ? [position] : [],
      closedTrades: closed,
      state:
        breaker && breaker !== state.breaker ? [{ key: breakerKey(state.accountId), value: breaker }] : [],
      audit,
    };
    if (fillRecords.length === 0 && !isTerminal(o.status))
      return { order: o, changes: { ...changes, orders: [] } };
    await ctx.write(changes);
    await this.afterChange(o, rules);
    return { order: o, changes: { audit: [] } };
  }

  /** Ends an order: releases what it holds, writes its final status with the reason and audit entry. */
  async finish(
    order: OrderRecord,
    status: 'cancelled' | 'expired' | 'rejected',
    reason: string,
    audit: AuditEntry[],
    extra: TradingChanges = { audit: [] },
    /** False when this end is itself a consequence (the other leg of an OCO): it must not cascade back. */
    cascade = true,
  ): Promise<void> {
    const { ctx } = this;
    const current = extra.orders?.find((o) => o.id === order.id) ?? ctx.state.open.get(order.id) ?? order;
    if (isTerminal(current.status)) return;
    let account = extra.account ?? (ctx.state.account as PaperAccount);
    const holds = Decimal.from(current.holds);
    if (holds.isPositive()) account = release(account, { asset: current.holdsAsset, amount: holds });
    const done = { ...transition(current, status), holds: '0', reason, updatedAt: ctx.now() };
    const kind: AuditKind =
      status === 'cancelled' ? 'order-cancelled' : status === 'expired' ? 'order-expired' : 'order-rejected';
    await ctx.write({
      ...extra,
      account,
      orders: [...(extra.orders ?? []).filter((o) => o.id !== order.id), done],
      audit: [
        ...extra.audit,
        ...audit,
        ...(audit.some((a) => a.kind === kind) ? [] : [ctx.entry(kind, done, null, reason)]),
      ],
    });
    const rules = ctx.state.rules.get(order.symbol);
    if (rules && cascade) await this.afterChange(done, rules);
  }

  async cancel(orderId: string, reason: string): Promise<void> {
    const order = await this.openToCancel(orderId);
    // Cancelling one leg of an OCO cancels the pair.
    if (order) await this.finish(order, 'cancelled', reason, []);
  }

  /** The open order to cancel; null when it is already done (cancelling twice is fine). */
  protected async openToCancel(orderId: string): Promise<OrderRecord | null> {
    const order = this.ctx.state.open.get(orderId);
    if (order) return order;
    const stored = await this.ctx.store.getOrder(orderId);
    if (stored && isTerminal(stored.status)) return null;
    fail('not-found', 'That order is not open any more.');
  }

  /** One cancels the other: when an OCO leg or a bracket exit acts, its siblings end. */
  async cancelOtherLegs(order: OrderRecord, reason: string): Promise<void> {
    const group = order.group;
    if (!group || !(group.kind === 'oco' || (group.kind === 'bracket' && group.role !== 'entry'))) return;
    for (const other of [...this.ctx.state.open.values()])
      if (other.id !== order.id && other.group?.id === group.id && other.group.role !== 'entry')
        await this.finish(other, 'cancelled', reason, [], { audit: [] }, false);
  }

  /** What a change to one order means for the others in its group (an algo's totals move with its fills). */
  protected async afterChange(order: OrderRecord, rules: MarketRules): Promise<void> {
    const group = order.group;
    if (!group) return;
    if (Decimal.from(order.filled).isPositive() || order.triggered || order.status === 'cancelled')
      await this.cancelOtherLegs(
        order,
        order.status === 'cancelled'
          ? 'The other leg was cancelled.'
          : 'The other leg executed (one cancels the other).',
      );
    if (
      group.kind === 'bracket' &&
      group.role === 'entry' &&
      isTerminal(order.status) &&
      order.exits &&
      Decimal.from(order.filled).isPositive() &&
      this.placingExits
    ) {
      await this.placeExits(order, rules);
    }
  }

  /** A bracket's entry filled: its take-profit and stop-loss go in as an OCO for what filled. */
  private async placeExits(entry: OrderRecord, rules: MarketRules): Promise<void> {
    const { ctx } = this;
    const exits = entry.exits!;
    const side = entry.side === 'buy' ? 'sell' : 'buy';
    const id = `${entry.id}-x`;
    if (ctx.state.open.has(`${id}-tp`) || (await ctx.store.getOrder(`${id}-tp`))) return;
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
      orderContext(ctx, rules),
      () => id,
      null,
    );
    if (built.orders.length === 0) {
      ctx.notice(
        'error',
        `Could not place the bracket exits for ${entry.symbol}: ${Object.values(built.errors).join(' ')}`,
      );
      await ctx.write({
        audit: [
          ctx.entry(
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
}

/**
 * What an order holds from the moment it is accepted: sells hold their base (no double selling); limit
 * buys their cost plus the largest fee. Market and conditional buys hold nothing: they pay from free
 * funds when they fill and are cut short if those run out. Only the first leg of an OCO holds: one leg
 * can ever execute.
 */
function holdingFor(order: OrderRecord, siblings: OrderRecord[]) {
  // One leg of an OCO (or a bracket's pair of exits) can ever execute: only the first leg holds.
  const paired =
    order.group?.kind === 'oco' || (order.group?.kind === 'bracket' && order.group.role !== 'entry');
  if (paired && siblings.some((s) => s.group?.id === order.group?.id && s.group?.role !== 'entry'))
    return null;
  const amount = Decimal.from(order.amount).sub(order.filled);
  if (order.side === 'sell')
    return { side: order.side, amount, limit: null, quoteToReserve: undefined } as const;
  if (order.type === 'limit' && order.price !== null)
    return { side: order.side, amount, limit: Decimal.from(order.price) } as const;
  return null;
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
