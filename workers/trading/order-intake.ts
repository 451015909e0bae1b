import { Decimal } from '../money/decimal.js';
import type { OrderPreview, PlaceRequest } from './api.js';
import type { AlgoRunner } from './algo-runner.js';
import { isConditional } from './emulation.js';
import { fail } from './failures.js';
import { buildOrders, type FieldErrors } from './order-factory.js';
import { decisionFails, refuse, refuseInvalid, riskCheck } from './order-gate.js';
import type { PaperDesk } from './paper-desk.js';
import { balanceOf, release, reserveFor } from './paper/paper-ledger.js';
import { estimateFill } from './paper/paper-matcher.js';
import type { RiskCheck } from './risk/risk-gate.js';
import { orderContext, type TradingContext } from './trading-context.js';
import type { OrderRecord, PaperAccount } from './types.js';
import { exposureExcept, priceOf } from './valuation.js';

/**
 * The user's orders on their way in: previewed, built from the request, checked by the risk gate, and
 * handed to the paper desk; amending and closing a position take the same path.
 */
export class OrderIntake {
  constructor(
    private readonly ctx: TradingContext,
    private readonly desk: PaperDesk,
    private readonly algos: AlgoRunner,
  ) {}

  async preview(request: PlaceRequest): Promise<OrderPreview> {
    const { ctx } = this;
    const { state } = ctx;
    ctx.refreshRules();
    const symbol = symbolOf(request);
    const rules = state.rules.get(symbol);
    const amountText = amountOf(request);
    const book = rules ? await ctx.bookFor(symbol) : null;
    const side = sideOf(request);
    const amount = Decimal.tryFrom(amountText);
    const estimate =
      book && rules && amount && amount.isPositive() && amount.lt('1e15')
        ? estimateFill(side, amount, book, rules)
        : null;
    const refPrice = estimate?.avgPrice ?? null;
    const built =
      request?.kind === 'algo'
        ? this.algos.buildAlgoOrder(request.algo, rules, refPrice)
        : buildOrders(request, orderContext(ctx, rules), () => 'preview-0000', refPrice);
    const fieldErrors: FieldErrors = { ...built.errors };
    const first = built.orders[0];
    const checks: RiskCheck[] = [];
    let ok = Object.keys(fieldErrors).length === 0 && first !== undefined;
    if (first && rules) {
      const decision = riskCheck(ctx, first, refPrice, rules);
      checks.push(...decision.checks);
      const failed = decisionFails(decision, first);
      if (failed) ok = false;
    }
    const position = rules ? state.positions.get(symbol) : undefined;
    const held = Decimal.from(position?.amount ?? '0');
    const signed = amount && amount.isPositive() ? (side === 'buy' ? amount : amount.neg()) : Decimal.ZERO;
    const after = held.add(signed);
    const mark = ctx.link.mark(symbol)?.price ?? refPrice?.toNumber() ?? null;
    const quoteValue = rules ? (priceOf(rules.quote, ctx.link) ?? 0) : 0;
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
        rules && state.account
          ? {
              position: after.toString(),
              positionNotional: mark !== null ? after.toNumber() * mark * quoteValue : 0,
              grossExposure:
                exposureExcept(symbol, state.positions.values(), ctx.link) +
                (mark !== null ? Math.abs(after.toNumber()) * mark * quoteValue : 0),
              freeQuote: balanceOf(state.account.balances, rules.quote)
                .sub(side === 'buy' && estimate && fee ? estimate.cost.add(fee) : Decimal.ZERO)
                .toString(),
              freeBase: balanceOf(state.account.balances, rules.base).add(signed).toString(),
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

  /** Places the request under the client order id `id`; the account must exist. */
  async place(request: PlaceRequest, id: string): Promise<{ id: string }> {
    const { ctx } = this;
    const { state } = ctx;
    // Idempotent: the same client order id never places twice (a retry from another tab, a double click).
    if (
      state.open.has(id) ||
      state.algos.has(id) ||
      (await ctx.store.getOrder(id)) ||
      (await ctx.store.getOrder(`${id}-tp`))
    )
      return { id };
    ctx.refreshRules();
    const symbol = symbolOf(request);
    const rules = state.rules.get(symbol);
    const side = sideOf(request);
    const amount = Decimal.tryFrom(amountOf(request));
    const book = rules ? await ctx.bookFor(symbol) : null;
    const refPrice =
      book && rules && amount && amount.isPositive() && amount.lt('1e15')
        ? estimateFill(side, amount, book, rules).avgPrice
        : null;
    if (request?.kind === 'algo') return this.algos.start(request.algo, id, rules, refPrice);
    const built = buildOrders(request, orderContext(ctx, rules), () => id, refPrice);
    const errors = Object.entries(built.errors);
    if (errors.length || !rules)
      return refuseInvalid(
        ctx,
        { id, symbol: symbol.slice(0, 40) },
        errors.map(([, m]) => m).join(' ') || 'The order is not valid.',
        built.errors,
      );
    for (const order of built.orders) {
      const decision = riskCheck(ctx, order, refPrice, rules);
      const failed = decisionFails(decision, order);
      if (failed) return refuse(ctx, order, failed, decision.checks);
    }
    await this.desk.accept(built.orders, rules, 'Accepted');
    return { id };
  }

  async amend(orderId: string, change: { price?: string; amount?: string }): Promise<void> {
    const { ctx } = this;
    const order = ctx.state.open.get(orderId);
    if (!order) fail('not-found', 'That order is not open any more.');
    if (order.type !== 'limit' || order.group)
      fail('not-amendable', 'Only plain limit orders can be amended; cancel and place this one again.');
    const rules = ctx.state.rules.get(order.symbol);
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
    const decision = riskCheck(ctx, { ...candidate, filled: order.filled }, price, rules);
    const failed = decisionFails(decision, candidate);
    if (failed) return refuse(ctx, order, failed, decision.checks, `Amend refused: ${failed.message}`);
    // Cancel-replace semantics: the funds are held again at the new price and the order joins the back of the queue.
    let account = release(ctx.state.account as PaperAccount, {
      asset: order.holdsAsset,
      amount: Decimal.from(order.holds),
    });
    const r = reserveFor(
      account,
      { side: order.side, amount: amount.sub(order.filled), limit: order.side === 'buy' ? price : null },
      rules,
    );
    if (!r.ok) {
      await ctx.write({
        audit: [ctx.entry('order-rejected', order, 'balance', `Amend refused: ${r.message}`)],
      });
      fail('rejected', r.message, { rule: 'balance' });
    }
    account = r.account;
    const book = ctx.link.books.get(order.symbol);
    const ahead = book ? sizeAt(order.side === 'buy' ? book.bids : book.asks, price.toNumber()) : 0;
    const amended: OrderRecord = {
      ...candidate,
      holds: r.reservation.amount.toString(),
      holdsAsset: r.reservation.asset,
      queueAhead: Decimal.from(ahead).toString(),
      updatedAt: ctx.now(),
    };
    await ctx.write({
      account,
      orders: [amended],
      audit: [
        ctx.entry(
          'order-amended',
          order,
          null,
          `Amended to ${amended.amount} at ${amended.price} (was ${order.amount} at ${order.price}).`,
        ),
      ],
    });
  }

  /** Sells what is free of the position at market: the user's close, or the kill switch's flatten. */
  async close(symbol: string, source: 'close' | 'flatten'): Promise<void> {
    const { ctx } = this;
    const position = ctx.state.positions.get(symbol);
    const rules = ctx.state.rules.get(symbol);
    if (!position || !rules) fail('not-found', `There is no ${symbol} position to close.`);
    const free = balanceOf((ctx.state.account as PaperAccount).balances, rules.base);
    const amount = Decimal.min(Decimal.from(position.amount), free).roundToStep(rules.step, 'floor');
    if (!amount.isPositive())
      fail(
        'nothing-to-close',
        `Nothing of ${symbol} is free to sell (open orders may hold it: cancel them first).`,
      );
    const id = ctx.newId();
    const built = buildOrders(
      {
        kind: 'order',
        order: { symbol, side: 'sell', type: 'market', amount: amount.toString(), reduceOnly: true },
      },
      orderContext(ctx, rules),
      () => id,
      null,
    );
    const order = built.orders[0];
    if (!order) fail('invalid-order', Object.values(built.errors).join(' '));
    const closing = { ...order, source };
    // Through the gate like every order (with a fresh book for symbols not streamed); a halt does not
    // stop a close, since closing only reduces risk.
    const book = await ctx.bookFor(symbol);
    const ref = book ? estimateFill('sell', amount, book, rules).avgPrice : null;
    const decision = riskCheck(ctx, closing, ref, rules);
    const failed = decisionFails(decision, closing);
    if (failed) return refuse(ctx, closing, failed, decision.checks);
    await this.desk.accept(
      [closing],
      rules,
      source === 'flatten' ? 'Kill switch: flatten' : 'Close position',
    );
  }
}

function symbolOf(r: PlaceRequest): string {
  const symbol = fieldOf(r, 'symbol');
  return typeof symbol === 'string' ? symbol : '';
}

function sideOf(r: PlaceRequest): 'buy' | 'sell' {
  return fieldOf(r, 'side') === 'sell' ? 'sell' : 'buy';
}

function amountOf(r: PlaceRequest): unknown {
  return fieldOf(r, 'amount');
}

/** A field of the request's inner order (`request[request.kind]`), whatever shape the page sent. */
function fieldOf(r: PlaceRequest, field: 'symbol' | 'side' | 'amount'): unknown {
  const inner =
    r && typeof r === 'object'
      ? ((r as Record<string, unknown>)[r.kind] as Record<string, unknown> | undefined)
      : undefined;
  return inner?.[field];
}

/** Size resting at exactly `price` on one side of a book (flat [price, size, ...] pairs). */
function sizeAt(levels: Float64Array, price: number): number {
  for (let i = 0; i + 1 < levels.length; i += 2) if (levels[i] === price) return levels[i + 1] as number;
  return 0;
}
