import { Decimal } from '../money/decimal.js';
import type { CorrelationShockPair } from '../research/stats/correlation-shocks.js';
import type { FillRecord } from '../trading/types.js';
import { formatNumber, groupDigits } from '../trading/risk/format.js';
import type { Crossing } from './level-crossing.js';
import type { RiskAlertEvent } from './types.js';

// The sentences of alert firings. Numbers are rounded toward the level they passed (down after an
// upward crossing, up after a downward one), so a shown value never seems not to have reached it. A
// risk value shown beside its threshold (drawdown, correlation change) is rounded exactly like the
// threshold instead (`formatScaled`): the same monotone rounding keeps value >= threshold when shown.

type Rounding = 'floor' | 'ceil' | 'nearest';

function towardLevel(crossed: Crossing): Rounding {
  return crossed === 'up' ? 'floor' : crossed === 'down' ? 'ceil' : 'nearest';
}

/** A price with the digits it needs: 70,012.5, 1.2345678, 0.000012345. */
export function formatPrice(x: number, rounding: Rounding = 'nearest'): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  const intDigits = a >= 1 ? Math.floor(Math.log10(a)) + 1 : 0;
  return formatNumber(x, a >= 1 ? Math.max(2, 8 - intDigits) : 10, rounding);
}

/** Decimal text grouped as entered (trailing zeros dropped); anything unreadable as it came. */
export function formatDecimalText(text: string): string {
  const d = Decimal.tryFrom(text);
  return d === null ? String(text) : groupDigits(d.toString());
}

/** `d` rounded half away from zero to `decimals` decimals. */
function roundHalfAway(d: Decimal, decimals: number): Decimal {
  const down = d.round(decimals, 'down');
  const half = Decimal.from(`0.${'0'.repeat(decimals)}5`);
  return d.sub(down).abs().gte(half) ? d.round(decimals, 'up') : down;
}

/**
 * `x` x `scale` rounded half away from zero to `decimals` decimals, computed on x's shortest decimal
 * text (trailing zeros dropped, grouped): 0.29 x 100 shows as 29, where floats give 28.999999999999996.
 * Monotone in x, so two numbers formatted alike never swap order when shown.
 */
export function formatScaled(x: number, scale: number, decimals: number): string {
  const d = Decimal.tryFrom(x);
  if (d === null) return formatNumber(x * scale, decimals);
  return groupDigits(roundHalfAway(d.mul(scale), decimals).toString());
}

/** A span of time in words with at most two units: "500 ms", "45 s", "1 h 30 min", "2 d". */
export function formatSpan(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (Math.abs(ms) < 1000) return `${Math.round(ms)} ms`;
  let s = Math.round(Math.abs(ms) / 1000);
  const units: Array<[string, number]> = [
    ['d', 86_400],
    ['h', 3_600],
    ['min', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  for (const [name, size] of units) {
    const n = Math.floor(s / size);
    s -= n * size;
    if (n > 0 || parts.length > 0) parts.push(`${n} ${name}`);
    if (parts.length === 2) break;
  }
  const kept = parts.filter((p) => !p.startsWith('0 '));
  return (ms < 0 ? '-' : '') + kept.join(' ');
}

export function priceCrossMessage(
  symbol: string,
  level: string,
  price: number,
  crossed: 'up' | 'down',
): string {
  const word = crossed === 'up' ? 'above' : 'below';
  return `${symbol} crossed ${word} ${formatDecimalText(level)}: last ${formatPrice(price, towardLevel(crossed))}.`;
}

export function percentMoveMessage(
  symbol: string,
  movePercent: number,
  from: { time: number; price: number },
  time: number,
  price: number,
): string {
  const word = movePercent >= 0 ? 'rose' : 'fell';
  // Floor the size of the move: the alert fired because it reached the percent.
  const size = formatNumber(Math.abs(movePercent), 2, 'floor');
  return `${symbol} ${word} ${size} % in ${formatSpan(time - from.time)} (from ${formatPrice(from.price)} to ${formatPrice(price)}).`;
}

export function rsiMessage(
  symbol: string,
  timeframe: string,
  period: number,
  level: number,
  rsi: number,
  crossed: 'up' | 'down',
): string {
  const word = crossed === 'up' ? 'rose above' : 'fell below';
  return `RSI(${period}) of ${symbol} on ${timeframe} ${word} ${formatNumber(level, 2)}: ${formatNumber(rsi, 1, towardLevel(crossed))}.`;
}

export function macdMessage(
  symbol: string,
  timeframe: string,
  p: { fast: number; slow: number; signal: number },
  line: number,
  signal: number,
  crossed: 'up' | 'down',
): string {
  const word = crossed === 'up' ? 'above' : 'below';
  return `MACD(${p.fast}, ${p.slow}, ${p.signal}) of ${symbol} on ${timeframe} crossed ${word} its signal line: MACD ${formatPrice(line)}, signal ${formatPrice(signal)}.`;
}

export function fillMessage(fill: FillRecord): string {
  const verb = fill.side === 'buy' ? 'bought' : 'sold';
  return `Filled: ${verb} ${formatDecimalText(fill.amount)} ${fill.symbol} at ${formatDecimalText(fill.price)} (${formatDecimalText(fill.quote)}), order ${fill.orderId} on account ${fill.accountId}.`;
}

export function breakerMessage(e: Extract<RiskAlertEvent, { kind: 'breaker-tripped' }>): string {
  const said = e.message.trim();
  return `Circuit breaker "${e.rule}" tripped on account ${e.accountId}${said ? `: ${said.replace(/\.?$/, '.')}` : '.'}`;
}

export function drawdownMessage(e: Extract<RiskAlertEvent, { kind: 'drawdown' }>, threshold: number): string {
  const pct = formatScaled(e.drawdown, 100, 2);
  const money =
    e.equity != null && e.peak != null
      ? `: equity ${formatDecimalText(e.equity)} against a peak of ${formatDecimalText(e.peak)}`
      : '';
  return `Account ${e.accountId} is ${pct} % below its equity peak (alert at ${formatScaled(threshold, 100, 2)} %)${money}.`;
}

export function correlationMessage(pair: CorrelationShockPair, threshold: number): string {
  const change = pair.change;
  const signed = `${change >= 0 ? '+' : '-'}${formatScaled(Math.abs(change), 1, 2)}`;
  return `Correlation shock ${pair.a}/${pair.b}: recent correlation ${formatNumber(pair.ewma, 2)} against ${formatNumber(pair.longRun, 2)} long-run (change ${signed}, alert at ${formatScaled(threshold, 1, 2)}).`;
}

export function feedStaleMessage(e: Extract<RiskAlertEvent, { kind: 'feed-stale' }>): string {
  const what = e.symbol === null ? `The ${e.exchange} feed` : `The ${e.exchange} feed for ${e.symbol}`;
  const age =
    e.ageMs !== null && Number.isFinite(e.ageMs) ? `: the newest data is ${formatSpan(e.ageMs)} old` : '';
  return `${what} is stale${age}.`;
}

/** The message of a late firing: what fired, then why it is late. */
export function withLateness(message: string, late: string | null): string {
  return late === null ? message : `${message} Late: ${late}.`;
}
