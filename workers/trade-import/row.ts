import { Decimal } from '../money/decimal.js';
import type { CellResult } from './cells.js';
import type { ReadTrade } from './types.js';

/** One data row of the file as a layout's reader sees it. */
export interface Row {
  line: number;
  /** The cell of a field the layout reads ('' when an optional column is absent). */
  cell(field: string): string;
  /** Whether the file has the field's column. */
  has(field: string): boolean;
  /** Reports a problem in a field's cell (null: the row as a whole). */
  problem(field: string | null, message: string): void;
}

/** What a reader makes of a row: a trade, a row left out on purpose (with why), or null (problems reported). */
export type RowResult = { trade: ReadTrade } | { skip: string } | null;

export interface ReadContext {
  /** Offset from UTC of times without a zone, in minutes. */
  utcOffsetMinutes: number;
}

export type RowReader = (row: Row, context: ReadContext) => RowResult;

/** A cell's value, or null with its problem reported against the field. */
export function take<T>(row: Row, field: string, result: CellResult<T>): T | null {
  if (result.ok) return result.value;
  row.problem(field, result.message);
  return null;
}

/** Decimals in a number's text ("165.40100" → 5): the precision the export rounded it to. */
function decimalsOf(text: string): number {
  const m = /\.(\d+)/.exec(text);
  return m === null ? 0 : (m[1] as string).length;
}

/**
 * Checks a total the export states (Binance's Amount, Kraken's cost) against price × amount. They differ
 * by the export's rounding, so up to 1 % or one unit of the stated total's last decimal passes; more
 * means columns are swapped or the row is damaged.
 */
export function checkTotal(
  row: Row,
  field: string,
  stated: Decimal,
  statedText: string,
  price: Decimal,
  amount: Decimal,
): void {
  const expected = price.mul(amount);
  const unit = Decimal.from(`1e-${decimalsOf(statedText)}`);
  const allowed = Decimal.max(expected.mul('0.01'), unit);
  if (stated.sub(expected).abs().gt(allowed))
    row.problem(
      field,
      `${stated.toString()} is not price × amount (${price.toString()} × ${amount.toString()} = ${expected.toString()}): check that the columns are in the right place and the row is whole`,
    );
}
