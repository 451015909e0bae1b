import { hasExitRules, triggeredExit } from '../../research/backtest/exits.js';
import { SimContext, type PendingOrder } from '../../research/backtest/sim-context.js';
import type { Bars, Params, PreparedStrategy, Signal, Strategy } from '../../research/backtest/types.js';

/** The run's own account at the close of the bar, as the strategy is shown it. */
export interface RunAccountView {
  position: number;
  cash: number;
  /** Average fill price of the open position, NaN when flat. */
  entryPrice: number;
  /** Index (in `bars`) of the bar whose order opened the position, -1 when flat. */
  entryIndex: number;
}

export interface BarDecision {
  prepared: PreparedStrategy;
  /** The same context the strategy saw, for `onFill` after each of this bar's fills. */
  ctx: SimContext;
  signals: Signal[];
  orders: PendingOrder[];
}

/**
 * What a strategy decides at the close of the last of `bars`, live: the same steps, in the same order,
 * with the same pieces as the backtest engine's bar (workers/research/backtest/engine.ts, execution
 * 'close'): its BarContext (`SimContext`, which records signals and validates sizes), `onBar`, then, if a
 * position is held and the strategy did not sell on this bar, the exit rules by `triggeredExit` against
 * the highest close since the entry bar (its close included). Indicators are recomputed over the bars so
 * far (`prepare`), as the lookahead check does. Throws what the strategy throws.
 */
export function decideAtClose(
  strategy: Strategy,
  params: Params,
  bars: Bars,
  account: RunAccountView,
): BarDecision {
  const i = bars.time.length - 1;
  if (i < 0) throw new Error('decideAtClose needs at least one bar');
  const close = bars.close[i] as number;
  const prepared = strategy.prepare(bars, params);
  const signals: Signal[] = [];
  const ctx = new SimContext(bars, params, strategy.defaultSize, signals);
  showAccount(ctx, i, account);
  ctx.soldThisBar = false;
  prepared.onBar(ctx);
  if (hasExitRules(strategy.exits) && account.position > 0 && !ctx.soldThisBar) {
    const reason = triggeredExit(
      strategy.exits,
      close,
      account.entryPrice,
      highestCloseSince(bars.close, account.entryIndex, i),
    );
    if (reason !== null) ctx.exitByRule(reason);
  }
  return { prepared, ctx, signals, orders: ctx.orders.slice() };
}

/** Shows the strategy the account at the close of bar `i`, as the engine's `showAccount` does. */
export function showAccount(ctx: SimContext, i: number, account: RunAccountView): void {
  const held = account.position;
  ctx.i = i;
  ctx.position = held;
  ctx.cash = account.cash;
  ctx.entryPrice = held > 0 ? account.entryPrice : NaN;
  ctx.entryIndex = held > 0 ? account.entryIndex : -1;
}

function highestCloseSince(close: Float64Array, from: number, to: number): number {
  let high = -Infinity;
  for (let k = Math.max(0, from); k <= to; k++) if ((close[k] as number) > high) high = close[k] as number;
  return high;
}
