import type { TradeStats } from '../../research/stats/index.js';
import { utcDayStart, type BreakerState } from '../risk/breakers.js';
import type { ExecutiveView } from './api.js';
import type { ValuedHoldings } from './holdings.js';
import { priceIn, type SymbolPrices } from './marks.js';
import { flowAdjustedIndex, measure, type EquityHistory } from './performance.js';
import { exposure } from './risk-report.js';
import type { QuoteTrades } from './trade-totals.js';

export interface ExecutiveInputs {
  quote: string;
  now: number;
  valued: ValuedHoldings;
  history: EquityHistory;
  /** Valuation currency -> quote; null when unknown (then the PnLs are unknown too). */
  rate: number | null;
  /** Each account's running closed-trade totals by settlement quote (trade-totals.ts). */
  trades: ReadonlyArray<Readonly<Record<string, QuoteTrades>>>;
  prices: SymbolPrices;
  /** Each account's breakers, with its label. */
  breakers: ReadonlyArray<{ label: string; state: BreakerState }>;
}

/** The 1st of the month of `now`, 00:00 UTC. */
export function utcMonthStart(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/**
 * The KPIs of the executive screen. Today's and the month's PnL are the change in equity since 00:00 UTC
 * (the 1st, 00:00 UTC) less the flows since, so a deposit is not a gain; trade statistics are over every
 * closed trade, each quote's running totals converted to the screen's quote.
 */
export function executiveView(x: ExecutiveInputs): ExecutiveView {
  const pnlSince = (start: number) => {
    const m = measure(x.history, start, x.now);
    return m?.pnl === null || m === null || x.rate === null ? null : m.pnl * x.rate;
  };
  const { stats, notes } = tradeKpis(x);
  const index = flowAdjustedIndex(x.history);
  let peak = -Infinity;
  let maxDrawdown: number | null = index.values.length >= 2 ? 0 : null;
  for (const v of index.values) {
    peak = Math.max(peak, v);
    if (maxDrawdown !== null && peak > 0) maxDrawdown = Math.max(maxDrawdown, 1 - v / peak);
  }
  const halted = x.breakers.filter((b) => b.state.halted);
  const exp = exposure(x.valued, x.quote);
  return {
    quote: x.quote,
    computedAt: x.now,
    equity: x.valued.holdings.length ? x.valued.total : null,
    todayPnl: pnlSince(utcDayStart(x.now)),
    monthPnl: pnlSince(utcMonthStart(x.now)),
    winRate: stats.winRate,
    profitFactor: stats.profitFactor,
    expectancy: stats.expectancy,
    trades: stats.trades,
    maxDrawdown,
    grossExposure: exp.gross,
    netExposure: exp.net,
    halted: halted.length > 0,
    haltReason: halted.length
      ? halted
          .map((b) => `${x.breakers.length > 1 ? `${b.label}: ` : ''}${b.state.reason ?? 'halted'}`)
          .join('; ')
      : null,
    pricesAsOf: x.valued.pricesAsOf,
    notes,
  };
}

/**
 * Win rate, profit factor and expectancy over every closed trade, from the running totals: each quote's
 * sums converted at its current price in the screen's quote (a positive rate keeps wins and losses).
 */
function tradeKpis(x: ExecutiveInputs): { stats: TradeStats; notes: string[] } {
  let n = 0;
  let wins = 0;
  let losses = 0;
  let grossWin = 0;
  let grossLoss = 0;
  let sum = 0;
  const unpriced = new Map<string, number>();
  for (const byQuote of x.trades)
    for (const [q, t] of Object.entries(byQuote)) {
      if (t.trades === 0) continue;
      const quote = q || x.quote;
      const rate = priceIn(quote, x.quote, x.prices)?.price;
      if (rate === undefined) {
        unpriced.set(quote, (unpriced.get(quote) ?? 0) + t.trades);
        continue;
      }
      n += t.trades;
      wins += t.wins;
      losses += t.losses;
      grossWin += t.grossWin * rate;
      grossLoss += t.grossLoss * rate;
      sum += (t.sum + t.carry) * rate;
    }
  const notes = [...unpriced].map(
    ([quote, count]) =>
      `${count} closed trade${count === 1 ? '' : 's'} in ${quote} ${count === 1 ? 'is' : 'are'} left out of the trade statistics: ${quote} has no price in ${x.quote}.`,
  );
  return {
    stats: {
      trades: n,
      winRate: n === 0 ? null : wins / n,
      profitFactor: losses === 0 ? null : grossWin / grossLoss,
      expectancy: n === 0 ? null : sum / n,
    },
    notes,
  };
}
