import type { TapeTrade } from '../market/trade-tape.js';
import { Decimal } from '../money/decimal.js';
import type { MarketRules } from '../money/market-rules.js';
import type { AlgoRunner } from './algo-runner.js';
import { followTrail, isConditional, isTriggered } from './emulation.js';
import { isTerminal, transition } from './order-state.js';
import type { PaperDesk } from './paper-desk.js';
import { reserveFor } from './paper/paper-ledger.js';
import { matchOnBook, matchOnTrade, type PaperFill, type RestingOrder } from './paper/paper-matcher.js';
import type { TradingContext } from './trading-context.js';
import type { OrderRecord, PaperAccount } from './types.js';

/**
 * What moves the orders already on the paper desk: their arrival after the simulated latency, the tape
 * and the book for resting orders, and the last price for the triggers Lyra emulates.
 */
export class PaperWatch {
  private lastPoll = 0;

  constructor(
    private readonly ctx: TradingContext,
    private readonly desk: PaperDesk,
    private readonly algos: AlgoRunner,
    /** Symbols with resting orders that the page is not streaming are polled this often. */
    private readonly pollMs: number,
  ) {}

  async arrivals(): Promise<void> {
    const { ctx } = this;
    const now = ctx.now();
    for (const order of [...ctx.state.open.values()]) {
      // A triggered stop that found no book to execute against (offline, a failed fetch) tries again.
      if (order.triggered && order.price === null && order.status !== 'pending-new') {
        await this.desk.execute(order);
        continue;
      }
      if (order.status !== 'pending-new' || order.activeAt > now) continue;
      if (isConditional(order) && !order.triggered) {
        const armed = transition(order, 'open');
        await ctx.write({
          orders: [{ ...armed, updatedAt: now }],
          audit: [
            ctx.entry(
              'order-sent',
              order,
              null,
              `Waiting for ${order.symbol} to reach ${order.stopPrice ?? 'its trail'}: Lyra watches it while the app is open.`,
            ),
          ],
        });
        continue;
      }
      await this.desk.execute(order);
    }
  }

  async onTrades(symbol: string, trades: TapeTrade[]): Promise<void> {
    const { ctx } = this;
    const rules = ctx.state.rules.get(symbol);
    if (!rules) return;
    await this.algos.observeVolume(symbol, trades);
    const live = ctx.state.account?.live !== undefined;
    for (const trade of trades) {
      const last = Decimal.from(trade.price);
      // One print fills our own resting orders only once between them: its volume is used up best price
      // first, then oldest first, as the exchange's book would.
      let left = Decimal.from(trade.amount);
      for (const order of byPriority([...ctx.state.open.values()])) {
        if (order.symbol !== symbol || order.activeAt > trade.time) continue;
        const current = ctx.state.open.get(order.id);
        if (!current || isTerminal(current.status) || current.status === 'pending-new') continue;
        if (isConditional(current) && !current.triggered) {
          await this.watchTrigger(current, last, rules);
          continue;
        }
        // A live account's resting orders fill on the exchange, and only there.
        if (live) continue;
        if (current.price === null || (current.type !== 'limit' && !current.triggered)) continue;
        if (!left.isPositive()) continue;
        const result = matchOnTrade(
          restingOf(current, current.price),
          { ...trade, amount: left.toNumber() },
          rules,
        );
        if (result.fill) left = left.sub(result.fill.amount);
        await this.afterResting(current, result, rules);
      }
    }
  }

  async onBook(symbol: string): Promise<void> {
    const { ctx } = this;
    const rules = ctx.state.rules.get(symbol);
    const book = ctx.link.books.get(symbol);
    if (!rules || !book || ctx.state.account?.live) return;
    for (const order of [...ctx.state.open.values()]) {
      if (order.symbol !== symbol || order.price === null || order.status === 'pending-new') continue;
      if (order.type !== 'limit' && !order.triggered) continue;
      const result = matchOnBook(restingOf(order, order.price), book, rules);
      await this.afterResting(order, result, rules);
    }
  }

