/**
 * The order ticket's form: every field is the text the person typed. This module turns it into the
 * PlaceRequest the engine validates (money stays decimal text, never a float), says which fields a
 * type uses, and words the submit button. No risk or sizing decisions here: the engine's preview
 * makes them.
 */
import type {
  AlgoKind,
  AlgoParams,
  MarketInfo,
  OrderRequest,
  OrderType,
  PlaceRequest,
  Side,
  TicketField,
  TimeInForce,
} from '$workers/api';
import { Decimal } from '../../../workers/money/decimal';
import { formatDecimalText, isDecimalText, normalizeDecimal } from './decimal-text';

export type TicketType =
  | 'market'
  | 'limit'
  | 'stop-market'
  | 'stop-limit'
  | 'take-profit'
  | 'trailing-stop'
  | 'oco'
  | 'bracket'
  | 'algo';

export interface TicketForm {
  side: Side;
  type: TicketType;
  amount: string;
  /** Limit price: limit, stop-limit, and the optional limit of a take-profit. */
  price: string;
  /** Trigger price: stop-market, stop-limit, take-profit, and the stop of an OCO or bracket. */
  stopPrice: string;
  takeProfitPrice: string;
  /** OCO: optional limit for the stop leg (empty: the stop leg is a market order). */
  stopLimitPrice: string;
  entryType: 'market' | 'limit';
  entryPrice: string;
  trailKind: 'percent' | 'distance';
  trailValue: string;
  tif: TimeInForce;
  postOnly: boolean;
  reduceOnly: boolean;
  algoKind: AlgoKind;
  /** TWAP/VWAP duration in minutes. */
  durationMin: string;
  slices: string;
  /** Iceberg: the visible amount of each child. */
  visible: string;
  /** Algo children's limit price (empty: market children; required for an iceberg). */
  limitPrice: string;
  /** POV: percent of traded volume. */
  participation: string;
}

export function emptyTicket(side: Side = 'buy'): TicketForm {
  return {
    side,
    type: 'limit',
    amount: '',
    price: '',
    stopPrice: '',
    takeProfitPrice: '',
    stopLimitPrice: '',
    entryType: 'limit',
    entryPrice: '',
    trailKind: 'percent',
    trailValue: '',
    tif: 'GTC',
    postOnly: false,
    reduceOnly: false,
    algoKind: 'twap',
    durationMin: '30',
    slices: '10',
    visible: '',
    limitPrice: '',
    participation: '10',
  };
}

export const ticketTypes: ReadonlyArray<{ id: TicketType; label: string; hint: string }> = [
  { id: 'market', label: 'Market', hint: 'Buys or sells now at the best prices in the book.' },
  { id: 'limit', label: 'Limit', hint: 'Rests in the book at your price or better.' },
  { id: 'stop-market', label: 'Stop market', hint: 'Sends a market order when the price reaches the stop.' },
  { id: 'stop-limit', label: 'Stop limit', hint: 'Places a limit order when the price reaches the stop.' },
  {
    id: 'take-profit',
    label: 'Take profit',
    hint: 'Triggers when the price reaches your target: a market order, or a limit when you set one.',
  },
  {
    id: 'trailing-stop',
    label: 'Trailing stop',
    hint: 'A stop that follows the best price by a percent or a distance.',
  },
  { id: 'oco', label: 'OCO', hint: 'A take-profit and a stop: when one fills, the other is cancelled.' },
  {
    id: 'bracket',
    label: 'Bracket',
    hint: 'An entry, then a take-profit and a stop-loss for what was filled.',
  },
  { id: 'algo', label: 'Algo', hint: 'Lyra works a large order in slices: TWAP, VWAP, iceberg or POV.' },
];

export const algoKinds: ReadonlyArray<{ id: AlgoKind; label: string; hint: string }> = [
  { id: 'twap', label: 'TWAP', hint: 'Equal slices spread evenly over the duration.' },
  { id: 'vwap', label: 'VWAP', hint: "Slices weighted by the recent candles' volume profile." },
  { id: 'iceberg', label: 'Iceberg', hint: 'Shows only the visible amount in the book at a time.' },
  { id: 'pov', label: 'POV', hint: 'Trades a share of the market volume as it happens.' },
];

export type TicketInput =
  | 'amount'
  | 'price'
  | 'stopPrice'
  | 'takeProfitPrice'
  | 'stopLimitPrice'
  | 'entryType'
  | 'entryPrice'
  | 'trail'
  | 'tif'
  | 'postOnly'
  | 'reduceOnly'
  | 'durationMin'
  | 'slices'
  | 'visible'
  | 'limitPrice'
  | 'participation';

