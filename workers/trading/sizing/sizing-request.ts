import type { CandleColumns } from '../../market/candle-series.js';
import { Decimal } from '../../money/decimal.js';
import type { MarketRules } from '../../money/market-rules.js';
import { atr } from '../../research/indicators/atr.js';
import type { SizingRequest, SizingResult } from '../api.js';
import type { ClosedTrade, PositionRecord } from '../types.js';
import {
  fixedFractional,
  kelly,
  kellyInputsFromTrades,
  riskParity,
  volatilityAdjusted,
  type SizingOutcome,
} from './position-sizing.js';

export interface SizingInputs {
  rules: MarketRules;
  equity: Decimal;
  closedTrades: readonly ClosedTrade[];
  positions: readonly PositionRecord[];
  mark: (symbol: string) => number | null;
  candles: (symbol: string) => Promise<CandleColumns>;
}

function num(text: unknown, label: string): number {
  const n = typeof text === 'string' && text.trim() !== '' ? Number(text) : NaN;
  if (!Number.isFinite(n)) throw new Error(`Enter ${label} as a number.`);
  return n;
}

function price(text: unknown, label: string): Decimal {
  const d = Decimal.tryFrom(text);
  if (!d || !d.isPositive()) throw new Error(`Enter ${label} above zero.`);
  return d;
}

/** Standard deviation of log returns of the closes: only ratios between symbols matter for parity. */
function volatility(candles: CandleColumns): number {
  const c = candles.close;
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (let i = 1; i < c.length; i++) {
    const a = c[i - 1] as number;
    const b = c[i] as number;
    if (!(a > 0 && b > 0)) continue;
    const r = Math.log(b / a);
    n++;
    sum += r;
    sq += r * r;
  }
  if (n < 2) return NaN;
  const mean = sum / n;
  return Math.sqrt(Math.max(0, (sq - n * mean * mean) / (n - 1)));
}

/** Turns the ticket's sizing request (text fields) into one of the sizing rules and its inputs. */
export async function sizeOrder(request: SizingRequest, inputs: SizingInputs): Promise<SizingResult> {
  const { rules, equity } = inputs;
  let outcome: SizingOutcome;
  try {
    switch (request?.method) {
      case 'fixed-fractional':
        outcome = fixedFractional({
          equity,
          riskPct: num(request.riskPct, 'the risk %'),
          entry: price(request.entry, 'an entry price'),
          stop: price(request.stop, 'a stop price'),
          rules,
        });
        break;
      case 'kelly': {
        const entered =
          request.winRate != null &&
          request.winRate !== '' &&
          request.payoff != null &&
          request.payoff !== '';
        const stats = entered
          ? {
              winRate: num(request.winRate, 'the win rate') / 100,
              payoff: num(request.payoff, 'the payoff ratio'),
            }
          : kellyInputsFromTrades(inputs.closedTrades);
        if ('error' in stats)
          return {
            amount: null,
            explanation: '',
            warnings: [],
            error: `${stats.error} Or enter a win rate and payoff.`,
          };
        outcome = kelly({
          equity,
          entry: price(request.entry, 'an entry price'),
          rules,
          winRate: stats.winRate,
          payoff: stats.payoff,
          fractionCap: num(request.fractionCap, 'the fraction cap') / 100,
        });
        break;
      }
      case 'volatility': {
        const series = atr(await inputs.candles(rules.symbol), 14);
        const last = series[series.length - 1] ?? NaN;
        outcome = volatilityAdjusted({
          equity,
          riskPct: num(request.riskPct, 'the risk %'),
          atr: last,
          atrMultiple: num(request.atrMultiple, 'the ATR multiple'),
          entry: price(request.entry, 'an entry price'),
          rules,
        });
        break;
      }
      case 'risk-parity': {
        const holdings = [];
        for (const p of inputs.positions) {
          const amount = Decimal.from(p.amount);
          const mark = inputs.mark(p.symbol);
          if (!amount.isPositive() || mark === null) continue;
          holdings.push({
            symbol: p.symbol,
            amount,
            price: mark,
            volatility: volatility(await inputs.candles(p.symbol)),
          });
        }
        outcome = riskParity({
          equity,
          holdings: holdings.filter((h) => Number.isFinite(h.volatility) && h.volatility > 0),
          target: {
            symbol: rules.symbol,
            price: price(request.price, 'a price'),
            volatility: volatility(await inputs.candles(rules.symbol)),
          },
          rules,
        });
        break;
      }
      default:
        return { amount: null, explanation: '', warnings: [], error: 'Choose a sizing method.' };
    }
  } catch (e) {
    return { amount: null, explanation: '', warnings: [], error: e instanceof Error ? e.message : String(e) };
  }
  if ('error' in outcome) return { amount: null, explanation: '', warnings: [], error: outcome.error };
  return {
    amount: outcome.amount.toString(),
    explanation: outcome.explanation,
    warnings: outcome.warnings,
    error: null,
  };
}
