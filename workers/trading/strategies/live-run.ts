import type { SimFill, Params, Strategy, Bars } from '../../research/backtest/types.js';
import { bucketStart, timeframeMs } from '../../market/timeframes.js';
import { Decimal } from '../../money/decimal.js';
import type { MarketRules } from '../../money/market-rules.js';
import { asError } from '../failures.js';
import type { MarketAccess } from '../market-link.js';
import { isTerminal } from '../order-state.js';
import { firstIndexAtOrAfter } from '../../research/data/bars.js';
import { BarWindow } from './bar-window.js';
import { RunBarFeed } from './run-bar-feed.js';
import { decideAtClose, showAccount, type BarDecision } from './decide-at-close.js';
import type { StoredRun } from './run-record.js';
import type { RunPosition } from './run-ledger.js';
import { RunAccount } from './run-account.js';
import type { OrderLookup, RunConfig, RunTimers, RunTrading } from './run-ports.js';
import { sizeOrder, type BuyPrice, type Headroom } from './size-order.js';
import { estimateFill } from '../paper/paper-matcher.js';
import { strategyOrderId } from './strategy-order-id.js';
import type { CandleColumns } from '../../market/candle-series.js';

export interface LiveRunDeps {
  market: MarketAccess;
  trading: RunTrading;
  orders: OrderLookup;
  /** Stores the run; false when the stored run was stopped meanwhile (by the user, in any tab). */
  save(run: StoredRun): Promise<boolean>;
  now: () => number;
  timers: RunTimers;
  config: RunConfig;
}

/** A strategy bound to its market, as the service resolved it when the run started or resumed. */
export interface RunSetup {
  strategy: Strategy;
  params: Params;
  rules: MarketRules;
}

type PumpOutcome = 'waiting' | 'retry' | 'next-bar' | 'stopped';

const maxNotes = 50;
/** Book levels fetched to price a buy: as deep as the trading engine fetches for its own checks. */
const bookDepth = 1000;

/**
 * One strategy running live on closed bars. Each pass: fetch what closed since the last bar, act on the
 * newest one only (bars that closed while no tab ran it are history, never traded late), decide with the
 * backtest's own bar step, write the orders it asked for (the outbox) before sending the first, and send
 * them one after another through the trading engine under ids derived from the bar, each sized when the
 * previous one has settled. Everything is stored after each step, so a reload resumes where it stopped
 * and never sends an order twice.
 */
export class LiveRun {
  private readonly window: BarWindow;
  private readonly account: RunAccount;
  private readonly feed: RunBarFeed;
  private timer: unknown = null;
  private working: Promise<void> | null = null;
  private halted = false;
  private retries = 0;
  /** The decision of the outbox's bar, kept for its `onFill` calls (lost on reload: see `onFilled`). */
  private decision: { barTime: number; value: BarDecision } | null = null;

  constructor(
    private run: StoredRun,
    private readonly setup: RunSetup,
    private readonly deps: LiveRunDeps,
  ) {
    this.window = new BarWindow(run.bars);
    this.account = new RunAccount(deps.trading, deps.orders, setup.rules.quote);
    const { symbol, timeframe } = run.request;
    this.feed = new RunBarFeed(deps.market, symbol, timeframe, deps.config.pollDelayMs, (m) => this.note(m));
  }

  get id(): string {
    return this.run.id;
  }

  get stored(): StoredRun {
    return this.run;
  }

  /** Starts (or resumes) at once. */
  begin(): void {
    this.schedule(0);
  }