/** Which inputs a ticket shows for its type (and algo kind, and bracket entry). */
export function ticketInputs(
  form: Pick<TicketForm, 'type' | 'algoKind' | 'entryType' | 'tif'>,
): Set<TicketInput> {
  const s = new Set<TicketInput>(['amount']);
  switch (form.type) {
    case 'market':
      s.add('reduceOnly');
      break;
    case 'limit':
      s.add('price').add('tif').add('reduceOnly');
      if (form.tif === 'GTC') s.add('postOnly');
      break;
    case 'stop-market':
      s.add('stopPrice').add('reduceOnly');
      break;
    case 'stop-limit':
      s.add('stopPrice').add('price').add('tif').add('reduceOnly');
      break;
    case 'take-profit':
      s.add('stopPrice').add('price').add('reduceOnly');
      break;
    case 'trailing-stop':
      s.add('trail').add('reduceOnly');
      break;
    case 'oco':
      s.add('takeProfitPrice').add('stopPrice').add('stopLimitPrice');
      break;
    case 'bracket':
      s.add('entryType').add('takeProfitPrice').add('stopPrice');
      if (form.entryType === 'limit') s.add('entryPrice');
      break;
    case 'algo':
      s.add('limitPrice');
      if (form.algoKind === 'twap' || form.algoKind === 'vwap') s.add('durationMin').add('slices');
      if (form.algoKind === 'iceberg') s.add('visible');
      if (form.algoKind === 'pov') s.add('participation');
      break;
  }
  return s;
}

/** Types Lyra runs itself (the exchange never sees the trigger): they need the app open. */
export function isEmulatedType(type: TicketType | OrderType): boolean {
  return type !== 'market' && type !== 'limit';
}

/** Decimal text for the request, or null when the field is empty. */
function money(text: string): string | null {
  const s = normalizeDecimal(text);
  return s === '' ? null : s;
}

/** Required decimal text: empty stays "" so the engine answers with the field's own message. */
function req(text: string): string {
  return normalizeDecimal(text);
}

