/**
 * The order ticket's view logic that is not markup: which typed text belongs to an input, the "Will be
 * sent as" note, the price a quick % of balance is sized at, and why the submit button is disabled.
 * Pure functions of the form and what the engine said, so the ticket components only wire them up.
 */
import type { EngineError, MarketInfo, OrderPreview, TickerInfo, TicketField } from '$workers/api';
import { formatDecimalText, normalizeDecimal, stepValue } from './decimal-text';
import { ruleLabel } from './labels';
import { readyForPreview, ticketTypes, type TicketForm, type TicketInput } from './ticket';

/** Every field the engine can name in an error, in the ticket's order. */
export const ticketFields: readonly TicketField[] = [
  'symbol',
  'side',
  'type',
  'amount',
  'price',
  'stopPrice',
  'stopLimitPrice',
  'takeProfitPrice',
  'entryPrice',
  'trail',
  'tif',
  'algo',
];

/** The text typed in an input ('' for inputs that are not text). */
export function inputValue(form: TicketForm, input: TicketInput): string {
  switch (input) {
    case 'trail':
      return form.trailValue;
    case 'amount':
    case 'price':
    case 'stopPrice':
    case 'takeProfitPrice':
    case 'stopLimitPrice':
    case 'entryPrice':
    case 'durationMin':
    case 'slices':
    case 'visible':
    case 'limitPrice':
    case 'participation':
      return form[input];
    default:
      return '';
  }
}

/** "Will be sent as 0.012 BTC" when the engine snapped what was typed to the lot or tick. */
export function snappedHint(typed: string, snapped: string | null | undefined, unit: string): string | null {
  if (!snapped) return null;
  const s = normalizeDecimal(typed);
  if (s === '' || s === snapped) return null;
  return `Will be sent as ${formatDecimalText(snapped)} ${unit}`.trim();
}

/** The price a quick % of a buy is expected to pay. */
export function expectedPrice(form: TicketForm, ticker: TickerInfo | null): string | number | null {
  const last = ticker?.last ?? null;
  const typed = (s: string) => {
    const n = normalizeDecimal(s);
    return n === '' ? null : n;
  };
  if (form.type === 'limit' || form.type === 'stop-limit') return typed(form.price) ?? ticker?.ask ?? last;
  if (form.type === 'bracket' && form.entryType === 'limit')
    return typed(form.entryPrice) ?? ticker?.ask ?? last;
  if (form.type === 'algo') return typed(form.limitPrice) ?? ticker?.ask ?? last;
  if (form.type === 'stop-market' || form.type === 'take-profit') return typed(form.stopPrice) ?? last;
  return (form.side === 'buy' ? ticker?.ask : ticker?.bid) ?? last;
}

/** The entry price handed to the sizing panel: the expected price as text, a number snapped to the tick. */
export function sizingEntry(price: string | number | null | undefined, tick: number | null): string {
  if (price === null || price === undefined) return '';
  return typeof price === 'number' ? (stepValue('', tick ?? 0, 1, price) ?? String(price)) : price;
}

export const quickFractions: ReadonlyArray<{ label: string; f: string }> = [
  { label: '25%', f: '0.25' },
  { label: '50%', f: '0.5' },
  { label: '75%', f: '0.75' },
  { label: '100%', f: '1' },
];

export interface BlockerInput {
  startError: EngineError | null;
  loading: boolean;
  market: MarketInfo | null;
  form: TicketForm;
  /** A preview error for the ticket as it stands (the preview panel shows it). */
  previewFailed: boolean;
  /** Whether the preview is of the ticket as it stands. */
  fresh: boolean;
  preview: OrderPreview | null;
}

/** Why the order cannot be sent yet, in one sentence under the button; null when nothing blocks it. */
export function ticketBlocker(b: BlockerInput): string | null {
  if (b.startError) return 'The trading engine is not available.';
  if (b.loading) return 'Connecting to the trading engine…';
  if (!b.market) return 'Loading the market…';
  if (!readyForPreview(b.form)) return 'Enter an amount.';
  if (b.previewFailed) return null;
  if (!b.fresh) return 'Checking the order…';
  const preview = b.preview;
  if (preview && !preview.ok) {
    const failed = preview.checks.filter((c) => !c.passed);
    const fields = Object.keys(preview.fieldErrors).length;
    if (fields > 0) {
      const first = Object.values(preview.fieldErrors).find((m) => typeof m === 'string' && m !== '');
      return fields > 1
        ? `${first} (and ${fields - 1} more above)`
        : (first ?? 'Fix the fields marked above.');
    }
    if (failed.length > 0) return `Blocked by ${failed.map((c) => ruleLabel(c.rule)).join(', ')}.`;
    return 'The engine would not accept this order.';
  }
  return null;
}

/** What a placed order is called in the result line: "Buy 0.01 BTC, limit", "Place OCO: sell 0.1 BTC". */
export function placedLabel(form: Pick<TicketForm, 'type'>, what: string): string {
  const kind = ticketTypes.find((x) => x.id === form.type)?.label ?? '';
  return ['algo', 'oco', 'bracket'].includes(form.type) ? what : `${what}, ${kind.toLowerCase()}`;
}

/** The risk rule a refused place names, if any. */
export function rejectedRule(error: EngineError | null): string | null {
  return error?.details && typeof error.details.rule === 'string' ? error.details.rule : null;
}

/** A fresh client order id: one per order as entered, so sending it again never places twice. */
export function newClientOrderId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `ui${Array.from(bytes, (b) => (b % 36).toString(36)).join('')}`;
}
