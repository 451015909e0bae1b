import { Decimal } from '../money/decimal.js';
import { checkMarketRules, type MarketRules } from '../money/market-rules.js';
import type { OrderRequest, PlaceRequest, TicketField } from './api.js';
import type { OrderRecord, OrderType, Side, TimeInForce, Trail } from './types.js';

/**
 * Turns what the UI (or another tab, or storage) sends into order records, refusing anything malformed
 * itself: the worker never trusts the form. Every refusal names the field and says how to fix it.
 */

export type FieldErrors = Partial<Record<TicketField, string>>;

const orderTypes: ReadonlySet<string> = new Set<OrderType>([
  'market',
  'limit',
  'stop-market',
  'stop-limit',
  'take-profit',
  'take-profit-limit',
  'trailing-stop',
]);
const tifs: ReadonlySet<string> = new Set<TimeInForce>(['GTC', 'IOC', 'FOK']);
/** Far beyond any real order; refuses "1e300"-style hostile values before any arithmetic. */
const maxMagnitude = Decimal.from('1e15');

export interface OrderContext {
  accountId: string;
  exchange: string;
  now: number;
  latencyMs: number;
  rules: MarketRules | undefined;
}

function decimalField(
  errors: FieldErrors,
  field: TicketField,
  value: unknown,
  label: string,
  required: boolean,
): Decimal | null {
  if (value === undefined || value === null || value === '') {
    if (required) errors[field] = `Enter ${label}.`;
    return null;
  }
  const d = Decimal.tryFrom(value);
  if (d === null) {
    errors[field] = `${label[0]!.toUpperCase()}${label.slice(1)} must be a number like 0.5.`;
    return null;
  }
  if (!d.isPositive()) {
    errors[field] = `${label[0]!.toUpperCase()}${label.slice(1)} must be above zero.`;
    return null;
  }
  if (d.gt(maxMagnitude)) {
    errors[field] = `${label[0]!.toUpperCase()}${label.slice(1)} is too large.`;
    return null;
  }
  return d;
}

function sideOf(errors: FieldErrors, value: unknown): Side {
  if (value !== 'buy' && value !== 'sell') errors.side = 'Choose buy or sell.';
  return value === 'sell' ? 'sell' : 'buy';
}

function symbolRules(errors: FieldErrors, symbol: unknown, ctx: OrderContext): MarketRules | undefined {
  if (typeof symbol !== 'string' || symbol.length === 0 || symbol.length > 40) {
    errors.symbol = 'Choose a market from the list.';
    return undefined;
  }
  if (!ctx.rules || ctx.rules.symbol !== symbol) {
    errors.symbol = `${symbol} is not a market Lyra knows on ${ctx.exchange}. Choose one from the list.`;
    return undefined;
  }
  return ctx.rules;
}

function base(ctx: OrderContext, id: string, symbol: string, side: Side): OrderRecord {
  return {
    id,
    accountId: ctx.accountId,
    exchange: ctx.exchange,
    symbol,
    side,
    type: 'market',
    status: 'pending-new',
    amount: '0',
    price: null,
    stopPrice: null,
    trail: null,
    tif: 'GTC',
    postOnly: false,
    reduceOnly: false,
    filled: '0',
    cost: '0',
    fee: '0',
    feeAsset: ctx.rules?.quote ?? '',
    holds: '0',
    holdsAsset: side === 'buy' ? (ctx.rules?.quote ?? '') : (ctx.rules?.base ?? ''),
    triggered: false,
    group: null,
    exits: null,
    source: 'manual',
    queueAhead: null,
    activeAt: ctx.now + ctx.latencyMs,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    reason: null,
  };
}

/** Tick, lot and minimums; `limit` is checked on the tick, the notional is valued at `limit ?? reference`. */
function ruleErrors(
  errors: FieldErrors,
  rules: MarketRules,
  amount: Decimal,
  limit: Decimal | null,
  stop: Decimal | null,
  reference: Decimal | null,
  priceField: TicketField = 'price',
  stopField: TicketField = 'stopPrice',
): void {
  for (const v of checkMarketRules(rules, amount, limit ?? reference, stop, limit !== null)) {
    const field: TicketField =
      v.field === 'price' ? priceField : v.field === 'stopPrice' ? stopField : 'amount';
    errors[field] ??= v.message;
  }
}

export interface BuiltOrders {
  orders: OrderRecord[];
  errors: FieldErrors;
}

/**
 * Builds the order records for a request. `ids` supplies client order ids (the first is the request's
 * own id, so a retried request maps to the same orders). `refPrice` is the price market orders are
 * valued at for the minimum-notional check (the current book's estimate), or null when unknown.
 */
