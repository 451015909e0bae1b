import type { Decimal } from '../money/decimal.js';
import type { Side } from '../trading/types.js';

/** A problem in an import file: the 1-based line and the column (by its header text) when known. */
export interface ImportProblem {
  line: number | null;
  column: string | null;
  message: string;
}

/** The trade-history layouts read. */
export type LayoutId = 'generic' | 'binance' | 'binance-market' | 'kraken';

/** A row read but deliberately not imported (e.g. a Kraken margin trade), with the reason. */
export interface SkippedRow {
  line: number;
  reason: string;
}

/**
 * One trade as a layout reads it, before it gets its import id: exact decimals, a 'BASE/QUOTE' symbol,
 * epoch-ms UTC time.
 */
export interface ReadTrade {
  /** The exchange's (or the file's) own id for the trade, when the layout has one. */
  sourceId: string | null;
  /** The exchange's id for the order the trade filled, when the layout has one. */
  sourceOrderId: string | null;
  /** The account named on the row (generic `account` column), else null for the import's account. */
  account: string | null;
  symbol: string;
  side: Side;
  price: Decimal;
  amount: Decimal;
  /**
   * The total in the quote asset the export states (Kraken's cost, Binance's Amount or Total, a generic
   * quote column): what was actually paid or received. Null when the file states none: then it is
   * price × amount.
   */
  quote: Decimal | null;
  fee: Decimal;
  feeAsset: string;
  time: number;
}
