import type { TapeTrade } from '../../market/trade-tape.js';
import { Decimal } from '../../money/decimal.js';
import type { MarketRules } from '../../money/market-rules.js';
import { isTriggered } from '../emulation.js';
import type { HeldBook } from '../market-link.js';
import { feeFor } from '../paper/paper-ledger.js';
import {
  matchOnArrival,
  matchOnBook,
  matchOnTrade,
  type BookSides,
  type PaperFill,
} from '../paper/paper-matcher.js';
import type { TradingContext } from '../trading-context.js';
import type { OrderRecord, OrderStatus } from '../types.js';
import { newTwin, type TwinRecord } from './twin-record.js';
import type { TwinStore } from './twin-store.js';

export type TwinContext = Pick<TradingContext, 'state' | 'link' | 'market' | 'now' | 'notice' | 'bookFor'>;

export interface TwinConfig {
  /** A twin still resting this long after its live order filled stops: paper would not have filled. */
  afterLiveFillMs: number;
  /** Symbols with running twins that the page is not streaming are polled this often. */
  pollMs: number;
}

const defaults: TwinConfig = { afterLiveFillMs: 10 * 60_000, pollMs: 2000 };
/** Trade ids remembered per symbol, so a print seen on the stream and again in a poll counts once. */
const seenCapacity = 4000;
const midDecimals = 12;

/**
 * Runs a paper twin beside every live order: from the moment the live order goes out, the same order
 * walks the same book through the paper matcher, rests behind the same queue and fills from the same
 * tape, at the market's maker and taker fees. Twins only record what paper would have filled; they never
 * touch balances, positions or the audit log, and nothing they do can hold up or change a live order.
 */
export class PaperTwin {
  private readonly running = new Map<string, TwinRecord>();
  /** Queue positions move on every print: kept here and saved on the next tick. */
  private readonly unsaved = new Set<string>();
  private readonly seen = new Map<string, Set<string>>();
  private readonly config: TwinConfig;
  private lastPoll = 0;

  constructor(
    private readonly ctx: TwinContext,
    private readonly store: TwinStore,
    config: Partial<TwinConfig> = {},
  ) {
    this.config = { ...defaults, ...config };
  }

  /** Picks up the twins that were running when the engine stopped. */
  async resume(): Promise<void> {
    for (const t of await this.store.running()) this.running.set(t.orderId, t);
  }