export function buildOrders(
  request: PlaceRequest,
  ctx: OrderContext,
  ids: (n: number) => string,
  refPrice: Decimal | null,
): BuiltOrders {
  const errors: FieldErrors = {};
  if (!request || typeof request !== 'object') return { orders: [], errors: { type: 'Nothing to place.' } };
  switch (request.kind) {
    case 'order':
      return buildSingle(request.order, ctx, ids(0), refPrice, errors);
    case 'oco': {
      const r = request.oco ?? ({} as never);
      const rules = symbolRules(errors, r.symbol, ctx);
      const side = sideOf(errors, r.side);
      const amount = decimalField(errors, 'amount', r.amount, 'an amount', true);
      const tp = decimalField(errors, 'takeProfitPrice', r.takeProfitPrice, 'a take-profit price', true);
      const stop = decimalField(errors, 'stopPrice', r.stopPrice, 'a stop price', true);
      const stopLimit = decimalField(errors, 'stopLimitPrice', r.stopLimitPrice, 'a stop-limit price', false);
      if (!rules || !amount || !tp || !stop) return { orders: [], errors };
      ruleErrors(errors, rules, amount, tp, stop, null, 'takeProfitPrice');
      if (stopLimit) ruleErrors(errors, rules, amount, stopLimit, null, null, 'stopLimitPrice');
      // A sell OCO takes profit above and stops out below; a buy OCO the other way round.
      if (side === 'sell' ? !tp.gt(stop) : !tp.lt(stop))
        errors.stopPrice =
          side === 'sell'
            ? 'For a sell OCO the stop must be below the take-profit price.'
            : 'For a buy OCO the stop must be above the take-profit price.';
      if (Object.keys(errors).length) return { orders: [], errors };
      const groupId = ids(0);
      const group = { kind: 'oco' as const, id: groupId };
      const takeProfit: OrderRecord = {
        ...base(ctx, `${groupId}-tp`, rules.symbol, side),
        type: 'limit',
        amount: amount.toString(),
        price: tp.toString(),
        group: { ...group, role: 'leg' },
        source: 'oco',
      };
      const stopLeg: OrderRecord = {
        ...base(ctx, `${groupId}-sl`, rules.symbol, side),
        type: stopLimit ? 'stop-limit' : 'stop-market',
        amount: amount.toString(),
        price: stopLimit?.toString() ?? null,
        stopPrice: stop.toString(),
        group: { ...group, role: 'leg' },
        source: 'oco',
      };
      return { orders: [takeProfit, stopLeg], errors };
    }
    case 'bracket': {
      const r = request.bracket ?? ({} as never);
      const rules = symbolRules(errors, r.symbol, ctx);
      const side = sideOf(errors, r.side);
      const amount = decimalField(errors, 'amount', r.amount, 'an amount', true);
      if (r.entryType !== 'market' && r.entryType !== 'limit')
        errors.type = 'Choose a market or limit entry.';
      const entry = decimalField(
        errors,
        'entryPrice',
        r.entryPrice,
        'an entry price',
        r.entryType === 'limit',
      );
      const tp = decimalField(errors, 'takeProfitPrice', r.takeProfitPrice, 'a take-profit price', true);
      const stop = decimalField(errors, 'stopPrice', r.stopPrice, 'a stop-loss price', true);
      if (!rules || !amount || !tp || !stop) return { orders: [], errors };
      const reference = entry ?? refPrice;
      ruleErrors(errors, rules, amount, entry, stop, reference, 'entryPrice');
      ruleErrors(errors, rules, amount, tp, null, null, 'takeProfitPrice');
      if (reference) {
        const protects =
          side === 'buy' ? stop.lt(reference) && tp.gt(reference) : stop.gt(reference) && tp.lt(reference);
        if (!protects)
          errors.stopPrice =
            side === 'buy'
              ? `For a long bracket the stop-loss must be below and the take-profit above the entry (${reference}).`
              : `For a short bracket the stop-loss must be above and the take-profit below the entry (${reference}).`;
      }
      if (Object.keys(errors).length) return { orders: [], errors };
      const id = ids(0);
      const order: OrderRecord = {
        ...base(ctx, id, rules.symbol, side),
        type: r.entryType === 'limit' ? 'limit' : 'market',
        amount: amount.toString(),
        price: entry?.toString() ?? null,
        group: { kind: 'bracket', id, role: 'entry' },
        exits: { takeProfitPrice: tp.toString(), stopPrice: stop.toString() },
        source: 'manual',
      };
      return { orders: [order], errors };
    }
    default:
      return { orders: [], errors: { type: 'Unknown order kind: choose an order type from the ticket.' } };
  }
}

