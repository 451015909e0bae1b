/** The ticket's position-sizing form, turned into the engine's SizingRequest (all text, no math here). */
import type { SizingRequest } from '$workers/api';
import { normalizeDecimal } from './decimal-text';

export type SizingMethod = SizingRequest['method'];

export interface SizingForm {
  method: SizingMethod;
  riskPct: string;
  /** Fixed fractional: the stop-loss price. */
  stop: string;
  /** Kelly: 'history' uses the account's closed trades; 'manual' the win rate and payoff below. */
  kellySource: 'history' | 'manual';
  /** Win rate in percent. */
  winRate: string;
  /** Average win / average loss. */
  payoff: string;
  /** Largest share of the full Kelly bet in percent, e.g. "50" for half Kelly. */
  fractionCap: string;
  atrMultiple: string;
}

export function emptySizing(): SizingForm {
  return {
    method: 'fixed-fractional',
    riskPct: '1',
    stop: '',
    kellySource: 'history',
    winRate: '',
    payoff: '',
    fractionCap: '50',
    atrMultiple: '2',
  };
}

export const sizingMethods: ReadonlyArray<{ id: SizingMethod; label: string; hint: string }> = [
  {
    id: 'fixed-fractional',
    label: 'Fixed fractional',
    hint: 'Risk a percent of equity between the entry and the stop.',
  },
  { id: 'kelly', label: 'Kelly', hint: 'Bet the Kelly fraction of equity, capped.' },
  {
    id: 'volatility',
    label: 'Volatility (ATR)',
    hint: 'Risk a percent of equity over a multiple of the ATR.',
  },
  { id: 'risk-parity', label: 'Risk parity', hint: 'Equal risk across the positions you hold.' },
];

/**
 * The request for `entry` (the ticket's price, or the market's when it has none). Percentages (risk,
 * Kelly's win rate and fraction cap) are sent in percent, as typed: the engine divides by 100.
 */
export function toSizingRequest(form: SizingForm, symbol: string, entry: string): SizingRequest {
  const e = normalizeDecimal(entry);
  switch (form.method) {
    case 'fixed-fractional':
      return {
        method: 'fixed-fractional',
        symbol,
        riskPct: normalizeDecimal(form.riskPct),
        entry: e,
        stop: normalizeDecimal(form.stop),
      };
    case 'kelly':
      return form.kellySource === 'history'
        ? {
            method: 'kelly',
            symbol,
            entry: e,
            fractionCap: normalizeDecimal(form.fractionCap),
            winRate: null,
            payoff: null,
          }
        : {
            method: 'kelly',
            symbol,
            entry: e,
            fractionCap: normalizeDecimal(form.fractionCap),
            winRate: normalizeDecimal(form.winRate),
            payoff: normalizeDecimal(form.payoff),
          };
    case 'volatility':
      return {
        method: 'volatility',
        symbol,
        riskPct: normalizeDecimal(form.riskPct),
        atrMultiple: normalizeDecimal(form.atrMultiple),
        entry: e,
      };
    case 'risk-parity':
      return { method: 'risk-parity', symbol, price: e };
  }
}