  /** No further passes and no further orders; an order already sent is left to the trading engine. */
  halt(): void {
    this.halted = true;
    if (this.timer !== null) this.deps.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Resolves once no pass is in progress (tests and shutdown wait on it). */
  async idle(): Promise<void> {
    while (this.working) await this.working;
  }

  private get span(): number {
    return timeframeMs[this.run.request.timeframe];
  }

  private schedule(ms: number): void {
    if (this.halted) return;
    if (this.timer !== null) this.deps.timers.clearTimeout(this.timer);
    this.timer = this.deps.timers.setTimeout(() => {
      this.timer = null;
      this.kick();
    }, ms);
  }

  private kick(): void {
    if (this.working || this.halted) return;
    this.working = this.pump()
      .then((outcome) => this.after(outcome))
      .catch((e: unknown) => {
        // Storage or the engine failed, not the strategy: say so and try again on the next bar.
        this.note(`Paused a moment: ${asError(e).message}`);
        this.after('next-bar');
      })
      .finally(() => {
        this.working = null;
      });
  }

  private after(outcome: PumpOutcome): void {
    const { config, now } = this.deps;
    if (outcome === 'stopped') return this.halt();
    if (outcome === 'waiting') return this.schedule(config.settleMs);
    if (outcome === 'retry' && this.retries < config.maxRetries) {
      this.retries++;
      return this.schedule(config.retryMs);
    }
    this.retries = 0;
    // The first bar boundary (plus the delay) still ahead: a pass ending just after a boundary must not
    // skip the bar that boundary closed.
    const t = now();
    let next = bucketStart(t, this.run.request.timeframe) + config.pollDelayMs;
    if (next <= t) next += this.span;
    this.schedule(next - t);
  }

  private async pump(): Promise<PumpOutcome> {
    if (this.halted) return 'stopped';
    if (this.window.length === 0) {
      const warmed = await this.warmUp();
      if (warmed !== 'next-bar') return warmed;
    }
    if (this.run.outbox) {
      const drained = await this.drain();
      if (drained !== 'next-bar') return drained;
    }
    return this.readNewBars();
  }

  private needBars(): number {
    const { strategy, params } = this.setup;
    return Math.max(strategy.warmup(params) + 2, this.deps.config.historyBars);
  }

  /** History for the indicators: no orders come from it. */
  private async warmUp(): Promise<PumpOutcome> {
    const history = await this.feed.history(this.deps.now(), this.needBars());
    if (history === null) return 'retry';
    this.window.append(history);
    return (await this.persist()) ? 'next-bar' : 'stopped';
  }

  private async readNewBars(): Promise<PumpOutcome> {
    const fresh = await this.feed.after(this.window.lastTime, this.deps.now());
    if (fresh.kind === 'retry') return 'retry';
    if (fresh.kind === 'up-to-date') return 'next-bar';
    const n = fresh.history.time.length;
    const added = this.window.append(fresh.history);
    if (this.run.firstLiveBar != null && added > 0)
      this.note(
        `${added} bar${added === 1 ? '' : 's'} closed while no tab was running this strategy (up to ${iso(fresh.history.time[n - 1] as number)}); they were not traded.`,
      );
    if (!fresh.live) return (await this.persist()) ? 'next-bar' : 'stopped';
    return this.onBarClosed(fresh.live);
  }

  private async onBarClosed(bar: CandleColumns): Promise<PumpOutcome> {
    this.window.append(bar);
    const time = bar.time[0] as number;
    const close = bar.close[0] as number;
    const blocked = await this.accountProblem();
    if (blocked) {
      this.note(`Bar ${iso(time)} not traded: ${blocked}`);
      return (await this.persist()) ? 'next-bar' : 'stopped';
    }
    const bars = this.window.bars();
    const i = bars.time.length - 1;
    const held = await this.position();
    const cash = this.cash();
    this.run.firstLiveBar ??= time;
    this.run.startingEquity ??= cash + held.position.toNumber() * close;
    let decision: BarDecision;
    try {
      decision = decideAtClose(this.setup.strategy, this.setup.params, bars, {
        position: held.position.toNumber(),
        cash,
        entryPrice: held.entryPrice,
        entryIndex: indexOfTime(bars.time, held.entryBarTime),
      });
    } catch (e) {
      return this.fail(e, time);
    }
    this.run.signals.push(...decision.signals);
    if (decision.orders.length > 0) {
      this.decision = { barTime: time, value: decision };
      this.run.outbox = {
        barTime: time,
        barIndex: i,
        close,
        volume: bar.volume[0] as number,
        orders: decision.orders,
        done: 0,
      };
    }
    if (!(await this.persist())) return 'stopped';
    return this.run.outbox ? this.drain() : 'next-bar';
  }

  /** Sends the outbox's orders in turn; 'waiting' while one has not settled. */
  private async drain(): Promise<PumpOutcome> {
    const out = this.run.outbox;
    if (!out) return 'next-bar';
    while (out.done < out.orders.length) {
      if (this.halted) return 'stopped';
      const k = out.done;
      const id = strategyOrderId(this.run.id, out.barTime, k);
      const [placed] = await this.deps.orders([id]);
      if (placed) {
        if (!isTerminal(placed.status)) return 'waiting';
        const filled = Decimal.from(placed.filled);
        if (filled.isPositive()) {
          const failed = await this.onFilled(
            out.barTime,
            k,
            placed.side,
            filled,
            Decimal.from(placed.cost),
            placed.fee,
          );
          if (failed) return failed;
        }
        out.done++;
        if (!(await this.persist())) return 'stopped';
        continue;
      }
      const skipped = await this.sendProblem(out.barTime);
      if (skipped) {
        this.note(`Order ${k + 1} of bar ${iso(out.barTime)} not sent: ${skipped}`);
        out.done++;
        if (!(await this.persist())) return 'stopped';
        continue;
      }
      const held = await this.position();
      const intent = out.orders[k]!;
      const sized = sizeOrder(
        intent,
        { cash: this.cash(), position: held.position },
        { i: out.barIndex, time: out.barTime, close: out.close, volume: out.volume },
        this.setup.rules,
        intent.action === 'buy' ? await this.buyPrice() : undefined,
      );
      if (!sized.ok) {
        this.note(`Order ${k + 1} of bar ${iso(out.barTime)} not sent: ${sized.reason}`);
        out.done++;
        if (!(await this.persist())) return 'stopped';
        continue;
      }
      if (sized.headroom)
        this.note(
          headroomNote(k, out.barTime, out.close, sized.order.amount, sized.headroom, this.setup.rules),
        );
      // The id is stored before the order is sent: a reload in between finds it and sends nothing new.
      if (!this.run.orderIds.includes(id)) this.run.orderIds.push(id);
      if (!(await this.persist()) || this.halted) return 'stopped';
      try {
        await this.deps.trading.place({ kind: 'order', order: sized.order }, id);
      } catch (e) {
        // Stored before it failed (a live exchange that did not answer): the engine owns it now.
        if ((await this.deps.orders([id]))[0]) continue;
        this.run.orderIds = this.run.orderIds.filter((x) => x !== id);
        this.note(`Order ${k + 1} of bar ${iso(out.barTime)} refused: ${asError(e).message}`);
        out.done++;
        if (!(await this.persist())) return 'stopped';
      }
    }
    this.run.outbox = null;
    this.decision = null;
    return (await this.persist()) ? 'next-bar' : 'stopped';
  }

  /**
   * Tells the strategy about a fill, with the account as it is after it, like the backtest does before
   * its next fill. Orders it places from `onFill` join this bar's outbox. After a reload the bar's
   * decision is gone and `onFill` is not called again for fills it already heard of.
   */
  private async onFilled(
    barTime: number,
    k: number,
    side: 'buy' | 'sell',
    filled: Decimal,
    cost: Decimal,
    fee: string,
  ): Promise<PumpOutcome | null> {
    const kept = this.decision;
    const out = this.run.outbox!;
    if (!kept || kept.barTime !== barTime || !kept.value.prepared.onFill) return null;
    const { prepared, ctx, signals } = kept.value;
    const fill: SimFill = {
      i: out.barIndex,
      time: barTime,
      side,
      units: filled.toNumber(),
      price: cost.toNumber() / filled.toNumber(),
      fee: Number(fee),
      reason: out.orders[k]!.reason,
    };
    const held = await this.position();
    showAccount(ctx, out.barIndex, {
      position: held.position.toNumber(),
      cash: this.cash(),
      entryPrice: held.entryPrice,
      entryIndex: indexOfTime(ctx.bars.time, held.entryBarTime),
    });
    const before = signals.length;
    // Orders from onFill are marked as such in their signals, as the backtest marks them.
    ctx.inFill = true;
    try {
      prepared.onFill!(fill, ctx);
    } catch (e) {
      return this.fail(e, barTime);
    } finally {
      ctx.inFill = false;
    }
    this.run.signals.push(...signals.slice(before));
    out.orders.push(...ctx.orders.slice(out.orders.length));
    return null;
  }

  /**
   * What the market would charge for a buy now, from a fresh book (see `sizeOrder`'s headroom rule);
   * undefined when the book cannot be fetched: the buy is then sized at the close.
   */
  private async buyPrice(): Promise<BuyPrice | undefined> {
    const { rules } = this.setup;
    try {
      const book = await this.deps.market.fetchBook(rules.symbol, bookDepth);
      return (amount) => (amount.isPositive() ? estimateFill('buy', amount, book, rules).avgPrice : null);
    } catch {
      return undefined;
    }
  }

  /** Why an order cannot be sent now, or null. */
  private async sendProblem(barTime: number): Promise<string | null> {
    // A reload after the next bar closed: the decision is stale and is not sent late.
    if (this.deps.now() >= barTime + 2 * this.span)
      return 'the next bar had already closed when Lyra came back.';
    return this.accountProblem();
  }

  private accountProblem(): Promise<string | null> {
    return this.account.problem(this.run.account);
  }

  private cash(): number {
    return this.account.cash();
  }

  private position(): Promise<RunPosition> {
    return this.account.position(this.run.orderIds);
  }

  private async fail(e: unknown, barTime: number): Promise<PumpOutcome> {
    const message = e instanceof Error ? e.message : String(e);
    this.run.status = 'failed';
    this.run.reason = `${message} at bar ${iso(barTime)}`;
    this.run.outbox = null;
    this.decision = null;
    this.halt();
    await this.persist();
    return 'stopped';
  }

  private note(message: string): void {
    const notes = (this.run.notes ??= []);
    notes.push({ time: this.deps.now(), message });
    if (notes.length > maxNotes) notes.splice(0, notes.length - maxNotes);
  }

  /** Stores the run with what it has seen; false when it was stopped meanwhile. */
  private async persist(): Promise<boolean> {
    const run = this.run;
    const bars: Bars | null = this.window.length > 0 ? this.window.bars() : null;
    const { strategy, params } = this.setup;
    run.bars = bars
      ? {
          time: bars.time,
          open: bars.open,
          high: bars.high,
          low: bars.low,
          close: bars.close,
          volume: bars.volume,
        }
      : null;
    run.barsSeen = this.window.length;
    run.lastBar = this.window.lastTime === null ? null : this.window.lastTime + this.span;
    run.position = (await this.position()).position.toNumber();
    if (run.status === 'warming-up' && this.window.length >= strategy.warmup(params) + 2)
      run.status = 'running';
    const kept = await this.deps.save(run);
    if (!kept) this.halt();
    return kept;
  }
}

/** Index of the bar opening at `time` (times increase), or -1. */
function indexOfTime(times: Float64Array, time: number | null): number {
  if (time === null) return -1;
  const i = firstIndexAtOrAfter(times, time);
  return times[i] === time ? i : -1;
}

/** The run's note for a buy the headroom rule made smaller. */
function headroomNote(
  k: number,
  barTime: number,
  close: number,
  amount: string,
  headroom: Headroom,
  rules: MarketRules,
): string {
  const rise = headroom.price.toNumber() / close - 1;
  return `Order ${k + 1} of bar ${iso(barTime)}: sized at the ask ${headroom.price.toString()} ${rules.quote}, ${(rise * 100).toFixed(2)} % above the close ${close} (what the book charges now, and what the cash must cover): ${amount} ${rules.base} instead of ${headroom.unshrunk.toString()}.`;
}

function iso(t: number): string {
  return new Date(t).toISOString();
}
