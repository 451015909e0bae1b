import type { CandleColumns } from '../market/candle-series.js';
import type { TapeTrade } from '../market/trade-tape.js';
import { Decimal } from '../money/decimal.js';
import type { MarketRules } from '../money/market-rules.js';
import type { AlgoRequest } from './api.js';
import { planChildren, validateAlgoParams, volumeProfile } from './algos/algo-schedule.js';
import { fail } from './failures.js';
import { buildOrders, type FieldErrors } from './order-factory.js';
import { decisionFails, detailsOf, refuse, refuseInvalid, riskCheck } from './order-gate.js';
import type { PaperDesk } from './paper-desk.js';
import { orderContext, type TradingContext } from './trading-context.js';
import type { AlgoRecord, AuditEntry, OrderRecord } from './types.js';
import { touch } from './valuation.js';

/** When the history cannot be fetched, VWAP's slices are weighed evenly. */
const noCandles: CandleColumns = {
  time: new Float64Array(),
  open: new Float64Array(),
  high: new Float64Array(),
  low: new Float64Array(),
  close: new Float64Array(),
  volume: new Float64Array(),
};

/**
 * TWAP, VWAP, iceberg and POV: a parent order that sends child orders over time. Each child goes through
 * the risk gate like any order; the parent's counter is stored with each child so none is sent twice.
 */
export class AlgoRunner {
  constructor(
    private readonly ctx: TradingContext,
    private readonly desk: PaperDesk,
  ) {}