function positiveInt(text: string): number | undefined {
  const s = text.trim();
  if (!/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Minutes as typed ("30", "1.5") in ms; undefined when it is not a number. */
function minutesToMs(text: string): number | undefined {
  const s = normalizeDecimal(text);
  if (!isDecimalText(s)) return undefined;
  return Math.round(Number(s) * 60_000);
}

export function algoParams(form: TicketForm): AlgoParams {
  const p: AlgoParams = { limitPrice: money(form.limitPrice) };
  if (form.algoKind === 'twap' || form.algoKind === 'vwap') {
    const d = minutesToMs(form.durationMin);
    const n = positiveInt(form.slices);
    if (d !== undefined) p.durationMs = d;
    if (n !== undefined) p.slices = n;
  }
  if (form.algoKind === 'iceberg') p.visible = req(form.visible);
  if (form.algoKind === 'pov') p.participation = req(form.participation);
  return p;
}

/** The request the engine previews and places. Only the fields the type uses are sent. */
export function toPlaceRequest(form: TicketForm, symbol: string): PlaceRequest {
  const base = { symbol, side: form.side, amount: req(form.amount) };
  switch (form.type) {
    case 'oco':
      return {
        kind: 'oco',
        oco: {
          ...base,
          takeProfitPrice: req(form.takeProfitPrice),
          stopPrice: req(form.stopPrice),
          stopLimitPrice: money(form.stopLimitPrice),
        },
      };
    case 'bracket':
      return {
        kind: 'bracket',
        bracket: {
          ...base,
          entryType: form.entryType,
          entryPrice: form.entryType === 'limit' ? req(form.entryPrice) : null,
          takeProfitPrice: req(form.takeProfitPrice),
          stopPrice: req(form.stopPrice),
        },
      };
    case 'algo':
      return { kind: 'algo', algo: { ...base, kind: form.algoKind, params: algoParams(form) } };
    default:
      return { kind: 'order', order: toOrderRequest(form, base) };
  }
}

function toOrderRequest(
  form: TicketForm,
  base: { symbol: string; side: Side; amount: string },
): OrderRequest {
  const inputs = ticketInputs(form);
  let type: OrderType;
  if (form.type === 'take-profit') type = money(form.price) === null ? 'take-profit' : 'take-profit-limit';
  else type = form.type as OrderType;
  const order: OrderRequest = { ...base, type };
  if (inputs.has('price')) order.price = type === 'take-profit' ? null : req(form.price);
  if (inputs.has('stopPrice')) order.stopPrice = req(form.stopPrice);
  if (inputs.has('trail')) order.trail = { kind: form.trailKind, value: req(form.trailValue) };
  if (inputs.has('tif')) order.tif = form.tif;
  else if (type === 'market') order.tif = 'IOC';
  if (inputs.has('postOnly')) order.postOnly = form.postOnly;
  if (inputs.has('reduceOnly')) order.reduceOnly = form.reduceOnly;
  return order;
}

/** A stable key of a request, to skip previews of an unchanged ticket. */
export function requestKey(r: PlaceRequest): string {
  return JSON.stringify(r);
}

/** Whether the ticket has enough typed to be worth a preview (an amount, at least). */
export function readyForPreview(form: TicketForm): boolean {
  return normalizeDecimal(form.amount) !== '';
}

/** Which preview field error belongs next to which input. */
export const fieldOfInput: Partial<Record<TicketInput, TicketField>> = {
  amount: 'amount',
  price: 'price',
  stopPrice: 'stopPrice',
  takeProfitPrice: 'takeProfitPrice',
  stopLimitPrice: 'stopLimitPrice',
  entryPrice: 'entryPrice',
  trail: 'trail',
  tif: 'tif',
  limitPrice: 'price',
};

/** Errors the ticket has no input for (shown above the submit button so none is ever hidden). */
export function orphanErrors(
  errors: Partial<Record<TicketField, string>>,
  inputs: Set<TicketInput>,
): Array<[TicketField, string]> {
  const shown = new Set<TicketField>();
  for (const i of inputs) {
    const f = fieldOfInput[i];
    if (f) shown.add(f);
  }
  if (inputs.has('durationMin') || inputs.has('visible') || inputs.has('participation')) shown.add('algo');
  return (Object.entries(errors) as Array<[TicketField, string | undefined]>).filter(
    (e): e is [TicketField, string] => typeof e[1] === 'string' && e[1] !== '' && !shown.has(e[0]),
  );
}

const sideWord = (s: Side) => (s === 'buy' ? 'Buy' : 'Sell');

/** The submit button's words: "Buy 0.012 BTC", "Start TWAP: sell 1.5 ETH", "Place OCO: sell 0.1 BTC". */
export function submitLabel(
  form: TicketForm,
  market: MarketInfo | null,
  snappedAmount: string | null,
): string {
  const raw = snappedAmount ?? normalizeDecimal(form.amount);
  const amount = raw && isDecimalText(raw) ? formatDecimalText(raw) : '';
  const what = [amount, market?.base ?? ''].filter(Boolean).join(' ');
  const side = sideWord(form.side);
  switch (form.type) {
    case 'oco':
      return `Place OCO: ${side.toLowerCase()} ${what}`.trim();
    case 'bracket':
      return `${side} ${what} with bracket`.replace(/\s+/g, ' ').trim();
    case 'algo': {
      const kind = algoKinds.find((k) => k.id === form.algoKind)?.label ?? form.algoKind;
      return `Start ${kind}: ${side.toLowerCase()} ${what}`.trim();
    }
    default:
      return `${side} ${what}`.trim();
  }
}

export interface QuickAmountInput {
  side: Side;
  /** Fraction of the free balance to use, e.g. "0.25". */
  fraction: string;
  /** Free quote balance (for buys) and free base balance (for sells), as decimal text. */
  freeQuote: string | null;
  freeBase: string | null;
  /** The price a buy is expected to pay: the limit price, else the best ask or last price. */
  price: string | number | null;
  market: Pick<MarketInfo, 'stepSize' | 'taker'> | null;
}

/**
 * The amount for a "% of balance" button, rounded down to the lot: a sell uses the free base; a buy
 * spends the free quote at the expected price with the taker fee set aside. A convenience that fills
 * the field: the engine's preview still checks it. Null when there is nothing to compute from.
 */
export function quickAmount(q: QuickAmountInput): string | null {
  const fraction = Decimal.tryFrom(q.fraction);
  if (!fraction || !fraction.isPositive() || !q.market || !(q.market.stepSize > 0)) return null;
  const step = Decimal.from(q.market.stepSize);
  let amount: Decimal;
  if (q.side === 'sell') {
    const free = Decimal.tryFrom(q.freeBase);
    if (!free || !free.isPositive()) return null;
    amount = free.mul(fraction);
  } else {
    const free = Decimal.tryFrom(q.freeQuote);
    const price = Decimal.tryFrom(typeof q.price === 'number' && !Number.isFinite(q.price) ? null : q.price);
    if (!free || !free.isPositive() || !price || !price.isPositive()) return null;
    const fee = Decimal.from(q.market.taker ?? 0.001);
    amount = free.mul(fraction).div(price.mul(Decimal.ONE.add(fee)), 18, 'floor');
  }
  const snapped = amount.roundToStep(step, 'floor');
  return snapped.isPositive() ? snapped.toString() : null;
}
