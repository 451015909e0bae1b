import { Decimal } from '../../money/decimal.js';
import { snapAmount, type MarketRules } from '../../money/market-rules.js';
import type { ClosedTrade } from '../types.js';

/**
 * Position sizing rules for the order ticket. Each rule is pure: it turns the account's equity and the
 * trade's prices (exact decimals: they are money) and statistics (floats: volatility, ATR, win rate) into
 * an amount rounded down to the market's lot, with the arithmetic spelled out in `explanation` and
 * anything the user should know (below the market minimum, more than the equity) in `warnings`.
 */

export interface SizingResult {
  /** Base-currency amount, a non-negative multiple of the lot. */
  amount: Decimal;
  explanation: string;
  warnings: string[];
}

export type SizingOutcome = SizingResult | { error: string };

/**
 * The smallest amount the market accepts at `price`: at least one lot, the minimum amount and the
 * minimum order value (minNotional / price), each rounded up to the lot. Without a price the order value
 * cannot be checked and only the amount minimums count.
 */
export function minimumOrderAmount(rules: MarketRules, price: Decimal | null): Decimal {
  let min = rules.step;
  if (rules.minAmount && rules.minAmount.isPositive())
    min = Decimal.max(min, rules.minAmount.roundToStep(rules.step, 'ceil'));
  if (rules.minNotional && rules.minNotional.isPositive() && price && price.isPositive()) {
    const byValue = rules.minNotional.div(price, rules.step.scale, 'ceil').roundToStep(rules.step, 'ceil');
    min = Decimal.max(min, byValue);
  }
  return min;
}

/** Whether the market accepts `amount` (a lot multiple) at `price`. */
export function meetsMinimum(rules: MarketRules, amount: Decimal, price: Decimal | null): boolean {
  return amount.gte(minimumOrderAmount(rules, price));
}

function describeMinimum(rules: MarketRules, price: Decimal | null): string {
  const parts: string[] = [];
  if (rules.minAmount && rules.minAmount.isPositive()) parts.push(`${rules.minAmount} ${rules.base}`);
  if (rules.minNotional && rules.minNotional.isPositive())
    parts.push(`an order value of ${rules.minNotional} ${rules.quote}`);
  if (parts.length === 0) parts.push(`one lot (${rules.step} ${rules.base})`);
  const min = minimumOrderAmount(rules, price);
  return `${parts.join(' and ')}, i.e. at least ${min} ${rules.base}${price ? ` at ${price}` : ''}`;
}

/** Rounds down to the lot and adds the warnings every rule shares. */
function finish(
  rules: MarketRules,
  raw: Decimal,
  price: Decimal,
  equity: Decimal,
  explanation: string,
  warnings: string[] = [],
): SizingResult {
  const amount = raw.isPositive() ? snapAmount(rules, raw) : Decimal.ZERO;
  if (raw.isPositive() && amount.isZero())
    warnings.push(
      `The size ${raw.toFixed(rules.amountDecimals + 2)} ${rules.base} is less than one lot (${rules.step} ${rules.base}).`,
    );
  if (amount.isPositive() && !meetsMinimum(rules, amount, price))
    warnings.push(
      `${amount} ${rules.base} is below the market minimum of ${describeMinimum(rules, price)}: the exchange would reject it.`,
    );
  if (amount.isPositive() && amount.mul(price).gt(equity))
    warnings.push(
      `The position is worth ${amount.mul(price).toFixed(rules.priceDecimals)} ${rules.quote}, more than the equity of ${equity} ${rules.quote}.`,
    );
  return { amount, explanation, warnings };
}

/** Division for sizes: exact enough to be floored to the lot afterwards (a few digits beyond it). */
function divForLot(rules: MarketRules, a: Decimal, b: Decimal): Decimal {
  return a.div(b, rules.step.scale + 2, 'floor');
}

/**
 * A float statistic (a percent, a fraction, a volatility) as a decimal rounded to 12 decimals, or null
 * when it is not finite or beyond 10^15: sizing never feeds such values into money.
 */
export function statDecimal(x: number): Decimal | null {
  if (!Number.isFinite(x) || Math.abs(x) >= 1e15) return null;
  return Decimal.from(x.toFixed(12));
}

function pct(value: number): Decimal {
  return (statDecimal(value) ?? Decimal.ZERO).div(100, 14, 'floor');
}

function checkEquity(equity: Decimal): string | null {
  return equity.isPositive() ? null : 'Equity must be above zero to size a position.';
}

function checkRiskPct(riskPct: number): string | null {
  return Number.isFinite(riskPct) && riskPct > 0 && riskPct <= 100
    ? null
    : 'Risk per trade must be a percent above 0 and at most 100 (1 to 2 % is common).';
}

function checkPrice(name: string, price: Decimal): string | null {
  return price.isPositive() ? null : `The ${name} price must be above zero.`;
}

export interface FixedFractionalInput {
  equity: Decimal;
  /** Percent of equity to lose if the stop is hit (e.g. 1 for 1 %). */
  riskPct: number;
  entry: Decimal;
  stop: Decimal;
  rules: MarketRules;
}

