import type { BacktestConfig, Slippage } from './types.js';

function percent(x: number): string {
  return `${Number((x * 100).toPrecision(10))} %`;
}

function slippageSentence(s: Slippage): string {
  switch (s.model) {
    case 'none':
      return 'No slippage: fills are at the bar price itself.';
    case 'bps':
      return `Slippage ${s.bps} bps: buys fill at the price x (1 + ${s.bps}/10,000), sells at the price x (1 - ${s.bps}/10,000).`;
    case 'volume':
      return `Volume slippage: the fill moves the price by ${s.impact} x sqrt(units / bar volume) against the order, at most 10 %; a bar without volume uses ${s.fallbackBps} bps.`;
  }
}

/**
 * The rules a run followed, as plain sentences for the results screen and the JSON. Kept next to the
 * engine's doc comment: both describe the same code.
 */
export function backtestConventions(config: BacktestConfig, periodsPerYear: number): string[] {
  const inferred = config.periodsPerYear === null;
  return [
    'Spot, long only: the position is never negative and cash never goes below zero.',
    'A strategy decides at the close of bar i and sees bars 0..i only.',
    config.execution === 'close'
      ? 'Orders fill at the close of the bar that signalled them.'
      : 'Orders fill at the open of the next bar; an order on the last bar is recorded as a signal with no fill.',
    'Within a bar the strategy decides first; then, if a position is still held and the strategy did not sell on that bar, the stop-loss and take-profit (against the average entry price) and the trailing exit (against the highest close since entry) are checked at the close, in that order, and may add an exit.',
    `A buy for a share f of equity spends S = min(f x equity, cash), equity being cash plus the position at the signal bar's close before its orders; a cash-amount buy spends min(amount, cash); a units buy is capped to what the cash affords. Units bought = S / (fill price x (1 + fee)), so notional plus fee is exactly S.`,
    `Fee ${percent(config.fee)} of each fill's notional (units x fill price after slippage): sells receive units x price x (1 - fee).`,
    slippageSentence(config.slippage),
    "Equity at each bar = cash + units held x that bar's close, after the bar's fills; drawdown = 1 - equity / highest equity so far.",
    'Bar returns are r_t = E_t / E_(t-1) - 1 from the second bar on; total return and CAGR are measured from the starting capital.',
    `Annualised with ${periodsPerYear} bars a year${inferred ? ' (inferred from the bar spacing: daily bars are 252 a year without weekend bars, 365 with)' : ''}; risk-free rate 0; volatility uses the sample standard deviation; Sortino divides by sqrt(sum(min(r, 0)^2) / n).`,
    'Sharpe is 0 when returns do not vary; Sortino, Calmar and profit factor are infinite when there is a gain and no downside, and 0 when there is neither.',
    'A trade is a round trip from flat to flat; PnL is net of both sides\' fees. A position still open at the end is listed as a trade marked at the last close (exit reason "end", no fee, no fill).',
    'Exposure is the share of bars with a position held at their close.',
  ];
}