  /** An algo is checked like one order for its whole amount: position, exposure, balance, halt. */
  buildAlgoOrder(
    r: AlgoRequest,
    rules: MarketRules | undefined,
    refPrice: Decimal | null,
  ): { orders: OrderRecord[]; errors: FieldErrors } {
    const built = buildOrders(
      { kind: 'order', order: { symbol: r?.symbol, side: r?.side, type: 'market', amount: r?.amount } },
      orderContext(this.ctx, rules),
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

  async start(
    r: AlgoRequest,
    id: string,
    rules: MarketRules | undefined,
    refPrice: Decimal | null,
  ): Promise<{ id: string }> {
    const { ctx } = this;
    const built = this.buildAlgoOrder(r, rules, refPrice);
    const errors = Object.values(built.errors);
    const parent = built.orders[0];
    if (errors.length || !rules || !parent)
      return refuseInvalid(
        ctx,
        { id, symbol: rules?.symbol ?? '' },
        errors.join(' ') || 'The algo is not valid.',
        built.errors,
      );
    const decision = riskCheck(ctx, parent, refPrice, rules);
    const failed = decision.checks.find(
      (c) => !c.passed && c.rule !== 'order-notional' && c.rule !== 'market-limits',
    );
    if (failed) return refuse(ctx, { id, symbol: rules.symbol }, failed, decision.checks);
    const now = ctx.now();
    const { bid, ask } = touch(ctx.link, rules.symbol);
    const params = { ...r.params };
    if (r.kind === 'vwap') {
      const duration = params.durationMs ?? 0;
      const slices = params.slices ?? 1;
      try {
        const candles = await ctx.market.fetchCandles(rules.symbol, '1h', now - 7 * 86_400_000, 200);
        params.weights = volumeProfile(candles, now, duration, slices);
      } catch {
        params.weights = volumeProfile(noCandles, now, duration, slices);
      }
    }
    const algo: AlgoRecord = {
      id,
      accountId: ctx.state.accountId,
      exchange: ctx.state.exchange,
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
    await this.save(algo, `Started ${r.kind.toUpperCase()} to ${r.side} ${algo.amount} ${rules.base}.`, {
      kind: r.kind,
    });
    return { id };
  }

  children(algoId: string): OrderRecord[] {
    return [...this.ctx.state.open.values()].filter((o) => o.group?.kind === 'algo' && o.group.id === algoId);
  }

  /** Sends the children that are due, and ends the algos that are done. */
  async run(): Promise<void> {
    const { ctx } = this;
    for (const algo of [...ctx.state.algos.values()]) {
      if (algo.status !== 'running') continue;
      const rules = ctx.state.rules.get(algo.symbol);
      if (!rules) continue;
      const working = this.children(algo.id);
      const openChildRemaining = Decimal.sum(working.map((o) => Decimal.from(o.amount).sub(o.filled)));
      const sentAmount = Decimal.from(algo.filled).add(openChildRemaining);
      // A symbol not streamed needs a fresh book before its next slice (and a price to check it at).
      let { bid, ask } = touch(ctx.link, algo.symbol);
      if (!(bid > 0 && ask > 0)) {
        await ctx.bookFor(algo.symbol);
        ({ bid, ask } = touch(ctx.link, algo.symbol));
        if (!(bid > 0 && ask > 0)) continue; // no price yet: the next tick tries again
      }
      const plan = planChildren(algo, {
        now: ctx.now(),
        bestBid: bid,
        bestAsk: ask,
        rules,
        openChildRemaining,
        sentAmount,
      });
      for (const child of plan.children) {
        const childId = `${algo.id}-${child.index}`;
        const current = ctx.state.algos.get(algo.id) as AlgoRecord;
        if (child.index < current.nextChild) continue;
        if (await ctx.store.getOrder(childId)) {
          // Sent before a crash but the algo's counter was not: never send it again.
          await ctx.write({
            algos: [{ ...current, nextChild: child.index + 1, updatedAt: ctx.now() }],
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
            orderContext(ctx, rules),
            () => childId,
            null,
          ).orders[0]!,
          group: { kind: 'algo', id: algo.id, role: 'child' },
          source: 'algo',
        };
        const decision = riskCheck(
          ctx,
          order,
          child.price ?? Decimal.from(((bid + ask) / 2).toFixed(rules.priceDecimals)),
          rules,
        );
        const failed = decisionFails(decision, order);
        const nextAlgo = { ...current, nextChild: child.index + 1, updatedAt: ctx.now() };
        if (failed) {
          await ctx.write({
            algos: [
              {
                ...nextAlgo,
                status: 'paused',
                pausedAt: ctx.now(),
                reason: `Child ${child.index + 1} refused: ${failed.message}`,
              },
            ],
            audit: [ctx.entry('order-rejected', order, failed.rule, failed.message, detailsOf(failed))],
          });
          ctx.notice('warn', `${algo.kind.toUpperCase()} ${algo.symbol} paused: ${failed.message}`);
          break;
        }
        // The child and the algo's counter are stored together: a reload resumes after it, never twice.
        await this.desk.accept([order], rules, `${algo.kind.toUpperCase()} child ${child.index + 1}`, {
          algos: [nextAlgo],
        });
      }
      const latest = ctx.state.algos.get(algo.id) as AlgoRecord;
      if (plan.done && latest.status === 'running' && this.children(algo.id).length === 0) {
        const failed = plan.note?.startsWith('Cannot run') ?? false;
        await this.save(
          { ...latest, status: failed ? 'failed' : 'completed', updatedAt: ctx.now(), reason: plan.note },
          `${algo.kind.toUpperCase()} finished: ${latest.filled} of ${latest.amount} filled.`,
        );
      }
    }
  }

  /** A POV algo sends a share of what trades: the tape since it started counts. */
  async observeVolume(symbol: string, trades: TapeTrade[]): Promise<void> {
    const { ctx } = this;
    for (const algo of ctx.state.algos.values())
      if (algo.kind === 'pov' && algo.status === 'running' && algo.symbol === symbol) {
        const volume = trades
          .filter((t) => t.time >= algo.startedAt)
          .reduce((s, t) => s.add(Decimal.from(t.amount)), Decimal.ZERO);
        if (volume.isPositive())
          await ctx.write({
            algos: [
              {
                ...algo,
                observedVolume: Decimal.from(algo.observedVolume).add(volume).toString(),
                updatedAt: ctx.now(),
              },
            ],
            audit: [],
          });
      }
  }

  async setStatus(
    id: string,
    status: 'running' | 'paused' | 'cancelled',
    reason: string | null,
  ): Promise<void> {
    const { ctx } = this;
    const algo = ctx.state.algos.get(id);
    if (!algo) fail('not-found', 'That algo does not exist any more.');
    if (algo.status === status) return;
    if (algo.status === 'cancelled' || algo.status === 'completed')
      fail('finished', `The algo is already ${algo.status}.`);
    if (status === 'running' && ctx.state.breaker?.halted)
      fail('halted', 'Trading is halted: re-arm first, then resume.');
    const now = ctx.now();
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
    await this.save(next, `${algo.kind.toUpperCase()} ${status === 'running' ? 'resumed' : status}.`);
    if (status !== 'running')
      for (const child of this.children(id))
        await this.desk.cancel(child.id, `The ${algo.kind.toUpperCase()} was ${status}.`);
  }

  /** Stores the algo with the audit entry that says what happened to it. */
  private save(algo: AlgoRecord, message: string, details?: AuditEntry['details']): Promise<void> {
    return this.ctx.write({
      algos: [algo],
      audit: [this.ctx.entry('algo', { id: algo.id, symbol: algo.symbol }, null, message, details)],
    });
  }
}