  /** Resting orders on symbols the page is not streaming still need the tape: poll it. */
  async pollQuietSymbols(): Promise<void> {
    const { ctx } = this;
    const now = ctx.now();
    if (now - this.lastPoll < this.pollMs) return;
    this.lastPoll = now;
    const focused = ctx.market.focusedSymbol();
    const symbols = new Set(
      [...ctx.state.open.values()].filter((o) => o.status !== 'pending-new').map((o) => o.symbol),
    );
    for (const symbol of symbols) {
      if (symbol === focused) continue;
      try {
        const fresh = ctx.link.polled(symbol, await ctx.market.fetchTrades(symbol, 200));
        if (fresh.length) await this.onTrades(symbol, fresh);
      } catch {
        // Offline or a hiccup: the next poll tries again; the stale-data rule guards new orders.
      }
    }
  }

  async saveQueues(): Promise<void> {
    const orders = this.ctx.state.takeUnsaved();
    if (orders.length) await this.ctx.store.commit({ orders, audit: [] });
  }

  private async afterResting(
    order: OrderRecord,
    result: { fill: PaperFill | null; queueAhead: Decimal },
    rules: MarketRules,
  ): Promise<void> {
    const queueAhead = result.queueAhead.toString();
    if (result.fill) {
      await this.desk.fill({ ...order, queueAhead }, [result.fill], rules, []);
    } else if (queueAhead !== order.queueAhead) {
      // Queue position changes often: kept in memory and saved every tick, not on every trade.
      this.ctx.state.keepUnsaved({ ...order, queueAhead });
      this.ctx.publish();
    }
  }

  private async watchTrigger(order: OrderRecord, last: Decimal, rules: MarketRules): Promise<void> {
    const { ctx } = this;
    let o = order;
    if (o.type === 'trailing-stop') {
      const moved = followTrail(o, last, rules.tick);
      if (moved) {
        o = { ...o, ...moved, updatedAt: ctx.now() };
        ctx.state.keepUnsaved(o);
        ctx.publish();
      }
    }
    if (!isTriggered(o, last)) return;
    const triggered = { ...o, triggered: true, updatedAt: ctx.now() };
    const audit = [
      ctx.entry('order-triggered', o, null, `Triggered at ${last} (trigger ${o.stopPrice}).`, {
        last: last.toString(),
      }),
    ];
    // An OCO's other leg goes first: it may hold the funds this leg now needs.
    await this.desk.cancelOtherLegs(o, 'The other leg triggered (one cancels the other).');
    if (!ctx.state.open.has(o.id)) return;
    // A triggered sell now holds its base; a triggered limit buy its cost. A market buy pays when it fills.
    const remaining = Decimal.from(triggered.amount).sub(triggered.filled);
    // A live account holds nothing itself: the exchange locks funds when the order reaches it.
    const holding = ctx.state.account?.live
      ? null
      : triggered.side === 'sell' && Decimal.from(triggered.holds).isZero()
        ? { side: 'sell' as const, amount: remaining, limit: null }
        : triggered.side === 'buy' && triggered.price !== null
          ? { side: 'buy' as const, amount: remaining, limit: Decimal.from(triggered.price) }
          : null;
    let withHold = triggered;
    let account = ctx.state.account as PaperAccount;
    if (holding) {
      const r = reserveFor(account, holding, rules);
      if (!r.ok) {
        await this.desk.finish(triggered, 'cancelled', `Triggered, but ${r.message}`, audit);
        return;
      }
      account = r.account;
      withHold = { ...triggered, holds: r.reservation.amount.toString(), holdsAsset: r.reservation.asset };
    }
    await ctx.write({ account, orders: [withHold], audit });
    await this.desk.execute(withHold);
  }
}

/** An order resting at `limit` as the matcher sees it: what is left of it, and the size queued ahead. */
function restingOf(order: OrderRecord, limit: string): RestingOrder {
  return {
    side: order.side,
    limit: Decimal.from(limit),
    remaining: Decimal.from(order.amount).sub(order.filled),
    queueAhead: Decimal.from(order.queueAhead ?? '0'),
  };
}

/** Resting orders in the order a book serves them: best price first (highest bid, lowest ask), then oldest. */
function byPriority(orders: OrderRecord[]): OrderRecord[] {
  return orders.sort((a, b) => {
    if (a.side !== b.side || a.price === null || b.price === null) return a.createdAt - b.createdAt;
    const c = Decimal.from(a.price).cmp(b.price);
    return c !== 0 ? (a.side === 'buy' ? -c : c) : a.createdAt - b.createdAt;
  });
}
