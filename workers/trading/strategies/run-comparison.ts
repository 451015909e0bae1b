import { runBacktest } from '../../research/backtest/engine.js';
import { SimAccount } from '../../research/backtest/sim-account.js';
import { firstIndexAtOrAfter } from '../../research/data/bars.js';
import type { Bars, Params, Signal, SimTrade, Strategy } from '../../research/backtest/types.js';
import type { StrategyComparison } from './api.js';
import type { StoredRun } from './run-record.js';
import type { RunOrderFill } from './run-ledger.js';

/**
 * A strategy that only trades from bar `first` on: earlier bars still feed its indicators. This is how a
 * live run sees its warm-up history, so the backtest of the same bars must see it the same way.
 */
export function tradingFrom(strategy: Strategy, first: number): Strategy {
  return {
    id: strategy.id,
    name: strategy.name,
    description: strategy.description,
    params: strategy.params,
    warmup: (p) => strategy.warmup(p),
    defaultSize: strategy.defaultSize,
    exits: strategy.exits,
    prepare(bars, params) {
      const prepared = strategy.prepare(bars, params);
      return {
        onBar: (ctx) => {
          if (ctx.i >= first) prepared.onBar(ctx);
        },
        onFill: prepared.onFill ? (fill, ctx) => prepared.onFill!(fill, ctx) : undefined,
        // Passed through when read, not read here: a strategy may compute its overlays only on demand.
        get overlays() {
          return prepared.overlays;
        },
        dispose: prepared.dispose ? () => prepared.dispose!() : undefined,
      };
    },
  };
}

/**
 * The run's signals and trades next to the backtest engine's over the bars the run saw: capital the
 * run's starting equity, the account's fee, execution at the close, no slippage, trading from the
 * run's first live bar. Live trades are rebuilt from the run's actual fills with the backtest account's
 * own round-trip arithmetic, so both lists mean the same thing.
 */
export function compareRun(
  run: StoredRun,
  strategy: Strategy,
  params: Params,
  fee: number,
  fills: readonly RunOrderFill[],
): StrategyComparison {
  const bars = barsOf(run);
  const n = bars.time.length;
  const first = run.firstLiveBar == null ? n : firstIndexAtOrAfter(bars.time, run.firstLiveBar);
  const backtest =
    n === 0
      ? null
      : runBacktest(bars, tradingFrom(strategy, first), params, {
          capital: run.startingEquity ?? 1,
          fee,
          slippage: { model: 'none' },
          execution: 'close',
          periodsPerYear: null,
        });
  const liveSignals = run.signals
    .map((s) => ({ ...s, i: firstIndexAtOrAfter(bars.time, s.time) }))
    .filter((s) => bars.time[s.i] === s.time);
  const btSignals = backtest?.signals ?? [];
  return {
    runId: run.id,
    bars: n,
    live: { signals: liveSignals, trades: liveTrades(bars, liveSignals, fills, fee) },
    backtest: { signals: btSignals, trades: backtest?.trades ?? [] },
    differences: signalDifferences(liveSignals, btSignals),
  };
}

/** Per bar time where the two disagree: what each did there, in words. */
export function signalDifferences(
  live: readonly Signal[],
  backtest: readonly Signal[],
): StrategyComparison['differences'] {
  const liveAt = byTime(live);
  const btAt = byTime(backtest);
  const times = [...new Set([...liveAt.keys(), ...btAt.keys()])].sort((a, b) => a - b);
  const out: StrategyComparison['differences'] = [];
  for (const time of times) {
    const l = liveAt.get(time) ?? 'nothing';
    const b = btAt.get(time) ?? 'nothing';
    if (l !== b) out.push({ time, live: l, backtest: b });
  }
  return out;
}

function byTime(signals: readonly Signal[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const s of signals) {
    const words = s.reason === 'signal' ? s.action : `${s.action} (${s.reason})`;
    out.set(s.time, out.has(s.time) ? `${out.get(s.time)}, ${words}` : words);
  }
  return out;
}

/** Round trips of the run's fills, each at its own price and amount, marked at the last close if open. */
function liveTrades(
  bars: Bars,
  signals: readonly Signal[],
  fills: readonly RunOrderFill[],
  fee: number,
): SimTrade[] {
  const account = new SimAccount(Infinity, fee, { model: 'none' });
  for (const f of fills) {
    const i = firstIndexAtOrAfter(bars.time, f.barTime);
    if (!f.filled.isPositive() || bars.time[i] !== f.barTime) continue;
    const units = f.filled.toNumber();
    const price = f.cost.toNumber() / units;
    const close = bars.close[i] as number;
    const volume = bars.volume[i] as number;
    if (f.side === 'buy')
      account.buy(i, f.barTime, price, volume, close, { kind: 'units', amount: units }, NaN);
    else {
      // The k-th order of a bar answers its k-th signal: that says why it sold.
      const reason = signals.filter((s) => s.time === f.barTime)[f.seq]?.reason ?? 'signal';
      account.sell(i, f.barTime, price, volume, units, reason);
    }
  }
  const trades = account.trades.slice();
  const last = bars.time.length - 1;
  if (last >= 0) {
    const open = account.markOpenTrade(last, bars.time[last] as number, bars.close[last] as number);
    if (open) trades.push(open);
  }
  return trades;
}

function barsOf(run: StoredRun): Bars {
  const c = run.bars;
  const empty = new Float64Array(0);
  return c
    ? {
        time: c.time,
        open: c.open,
        high: c.high,
        low: c.low,
        close: c.close,
        volume: c.volume,
        closeOnly: false,
      }
    : { time: empty, open: empty, high: empty, low: empty, close: empty, volume: empty, closeOnly: false };
}