/** Risks `riskPct` % of equity between entry and stop: amount = equity × riskPct / 100 / |entry − stop|. */
export function fixedFractional(input: FixedFractionalInput): SizingOutcome {
  const { equity, riskPct, entry, stop, rules } = input;
  const bad =
    checkEquity(equity) ?? checkRiskPct(riskPct) ?? checkPrice('entry', entry) ?? checkPrice('stop', stop);
  if (bad) return { error: bad };
  const distance = entry.sub(stop).abs();
  if (distance.isZero()) return { error: 'The stop must differ from the entry price.' };
  const risk = equity.mul(pct(riskPct));
  const raw = divForLot(rules, risk, distance);
  return finish(
    rules,
    raw,
    entry,
    equity,
    `Risking ${riskPct} % of ${equity} ${rules.quote} = ${risk} ${rules.quote} over a stop distance of ${distance} ${rules.quote} gives ${raw.toFixed(rules.amountDecimals + 2)} ${rules.base}, rounded down to the lot.`,
  );
}

export interface KellyInput {
  equity: Decimal;
  entry: Decimal;
  rules: MarketRules;
  /** Share of winning trades, 0..1. */
  winRate: number;
  /** Average win / average loss. */
  payoff: number;
  /** Largest fraction of equity to commit (e.g. 0.25 for a quarter); full Kelly is rarely wise. */
  fractionCap: number;
}

/**
 * Kelly sizing: f = W − (1 − W) / R, clamped to [0, fractionCap]; amount = equity × f / entry.
 * No positive f means the history shows no edge, and the amount is zero.
 */
export function kelly(input: KellyInput): SizingOutcome {
  const { equity, entry, rules, winRate, payoff, fractionCap } = input;
  const bad = checkEquity(equity) ?? checkPrice('entry', entry);
  if (bad) return { error: bad };
  if (!Number.isFinite(winRate) || winRate < 0 || winRate > 1)
    return { error: 'The win rate must be between 0 and 1 (e.g. 0.55 for 55 % winners).' };
  if (!Number.isFinite(fractionCap) || fractionCap <= 0 || fractionCap > 1)
    return { error: 'The Kelly cap must be a fraction above 0 and at most 1 (0.25 = quarter Kelly).' };
  if (winRate > 0 && (!Number.isFinite(payoff) || payoff <= 0))
    return { error: 'The payoff ratio (average win / average loss) must be above zero.' };
  // f in exact decimals from the statistics' shortest text, so 0.6 − 0.4 / 2 is 0.4, not 0.39999…
  const w = statDecimal(winRate) ?? Decimal.ZERO;
  const r = statDecimal(payoff);
  if (winRate > 0 && (r === null || !r.isPositive()))
    return { error: 'The payoff ratio (average win / average loss) is out of range.' };
  const f = winRate === 0 || r === null ? Decimal.from(-1) : w.sub(Decimal.ONE.sub(w).div(r, 12, 'ceil'));
  const stats = `win rate ${(winRate * 100).toFixed(1)} %, payoff ${payoff.toFixed(2)}`;
  if (!f.isPositive())
    return {
      amount: Decimal.ZERO,
      explanation: `No edge: with ${stats} the Kelly fraction ${f.toFixed(4)} is not above zero, so Kelly sizes nothing.`,
      warnings: [],
    };
  const cap = statDecimal(fractionCap) ?? Decimal.ZERO;
  const used = Decimal.min(f, cap);
  const raw = divForLot(rules, equity.mul(used), entry);
  const capped = used.lt(f) ? `, capped at ${fractionCap}` : '';
  return finish(
    rules,
    raw,
    entry,
    equity,
    `With ${stats}, Kelly f = W − (1 − W) / R = ${f.toFixed(4)}${capped}; ${used} × ${equity} ${rules.quote} / ${entry} = ${raw.toFixed(rules.amountDecimals + 2)} ${rules.base}, rounded down to the lot.`,
  );
}

export interface KellyInputs {
  winRate: number;
  payoff: number;
  trades: number;
}

/** Fewest closed trades Kelly inputs are taken from: fewer say too little about the edge. */
export const kellyMinTrades = 10;

/**
 * Win rate and payoff from closed trades. Break-even trades count as trades but not as wins, so they
 * lower the win rate; payoff is the average winning P&L over the average losing P&L (as a magnitude).
 * Trades whose P&L is not a number are ignored.
 */
export function kellyInputsFromTrades(closed: readonly ClosedTrade[]): KellyInputs | { error: string } {
  let wins = 0;
  let losses = 0;
  let count = 0;
  let winSum = Decimal.ZERO;
  let lossSum = Decimal.ZERO;
  for (const t of closed) {
    const pnl = Decimal.tryFrom(t.pnl);
    if (pnl === null) continue;
    count++;
    if (pnl.isPositive()) {
      wins++;
      winSum = winSum.add(pnl);
    } else if (pnl.isNegative()) {
      losses++;
      lossSum = lossSum.add(pnl.abs());
    }
  }
  if (count < kellyMinTrades)
    return {
      error: `Kelly needs at least ${kellyMinTrades} closed trades; this account has ${count}.`,
    };
  if (losses === 0)
    return {
      error: 'Kelly needs at least one losing trade to measure the payoff ratio; there are none yet.',
    };
  const avgWin = wins === 0 ? 0 : winSum.toNumber() / wins;
  const avgLoss = lossSum.toNumber() / losses;
  return { winRate: wins / count, payoff: avgLoss > 0 ? avgWin / avgLoss : 0, trades: count };
}

