import { Decimal } from '../money/decimal.js';
import { TaxInputError, type TaxProblem } from './errors.js';
import { tradeDate } from './trade-date.js';
import type { Trade, TradeId } from './types.js';

export interface TradeDefaults {
  /** IANA zone that epoch times and date-times with an offset are dated in. */
  timeZone: string;
  account?: string;
  asset?: string;
  /** Where the trade at an input position is, for messages ("the trade at position 3", "line 4"). */
  where?: (index: number) => string;
}

export const DEFAULT_ACCOUNT = 'default';
export const DEFAULT_ASSET = 'default';

type Raw = Record<string, unknown>;

function present(v: unknown): boolean {
  return v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '');
}

function show(v: unknown): string {
  return typeof v === 'string' ? `"${v.slice(0, 40)}"` : String(v);
}

/**
 * Reads one money or quantity field exactly. JSON numbers go through their shortest text, so 0.1 is 0.1
 * and not the float next to it.
 */
function decimalField(
  raw: Raw,
  field: 'qty' | 'price' | 'fee',
  problem: (field: string, message: string) => void,
): Decimal | null {
  const v = raw[field];
  const what = { qty: 'the quantity', price: 'the unit price', fee: 'the fee' }[field];
  if (!present(v)) {
    if (field === 'fee') return Decimal.ZERO;
    problem(field, `missing: give ${what} as a decimal number`);
    return null;
  }
  const d = Decimal.tryFrom(v);
  if (d === null) {
    problem(field, `${show(v)} is not a number: write ${what} as a plain decimal like 12.5`);
    return null;
  }
  if (field === 'qty' && !d.isPositive()) {
    problem(field, `must be more than 0, got ${d.toString()}: a sale is side "sell" with a positive qty`);
    return null;
  }
  if (d.isNegative()) {
    problem(field, `must not be negative, got ${d.toString()}`);
    return null;
  }
  return d;
}

function textField(
  raw: Raw,
  field: 'account' | 'asset',
  fallback: string,
  problem: (field: string, message: string) => void,
): string {
  const v = raw[field];
  if (!present(v)) return fallback;
  if (typeof v !== 'string' && typeof v !== 'number') {
    problem(field, `${show(v)} is not a name: give it as text`);
    return fallback;
  }
  return String(v).trim();
}

function idOf(raw: Raw, index: number): TradeId | null {
  const v = raw.id;
  if (!present(v)) return index + 1;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') return v.trim();
  return null;
}

function sideOf(raw: Raw, problem: (field: string, message: string) => void): 'buy' | 'sell' | null {
  const v = typeof raw.side === 'string' ? raw.side.trim().toLowerCase() : raw.side;
  if (v === 'buy' || v === 'sell') return v;
  problem(
    'side',
    present(raw.side)
      ? `${show(raw.side)} is not buy or sell: write BUY or SELL (any case)`
      : 'missing: give buy or sell',
  );
  return null;
}

function dateOf(
  raw: Raw,
  timeZone: string,
  problem: (field: string, message: string) => void,
): string | null {
  const hasDate = present(raw.date);
  const hasTime = present(raw.time);
  if (!hasDate && !hasTime) {
    problem('date', 'missing: give the trade date as YYYY-MM-DD (or its time in epoch milliseconds as time)');
    return null;
  }
  const fromDate = hasDate ? tradeDate(raw.date, timeZone) : null;
  const fromTime = hasTime ? tradeDate(raw.time, timeZone) : null;
  if (fromDate && !fromDate.ok) problem('date', fromDate.message);
  if (fromTime && !fromTime.ok) problem('time', fromTime.message);
  if ((fromDate && !fromDate.ok) || (fromTime && !fromTime.ok)) return null;
  const a = fromDate?.ok ? fromDate.date : null;
  const b = fromTime?.ok ? fromTime.date : null;
  if (a !== null && b !== null && a !== b) {
    problem(
      'date',
      `${a} disagrees with time ${show(raw.time)}, which is ${b} in ${timeZone}: give one of them`,
    );
    return null;
  }
  return a ?? b;
}

function lotOf(
  raw: Raw,
  side: 'buy' | 'sell' | null,
  problem: (field: string, message: string) => void,
): string | null {
  if (!present(raw.lot)) return null;
  if (side === 'sell') {
    problem(
      'lot',
      'a sale cannot name its lot: lots are chosen by the method (FIFO, LIFO, HIFO, ACB); specific identification is not supported. Remove lot from the sale',
    );
    return null;
  }
  if (typeof raw.lot !== 'string' && typeof raw.lot !== 'number') {
    problem('lot', `${show(raw.lot)} is not a lot name: give it as text`);
    return null;
  }
  return String(raw.lot).trim();
}

/**
 * Validates trades from JSON or CSV into exact trades, in input order. Fields other than those of a
 * trade (the reference's `notional`, `cost_base`, ...) are ignored. Every problem is collected, each
 * naming the trade, the field and how to fix it; nothing is returned when there is one.
 */
export function normalizeTrades(input: readonly unknown[], defaults: TradeDefaults): Trade[] {
  const problems: TaxProblem[] = [];
  const trades: Trade[] = [];
  const ids = new Map<string, number>();
  const lots = new Map<string, TradeId>();
  const where = defaults.where ?? ((index: number) => `the trade at position ${index + 1}`);
  input.forEach((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push({
        index,
        id: index + 1,
        field: 'trade',
        message: 'is not an object: each trade is {id, date, side, qty, price, fee}',
      });
      return;
    }
    const raw = item as Raw;
    const id = idOf(raw, index);
    const problem = (field: string, message: string) =>
      problems.push({ index, id: id ?? index + 1, field, message });
    if (id === null) problem('id', `${show(raw.id)} is not an id: give a number or text`);
    const key = id === null ? null : String(id);
    if (key !== null) {
      const first = ids.get(key);
      if (first !== undefined)
        problem('id', `${String(id)} is already the id of ${where(first)}: every trade needs its own id`);
      else ids.set(key, index);
    }
    const side = sideOf(raw, problem);
    const date = dateOf(raw, defaults.timeZone, problem);
    const qty = decimalField(raw, 'qty', problem);
    const price = decimalField(raw, 'price', problem);
    const fee = decimalField(raw, 'fee', problem);
    const account = textField(raw, 'account', defaults.account ?? DEFAULT_ACCOUNT, problem);
    const asset = textField(raw, 'asset', defaults.asset ?? DEFAULT_ASSET, problem);
    const lot = lotOf(raw, side, problem);
    if (lot !== null) {
      const owner = lots.get(lot);
      if (owner !== undefined)
        problem('lot', `"${lot}" is the lot of trade ${String(owner)} too: lot names must be unique`);
      else lots.set(lot, id ?? index + 1);
    }
    if (id === null || side === null || date === null || qty === null || price === null || fee === null)
      return;
    trades.push({ id, account, asset, date, side, qty, price, fee, lot });
  });
  if (problems.length > 0) throw new TaxInputError(problems);
  return trades;
}
