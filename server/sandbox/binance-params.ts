/**
 * Query-string validation with Binance's error codes. Each endpoint declares the parameters it
 * reads; anything else is rejected (-1104), as are duplicates (-1101). Values are checked with zod
 * schemas that mirror Binance's published legal ranges, then range-checked.
 */
import { z } from 'zod';
import { SYMBOL_RANGE, SYMBOLS_RANGE, UINT_RANGE, errors } from './binance-errors.js';
import { INTERVALS, type Interval } from './intervals.js';
import type { MarketSimulator } from './market-simulator.js';
import type { Venue } from './venue.js';

const uintSchema = z
  .string()
  .regex(/^[0-9]{1,20}$/)
  .transform(Number)
  .refine((n) => Number.isSafeInteger(n));
const symbolSchema = z.string().regex(/^[A-Z0-9-_.]{1,20}$/);
const symbolsSchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.array(symbolSchema).min(1).max(100));

export class Params {
  private readonly values = new Map<string, string>();

  constructor(search: URLSearchParams, allowed: readonly string[]) {
    for (const [key, value] of search) {
      if (this.values.has(key)) throw errors.duplicateParameter(key);
      this.values.set(key, value);
    }
    const unknown = [...this.values.keys()].filter((k) => !allowed.includes(k));
    const first = unknown[0];
    if (first !== undefined) {
      throw errors.unreadParameters(first, this.values.size - unknown.length, this.values.size);
    }
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** Raw value; an empty value counts as a malformed parameter. */
  text(name: string): string | undefined {
    const value = this.values.get(name);
    if (value === '') throw errors.empty(name);
    return value;
  }

  uint(name: string): number | undefined {
    const text = this.text(name);
    if (text === undefined) return undefined;
    const parsed = uintSchema.safeParse(text);
    if (!parsed.success) throw errors.illegalChars(name, UINT_RANGE);
    return parsed.data;
  }

  /** `limit` with Binance's default and [1, max] range. */
  limit(defaultLimit: number, max: number): number {
    const limit = this.uint('limit');
    if (limit === undefined) return defaultLimit;
    if (limit < 1 || limit > max) throw errors.invalidValue('limit', `Must be between 1 and ${max}.`);
    return limit;
  }

  symbol(venue: Venue): MarketSimulator {
    const text = this.text('symbol');
    if (text === undefined) throw errors.mandatory('symbol');
    return lookupSymbol(venue, text);
  }

  /** `symbol` or `symbols`, never both; undefined when neither (meaning all symbols). */
  symbolSelection(venue: Venue): { one: MarketSimulator } | { many: MarketSimulator[] } | undefined {
    if (this.has('symbol') && this.has('symbols')) {
      throw errors.combination("Parameters 'symbol' and 'symbols' cannot be sent together.");
    }
    if (this.has('symbol')) return { one: this.symbol(venue) };
    const text = this.text('symbols');
    if (text === undefined) return undefined;
    const parsed = symbolsSchema.safeParse(text);
    if (!parsed.success) throw errors.illegalChars('symbols', SYMBOLS_RANGE);
    return { many: [...new Set(parsed.data)].map((s) => lookupSymbol(venue, s)) };
  }

  interval(): Interval {
    const text = this.text('interval');
    if (text === undefined) throw errors.mandatory('interval');
    const interval = INTERVALS.get(text);
    if (interval === undefined) throw errors.invalidInterval();
    return interval;
  }

  /** startTime/endTime pair, validated for order. */
  timeRange(): { startTime?: number; endTime?: number } {
    const startTime = this.uint('startTime');
    const endTime = this.uint('endTime');
    if (startTime !== undefined && endTime !== undefined && startTime > endTime) {
      throw errors.combination('startTime must not be after endTime.');
    }
    return { startTime, endTime };
  }
}

function lookupSymbol(venue: Venue, text: string): MarketSimulator {
  if (!symbolSchema.safeParse(text).success) throw errors.illegalChars('symbol', SYMBOL_RANGE);
  const sim = venue.byId.get(text);
  if (sim === undefined) throw errors.invalidSymbol();
  return sim;
}