export interface VolatilityAdjustedInput {
  equity: Decimal;
  riskPct: number;
  /** Average true range in the quote currency (see workers/research/indicators/atr.ts). */
  atr: number;
  /** The stop sits this many ATRs from the entry. */
  atrMultiple: number;
  entry: Decimal;
  rules: MarketRules;
}

/** Fixed-fractional risk with a stop atr × atrMultiple away: amount = equity × riskPct / 100 / distance. */
export function volatilityAdjusted(input: VolatilityAdjustedInput): SizingOutcome {
  const { equity, riskPct, atr, atrMultiple, entry, rules } = input;
  const bad = checkEquity(equity) ?? checkRiskPct(riskPct) ?? checkPrice('entry', entry);
  if (bad) return { error: bad };
  if (!Number.isFinite(atr) || atr <= 0)
    return { error: 'The ATR is not available (or zero): load more candles first.' };
  if (!Number.isFinite(atrMultiple) || atrMultiple <= 0)
    return { error: 'The ATR multiple must be above zero (2 is common).' };
  const distance = statDecimal(atr * atrMultiple);
  if (distance === null || !distance.isPositive())
    return { error: 'The stop distance (ATR × multiple) is out of range: check the ATR and the multiple.' };
  const risk = equity.mul(pct(riskPct));
  const raw = divForLot(rules, risk, distance);
  return finish(
    rules,
    raw,
    entry,
    equity,
    `A stop ${atrMultiple} × ATR ${atr} = ${distance.toFixed(rules.priceDecimals)} ${rules.quote} away, risking ${riskPct} % of ${equity} ${rules.quote} = ${risk} ${rules.quote}, gives ${raw.toFixed(rules.amountDecimals + 2)} ${rules.base}, rounded down to the lot.`,
  );
}

export interface RiskParityHolding {
  symbol: string;
  amount: Decimal;
  price: number;
  /** Any consistent volatility measure (e.g. annualised stdev of returns); only ratios matter. */
  volatility: number;
}

export interface RiskParityInput {
  equity: Decimal;
  holdings: readonly RiskParityHolding[];
  target: { symbol: string; price: Decimal; volatility: number };
  rules: MarketRules;
}

/**
 * Inverse-volatility weights over the holdings plus the target (a holding of the target symbol counts
 * once): w = (1/σ) / Σ(1/σ). The target's amount is w × equity / price minus what is already held of it,
 * never negative.
 */
export function riskParity(input: RiskParityInput): SizingOutcome {
  const { equity, holdings, target, rules } = input;
  const bad = checkEquity(equity) ?? checkPrice(target.symbol, target.price);
  if (bad) return { error: bad };
  const vols = new Map<string, number>();
  let current = Decimal.ZERO;
  for (const h of holdings) {
    if (h.symbol === target.symbol) {
      current = current.add(h.amount);
      continue;
    }
    if (!Number.isFinite(h.volatility) || h.volatility <= 0)
      return { error: `The volatility of ${h.symbol} is unknown or zero: load its candles first.` };
    vols.set(h.symbol, h.volatility);
  }
  if (!Number.isFinite(target.volatility) || target.volatility <= 0)
    return { error: `The volatility of ${target.symbol} is unknown or zero: load its candles first.` };
  vols.set(target.symbol, target.volatility);
  let inverseSum = 0;
  for (const v of vols.values()) inverseSum += 1 / v;
  const weight = 1 / target.volatility / inverseSum;
  if (!Number.isFinite(weight) || weight < 0 || weight > 1)
    return { error: 'The volatilities are out of range: check the candles they come from.' };
  const value = equity.mul(statDecimal(weight) ?? Decimal.ZERO);
  const wanted = divForLot(rules, value, target.price);
  const raw = wanted.sub(current);
  const share = `${(weight * 100).toFixed(2)} % of ${equity} ${rules.quote} (inverse volatility across ${vols.size} assets)`;
  if (!raw.isPositive())
    return {
      amount: Decimal.ZERO,
      explanation: `${target.symbol} is already at or over its weight: ${share} is ${wanted.toFixed(rules.amountDecimals)} ${rules.base}, and ${current} ${rules.base} is held.`,
      warnings: [],
    };
  return finish(
    rules,
    raw,
    target.price,
    equity,
    `The target weight is ${share} = ${wanted.toFixed(rules.amountDecimals + 2)} ${rules.base} at ${target.price}; ${current} ${rules.base} is held, so buy ${raw.toFixed(rules.amountDecimals + 2)} ${rules.base}, rounded down to the lot.`,
  );
}
