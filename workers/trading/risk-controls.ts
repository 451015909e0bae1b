import { Decimal } from '../money/decimal.js';
import type { AlgoRunner } from './algo-runner.js';
import { asError, fail } from './failures.js';
import type { OrderIntake } from './order-intake.js';
import type { PaperDesk } from './paper-desk.js';
import {
  initialBreakerState,
  killSwitch as tripKillSwitch,
  observeEquity,
  rearm as rearmBreaker,
  type BreakerState,
} from './risk/breakers.js';
import { parseRiskLimits, type RiskLimits } from './risk/limits.js';
import type { TradingContext } from './trading-context.js';
import { breakerKey, limitsKey } from './trading-state.js';
import { equity, knownEquity } from './valuation.js';

/** The breakers that halt trading, the kill switch, re-arming, and the risk limits they all read. */
export class RiskControls {
  constructor(
    private readonly ctx: TradingContext,
    private readonly desk: PaperDesk,
    private readonly algos: AlgoRunner,
    private readonly intake: OrderIntake,
  ) {}

  async watchBreakers(): Promise<void> {
    const { ctx } = this;
    const { state } = ctx;
    if (!state.account || !state.breaker) return;
    // Without a price for every held asset the equity is unknown: no breaker acts on a guess.
    const value = knownEquity(state.account, ctx.link);
    if (value === null) return;
    const observed = observeEquity(state.breaker, value, ctx.now(), state.limits);
    if (observed.state === state.breaker) return;
    const changed = JSON.stringify(observed.state) !== JSON.stringify(state.breaker);
    if (!changed) return;
    if (observed.tripped) {
      await this.halt(observed.state, observed.tripped.rule, observed.tripped.message);
      return;
    }
    await ctx.store.commit({
      state: [{ key: breakerKey(state.accountId), value: observed.state }],
      audit: [],
    });
    state.breaker = observed.state;
  }

  /** Cancels every open order and algo, optionally sells what is held, and halts until re-armed. */
  async kill(flatten: boolean): Promise<void> {
    const { ctx } = this;
    const { state } = ctx;
    const now = ctx.now();
    const killed = tripKillSwitch(
      state.breaker ?? initialBreakerState(equity(state.account, ctx.link), now),
      now,
    );
    const algos = [...state.algos.values()]
      .filter((a) => a.status === 'running' || a.status === 'paused')
      .map((a) => ({ ...a, status: 'cancelled' as const, reason: 'Kill switch.', updatedAt: now }));
    await ctx.write({
      state: [{ key: breakerKey(state.accountId), value: killed }],
      algos,
      audit: [
        ctx.entry(
          'kill-switch',
          null,
          'kill-switch',
          `Kill switch: ${state.open.size} open orders cancelled, ${algos.length} algos stopped${flatten ? ', positions flattened' : ''}. New orders are refused until re-armed.`,
        ),
      ],
    });
    // Every open order ends, and nothing the cancels set off (a bracket's exits) may open new ones.
    this.desk.placingExits = false;
    try {
      // Through the desk's cancel, so a live order is cancelled on the exchange, not only here.
      for (const order of [...state.open.values()])
        await this.desk
          .cancel(order.id, 'Kill switch.')
          .catch((e: unknown) => ctx.notice('error', `Kill switch: ${asError(e).message}`));
    } finally {
      this.desk.placingExits = true;
    }
    if (flatten)
      for (const p of [...state.positions.values()])
        if (Decimal.from(p.amount).isPositive())
          await this.intake
            .close(p.symbol, 'flatten')
            .catch((e: unknown) => ctx.notice('warn', asError(e).message));
    ctx.notice('warn', 'Kill switch engaged: trading is halted until you re-arm.');
  }

  async rearm(): Promise<void> {
    const { ctx } = this;
    const { state } = ctx;
    if (!state.breaker?.halted) return;
    const result = rearmBreaker(state.breaker, equity(state.account, ctx.link), ctx.now(), state.limits);
    if (!result.ok) fail('rearm-refused', result.message);
    await ctx.write({
      state: [{ key: breakerKey(state.accountId), value: result.state }],
      audit: [ctx.entry('rearm', null, state.breaker.rule, 'Re-armed: trading allowed again.')],
    });
  }

  async setLimits(input: unknown): Promise<RiskLimits> {
    const { ctx } = this;
    const parsed = parseRiskLimits(input);
    if (!parsed.ok)
      fail('invalid-limits', parsed.errors.map((e) => e.message).join(' '), {
        fieldErrors: Object.fromEntries(parsed.errors.map((e) => [e.field, e.message])),
      });
    const before = ctx.state.limits;
    const changed = (Object.keys(parsed.limits) as Array<keyof RiskLimits>).filter(
      (k) => String(parsed.limits[k]) !== String(before[k]),
    );
    await ctx.write({
      state: [{ key: limitsKey, value: parsed.limits }],
      audit: [
        ctx.entry(
          'settings',
          null,
          null,
          changed.length
            ? `Risk limits changed: ${changed.map((k) => `${k} ${before[k]} → ${parsed.limits[k]}`).join(', ')}.`
            : 'Risk limits saved unchanged.',
        ),
      ],
    });
    ctx.state.limits = parsed.limits;
    ctx.publish();
    return parsed.limits;
  }

  /** A breaker tripped: no new orders, algos paused (open protective orders stay). */
  private async halt(tripped: BreakerState, rule: string, message: string): Promise<void> {
    const { ctx } = this;
    const now = ctx.now();
    const algos = [...ctx.state.algos.values()]
      .filter((a) => a.status === 'running')
      .map((a) => ({
        ...a,
        status: 'paused' as const,
        pausedAt: now,
        reason: `Halted: ${message}`,
        updatedAt: now,
      }));
    await ctx.write({
      state: [{ key: breakerKey(ctx.state.accountId), value: tripped }],
      algos,
      audit: [ctx.entry('halt', null, rule, `Trading halted: ${message}`)],
    });
    for (const a of algos)
      for (const child of this.algos.children(a.id)) await this.desk.cancel(child.id, 'Trading halted.');
    ctx.notice('error', `Trading halted: ${message}`);
  }
}
