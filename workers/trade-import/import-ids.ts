import type { LayoutId } from './types.js';

/**
 * Deterministic ids for imported trades, so importing the same file again adds nothing twice.
 *
 * A trade the export identifies itself (Kraken's txid, a generic file's id column) keeps that id. Other
 * rows get a hash of their normalised content (symbol, side, time, price, amount, fee, fee asset: the
 * values after parsing, so "0.10" and "0.1", or "XBT" and "BTC", hash alike) plus their occurrence among
 * identical rows of the file: two identical fills in one file stay two (…-1, …-2), and the same file
 * read again gives the same two ids. The hash does not depend on the layout, so the same fills exported
 * by Binance and rewritten as a generic CSV get the same ids.
 *
 * Ids carry the account they are imported into: fill ids are one key space across accounts, and the same
 * file imported into two accounts is two sets of fills.
 *
 * The hash is FNV-1a 64, written here: synchronous, so parsing stays a plain function (WebCrypto's
 * digest is async only), and 64 bits keep accidental collisions negligible (about 1 in 37 million for a
 * million fills in one account). It is not a defence against crafted input, and needs none: a collision
 * can only be made by the user's own file and would only mark one of their rows as already imported.
 */

export const IMPORT_ID_PREFIX = 'import:';

/** The namespace of ids the export gives its trades, so Kraken's and a generic file's ids never meet. */
const SOURCE_NAMESPACE: Readonly<Record<LayoutId, string>> = {
  generic: 'id',
  binance: 'binance',
  'binance-market': 'binance',
  kraken: 'kraken',
};

const encoder = new TextEncoder();

/**
 * FNV-1a 64 of a string's UTF-8 bytes as 16 hex digits. The 64-bit product is done on two 32-bit halves
 * in doubles (every intermediate stays below 2^53), several times faster than BigInt per byte.
 */
export function fnv1a64(text: string): string {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (const byte of encoder.encode(text)) {
    lo = (lo ^ byte) >>> 0;
    // (hi·2^32 + lo) × (2^40 + 0x1b3) mod 2^64: lo × 2^40 lands in the high half as lo << 8.
    const low = lo * 0x1b3;
    const carry = Math.floor(low / 0x1_0000_0000);
    hi = (hi * 0x1b3 + carry + ((lo << 8) >>> 0)) >>> 0;
    lo = low >>> 0;
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/** The fields that make two rows the same trade, already normalised. */
export interface TradeContent {
  symbol: string;
  side: string;
  time: number;
  price: string;
  amount: string;
  fee: string;
  feeAsset: string;
}

/** The normalised content of a trade as one unambiguous string (JSON of its fields in a fixed order). */
export function contentKey(t: TradeContent): string {
  return JSON.stringify([t.symbol, t.side, t.time, t.price, t.amount, t.fee, t.feeAsset]);
}

function scope(accountId: string): string {
  return `${IMPORT_ID_PREFIX}${encodeURIComponent(accountId)}:`;
}

/** The id of a trade the export names itself (`sourceId`). */
export function sourceTradeId(accountId: string, layout: LayoutId, sourceId: string): string {
  return `${scope(accountId)}${SOURCE_NAMESPACE[layout]}:${sourceId}`;
}

/** The order id of a trade whose export names its order; null when it does not. */
export function sourceOrderId(accountId: string, layout: LayoutId, orderId: string | null): string | null {
  return orderId === null ? null : `${scope(accountId)}${SOURCE_NAMESPACE[layout]}-order:${orderId}`;
}

/** The id of a row without an id of its own: its content's hash and its occurrence (1, 2...) in the file. */
export function rowTradeId(accountId: string, content: TradeContent, occurrence: number): string {
  return `${scope(accountId)}row:${fnv1a64(contentKey(content))}-${occurrence}`;
}

export interface IdInput extends TradeContent {
  accountId: string;
  sourceId: string | null;
}

/**
 * The ids of a file's trades, in file order. Occurrences are counted per account and content, in file
 * order, so only the count of identical rows matters, not where they are.
 */
export function importIds(trades: readonly IdInput[], layout: LayoutId): string[] {
  const seen = new Map<string, number>();
  return trades.map((t) => {
    if (t.sourceId !== null) return sourceTradeId(t.accountId, layout, t.sourceId);
    const key = `${t.accountId}\u0000${contentKey(t)}`;
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    return rowTradeId(t.accountId, t, occurrence);
  });
}

/** A file's trades split into those an import would add and those already stored (by id). */
export interface NewTrades<T> {
  add: T[];
  existing: T[];
}

/** What importing `parsed` would add, given the ids of the fills already stored. */
export function newTrades<T extends { id: string }>(
  parsed: { trades: readonly T[] } | readonly T[],
  existingIds: ReadonlySet<string>,
): NewTrades<T> {
  const trades = 'trades' in parsed ? parsed.trades : parsed;
  const add: T[] = [];
  const existing: T[] = [];
  for (const t of trades) (existingIds.has(t.id) ? existing : add).push(t);
  return { add, existing };
}