function buildSingle(
  r: OrderRequest,
  ctx: OrderContext,
  id: string,
  refPrice: Decimal | null,
  errors: FieldErrors,
): BuiltOrders {
  r = r ?? ({} as never);
  const rules = symbolRules(errors, r.symbol, ctx);
  const side = sideOf(errors, r.side);
  const type = r.type;
  if (!orderTypes.has(type)) errors.type = 'Choose an order type from the list.';
  const needsPrice = type === 'limit' || type === 'stop-limit' || type === 'take-profit-limit';
  const needsStop =
    type === 'stop-market' || type === 'stop-limit' || type === 'take-profit' || type === 'take-profit-limit';
  const amount = decimalField(errors, 'amount', r.amount, 'an amount', true);
  const price = needsPrice ? decimalField(errors, 'price', r.price, 'a limit price', true) : null;
  const stop = needsStop ? decimalField(errors, 'stopPrice', r.stopPrice, 'a trigger price', true) : null;
  const tif = r.tif ?? 'GTC';
  if (!tifs.has(tif)) errors.tif = 'Time in force must be GTC, IOC or FOK.';
  if (r.postOnly === true && type !== 'limit') errors.tif = 'Post-only applies to limit orders only.';
  if (r.postOnly === true && tif !== 'GTC') errors.tif = 'A post-only order rests on the book: use GTC.';
  if (type === 'market' && tif === 'GTC' && r.tif !== undefined && r.tif !== 'GTC')
    errors.tif = 'Market orders fill now or expire.';
  let trail: Trail | null = null;
  if (type === 'trailing-stop') {
    const t = r.trail;
    if (!t || (t.kind !== 'percent' && t.kind !== 'distance'))
      errors.trail = 'Choose a trail by percent or by price distance.';
    else {
      const value = decimalField(errors, 'trail', t.value, 'a trail', true);
      if (value && t.kind === 'percent' && (value.lt('0.1') || value.gt('50')))
        errors.trail = 'A percent trail must be between 0.1 % and 50 %.';
      if (value && t.kind === 'distance' && rules && !value.isMultipleOf(rules.tick))
        errors.trail = `A trail distance must be a multiple of the tick ${rules.tick}.`;
      if (value) trail = { kind: t.kind, value: value.toString(), extreme: null };
    }
  }
  if (!rules || !amount || Object.keys(errors).length) return { orders: [], errors };
  ruleErrors(errors, rules, amount, price, stop, stop ?? refPrice);
  if (Object.keys(errors).length) return { orders: [], errors };
  const order: OrderRecord = {
    ...base(ctx, id, rules.symbol, side),
    type,
    amount: amount.toString(),
    price: price?.toString() ?? null,
    stopPrice: stop?.toString() ?? null,
    trail,
    tif: type === 'market' ? 'IOC' : tif,
    postOnly: r.postOnly === true,
    reduceOnly: r.reduceOnly === true,
  };
  return { orders: [order], errors };
}

const statuses: ReadonlySet<string> = new Set([
  'pending-new',
  'open',
  'partially-filled',
  'filled',
  'cancelled',
  'rejected',
  'expired',
]);

/**
 * Whether an order read back from storage is whole: storage can be edited by hand or damaged, and a
 * broken record must be set aside with a notice rather than crash matching or move money.
 */
export function isSoundOrder(o: unknown): o is OrderRecord {
  if (!o || typeof o !== 'object') return false;
  const r = o as Record<string, unknown>;
  const money = (v: unknown, nullable = false) =>
    (nullable && v === null) || (Decimal.tryFrom(v)?.isNegative() === false && typeof v === 'string');
  return (
    typeof r.id === 'string' &&
    validStoredId.test(r.id) &&
    (r.side === 'buy' || r.side === 'sell') &&
    orderTypes.has(r.type as string) &&
    statuses.has(r.status as string) &&
    tifs.has(r.tif as string) &&
    money(r.amount) &&
    Decimal.from(r.amount as string).isPositive() &&
    money(r.filled) &&
    Decimal.from(r.filled as string).lte(r.amount as string) &&
    money(r.cost) &&
    money(r.fee) &&
    money(r.holds) &&
    money(r.price, true) &&
    money(r.stopPrice, true) &&
    (r.queueAhead === null || money(r.queueAhead)) &&
    typeof r.symbol === 'string' &&
    Number.isFinite(r.activeAt)
  );
}

const validStoredId = /^[A-Za-z0-9_:.-]{1,80}$/;
