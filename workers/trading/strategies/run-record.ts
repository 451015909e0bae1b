import type { CandleColumns } from '../../market/candle-series.js';
import type { PendingOrder } from '../../research/backtest/sim-context.js';
import type { StrategyRunView } from './api.js';

/** The orders one bar asked for, sent one after another (a later one is sized after the earlier fills). */
export interface BarOrders {
  /** Open time of the bar whose close decided them. */
  barTime: number;
  /** Index of that bar in the run's bars when it was decided. */
  barIndex: number;
  close: number;
  volume: number;
  orders: PendingOrder[];
  /** How many of `orders` are done (placed and settled, or given up with a note). */
  done: number;
}

/**
 * A run as stored in the `strategyRuns` table: what the screen shows, plus what the runner needs to
 * resume after a reload. The extra fields never leave the worker (see `viewOf`).
 */
export interface StoredRun extends StrategyRunView {
  /** The exchange whose market it trades: it waits while the app is on another one. */
  exchange: string | null;
  /** The bars seen so far (warm-up history included), capped at `maxRunBars`. */
  bars: CandleColumns | null;
  /** Orders decided but not yet all sent: written before the first is sent, like the trading outbox. */
  outbox: BarOrders | null;
}

/** What the page is shown: the stored run without the runner's own bookkeeping. */
export function viewOf(run: StoredRun): StrategyRunView {
  const { bars: _bars, outbox: _outbox, exchange: _exchange, ...view } = run;
  return view;
}