  /** The live order is going out now: its twin starts at this moment, once per order. */
  async start(order: OrderRecord): Promise<void> {
    try {
      if (this.running.has(order.id) || (await this.store.get(order.id))) return;
      const rules = this.ctx.state.rules.get(order.symbol);
      if (!rules) return;
      const twin = newTwin(order, this.ctx.now());
      const next = twin.trigger ? twin : await this.arrive(twin, rules, await this.ctx.bookFor(order.symbol));
      await this.put([next]);
    } catch (e) {
      // A twin is a measurement: whatever goes wrong with it must not stop the live order.
      this.ctx.notice('warn', `No paper twin for ${order.id}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** The live order ended. Cancelled, expired or rejected: the twin's remainder ends now too. */
  async ended(orderId: string, status: OrderStatus): Promise<void> {
    const twin = this.running.get(orderId);
    if (!twin) return;
    const now = this.ctx.now();
    if (status === 'filled') {
      if (twin.liveFilledAt === null) await this.put([{ ...twin, liveFilledAt: now, updatedAt: now }]);
      return;
    }
    await this.put([
      done(twin, `The live order was ${status}: the rest of the twin was cancelled with it.`, now),
    ]);
  }

  async onTrades(symbol: string, trades: readonly TapeTrade[]): Promise<void> {
    const rules = this.ctx.state.rules.get(symbol);
    const fresh = this.fresh(symbol, trades);
    if (!rules || fresh.length === 0 || !this.hasRunning(symbol)) return;
    const changed = new Map<string, TwinRecord>();
    for (const trade of fresh) {
      const last = Decimal.from(trade.price);
      // One print fills resting twins only once between them, best price first, then oldest, as the
      // exchange's book would (and as the paper desk shares it between paper orders).
      let left = Decimal.from(trade.amount);
      for (const twin of byPriority(this.twinsOn(symbol))) {
        if (twin.startedAt > trade.time) continue;
        if (twin.trigger) {
          if (
            !isTriggered(
              { type: twin.trigger.type, side: twin.side, stopPrice: twin.trigger.stopPrice },
              last,
            )
          )
            continue;
          const now = this.ctx.now();
          const armed = { ...twin, trigger: null, startedAt: now, updatedAt: now };
          const next = await this.arrive(armed, rules, await this.ctx.bookFor(symbol));
          this.keep(next, changed);
          continue;
        }
        if (!twin.arrived || twin.queueAhead === null || !left.isPositive()) continue;
        const result = matchOnTrade(restingOf(twin), { ...trade, amount: left.toNumber() }, rules);
        if (result.fill) left = left.sub(result.fill.amount);
        this.afterResting(twin, result, rules, changed);
      }
    }
    await this.put([...changed.values()]);
  }

  async onBook(symbol: string): Promise<void> {
    const rules = this.ctx.state.rules.get(symbol);
    const book = this.ctx.link.books.get(symbol);
    if (!rules || !book) return;
    const changed = new Map<string, TwinRecord>();
    for (const twin of this.twinsOn(symbol)) {
      if (twin.trigger) continue;
      if (!twin.arrived) {
        this.keep(await this.arrive(twin, rules, book), changed);
        continue;
      }
      if (twin.queueAhead === null) continue;
      this.afterResting(twin, matchOnBook(restingOf(twin), book, rules), rules, changed);
    }
    await this.put([...changed.values()]);
  }

  /** The leader's tick: saves queue positions, stops twins that outlived their filled live order, polls. */
  async tick(): Promise<void> {
    const now = this.ctx.now();
    const stale: TwinRecord[] = [];
    for (const t of this.running.values())
      if (t.liveFilledAt !== null && now - t.liveFilledAt >= this.config.afterLiveFillMs)
        stale.push(
          done(
            t,
            `Paper had not filled ${Math.round(this.config.afterLiveFillMs / 60_000)} min after the live order did.`,
            now,
          ),
        );
    const queued = [...this.unsaved].flatMap((id) => {
      const t = this.running.get(id);
      return t && !stale.some((s) => s.orderId === id) ? [t] : [];
    });
    this.unsaved.clear();
    await this.put([...stale, ...queued]);
    await this.arriveLate();
    await this.pollQuietSymbols(now);
  }

  /** Twins of an account, newest first, as stored (running ones are written as they change). */
  async recent(accountId: string, limit = 200): Promise<TwinRecord[]> {
    // Queue positions not saved yet are written first, so the view never lags the engine.
    await this.put([...this.unsaved].flatMap((id) => this.running.get(id) ?? []));
    return this.store.recent(accountId, limit);
  }

  /** Running twins held in memory (tests and the divergence view read these). */
  get active(): readonly TwinRecord[] {
    return [...this.running.values()];
  }

  // ---- matching ----

  /** Twins that found no book when they started (offline, a failed fetch) try again with a fresh one. */
  private async arriveLate(): Promise<void> {
    const waiting = [...this.running.values()].filter((t) => !t.arrived && !t.trigger);
    for (const twin of waiting) {
      const rules = this.ctx.state.rules.get(twin.symbol);
      if (!rules) continue;
      const next = await this.arrive(twin, rules, await this.ctx.bookFor(twin.symbol));
      if (next !== twin) await this.put([next]);
    }
  }

  /** Walks the book as the paper matcher does on arrival: takes what it allows, rests or expires the rest. */
  private async arrive(
    twin: TwinRecord,
    rules: MarketRules,
    book: HeldBook | BookSides | null,
  ): Promise<TwinRecord> {
    if (!book || book.bids.length < 2 || book.asks.length < 2) return twin; // tried again on the next book
    const now = this.ctx.now();
    const remaining = Decimal.from(twin.amount).sub(twin.paperFilled);
    const result = matchOnArrival(
      {
        side: twin.side,
        limit: twin.limit === null ? null : Decimal.from(twin.limit),
        remaining,
        tif: twin.tif,
        postOnly: twin.postOnly,
      },
      book,
      rules,
    );
    const arrived: TwinRecord = { ...twin, arrived: true, arrivalMid: midOf(book), updatedAt: now };
    if (result.rejected) return done(arrived, `Paper would have refused it: ${result.rejected}.`, now);
    const filled = withFills(arrived, result.fills, rules, now);
    if (Decimal.from(filled.paperFilled).eq(filled.amount)) return done(filled, 'Filled.', now);
    if (result.rest.isPositive())
      return { ...filled, queueAhead: (result.queueAhead ?? Decimal.ZERO).toString() };
    return done(
      filled,
      'The rest expired on arrival (time in force, or no depth within the price band).',
      now,
    );
  }

  private afterResting(
    twin: TwinRecord,
    result: { fill: PaperFill | null; queueAhead: Decimal },
    rules: MarketRules,
    changed: Map<string, TwinRecord>,
  ): void {
    const now = this.ctx.now();
    const queueAhead = result.queueAhead.toString();
    if (result.fill) {
      let next = withFills({ ...twin, queueAhead }, [result.fill], rules, now);
      if (Decimal.from(next.paperFilled).eq(next.amount)) next = done(next, 'Filled.', now);
      this.keep(next, changed);
    } else if (queueAhead !== twin.queueAhead) {
      this.running.set(twin.orderId, { ...twin, queueAhead, updatedAt: now });
      this.unsaved.add(twin.orderId);
    }
  }

  // ---- bookkeeping ----

  private keep(twin: TwinRecord, changed: Map<string, TwinRecord>): void {
    changed.set(twin.orderId, twin);
    // Memory follows at once so the next print in the same batch sees it; it is stored right after.
    if (twin.status === 'running') this.running.set(twin.orderId, twin);
  }

  private async put(twins: TwinRecord[]): Promise<void> {
    if (!twins.length) return;
    await this.store.save(twins);
    for (const t of twins) {
      this.unsaved.delete(t.orderId);
      if (t.status === 'running') this.running.set(t.orderId, t);
      else this.running.delete(t.orderId);
    }
  }

  private hasRunning(symbol: string): boolean {
    for (const t of this.running.values()) if (t.symbol === symbol) return true;
    return false;
  }

  private twinsOn(symbol: string): TwinRecord[] {
    return [...this.running.values()].filter((t) => t.symbol === symbol);
  }

  /** Prints not seen before on this symbol, oldest first. */
  private fresh(symbol: string, trades: readonly TapeTrade[]): TapeTrade[] {
    let seen = this.seen.get(symbol);
    if (!seen) this.seen.set(symbol, (seen = new Set()));
    const out = trades.filter((t) => !seen.has(t.id));
    for (const t of out) seen.add(t.id);
    if (seen.size > seenCapacity) {
      let drop = seen.size - seenCapacity;
      for (const id of seen) {
        if (drop-- <= 0) break;
        seen.delete(id);
      }
    }
    return out.sort((a, b) => a.time - b.time);
  }

  /** Twins on symbols the page is not streaming still need the tape, even after their live order ended. */
  private async pollQuietSymbols(now: number): Promise<void> {
    if (now - this.lastPoll < this.config.pollMs) return;
    this.lastPoll = now;
    const focused = this.ctx.market.focusedSymbol();
    const symbols = new Set([...this.running.values()].map((t) => t.symbol));
    for (const symbol of symbols) {
      if (symbol === focused) continue;
      try {
        await this.onTrades(symbol, await this.ctx.market.fetchTrades(symbol, 200));
      } catch {
        // Offline or a hiccup: the next poll tries again.
      }
    }
  }
}

function done(twin: TwinRecord, reason: string, now: number): TwinRecord {
  return { ...twin, status: 'done', queueAhead: null, endReason: reason, updatedAt: now };
}

/** Adds paper fills to a twin's totals, with the market's fee for their liquidity, in the quote currency. */
function withFills(
  twin: TwinRecord,
  fills: readonly PaperFill[],
  rules: MarketRules,
  now: number,
): TwinRecord {
  if (!fills.length) return twin;
  let filled = Decimal.from(twin.paperFilled);
  let cost = Decimal.from(twin.paperCost);
  let fee = Decimal.from(twin.paperFee);
  for (const f of fills) {
    filled = filled.add(f.amount);
    cost = cost.add(f.price.mul(f.amount));
    fee = fee.add(feeFor(f.price, f.amount, f.liquidity, rules));
  }
  return {
    ...twin,
    paperFilled: filled.toString(),
    paperCost: cost.toString(),
    paperFee: fee.toString(),
    paperFirstFillAt: twin.paperFirstFillAt ?? now,
    paperLastFillAt: now,
    updatedAt: now,
  };
}

function restingOf(twin: TwinRecord) {
  return {
    side: twin.side,
    limit: Decimal.from(twin.limit as string),
    remaining: Decimal.from(twin.amount).sub(twin.paperFilled),
    queueAhead: Decimal.from(twin.queueAhead ?? '0'),
  };
}

/** Exact mid of the best bid and ask, as decimal text; one side alone when the other is empty. */
function midOf(book: BookSides): string | null {
  const bid = book.bids[0];
  const ask = book.asks[0];
  const b = bid !== undefined && bid > 0 ? Decimal.from(bid) : null;
  const a = ask !== undefined && ask > 0 ? Decimal.from(ask) : null;
  if (b && a) return b.add(a).div(2, midDecimals, 'half-even').toString();
  return (b ?? a)?.toString() ?? null;
}

/** Resting twins in the order a book serves them: best price first, then oldest. */
function byPriority(twins: TwinRecord[]): TwinRecord[] {
  return twins.sort((a, b) => {
    if (a.side !== b.side || a.limit === null || b.limit === null) return a.startedAt - b.startedAt;
    const c = Decimal.from(a.limit).cmp(b.limit);
    return c !== 0 ? (a.side === 'buy' ? -c : c) : a.startedAt - b.startedAt;
  });
}
