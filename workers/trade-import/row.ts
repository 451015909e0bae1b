import { Decimal } from '../money/decimal.js';
import type { CellResult, Written } from './cells.js';
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
  /** The file's field separator (',', ';' or a tab): with ';' a comma in a number is a decimal comma. */
  delimiter: string;
}

export type RowReader = (row: Row, context: ReadContext) => RowResult;

/** A cell's value, or null with its problem reported against the field. */
export function take<T>(row: Row, field: string, result: CellResult<T>): T | null {
  if (result.ok) return result.value;
  row.problem(field, result.message);
  return null;
}

/** Half a unit of the last decimal written: the most rounding to `decimals` places can move a value. */
function halfUnit(decimals: number): Decimal {
  return decimals >= 0
    ? Decimal.from(5n).div(Decimal.from(10n ** BigInt(decimals + 1)), decimals + 1, 'down')
    : Decimal.from(5n * 10n ** BigInt(-decimals - 1));
}

/**
 * Checks a total the export states (Binance's Amount or Total, Kraken's cost) against price × amount and
 * returns it, or null with the problem reported. The stated total is what was paid or received; the price
 * beside it is rounded to the decimals the export writes, and the total to its own. So they may differ
 * by the amount times half a unit of the price's last decimal, plus half a unit of the total's last
 * decimal ("100.00" × 1 against "100.01": 0.005 + 0.005), and not more: more means the columns are
 * swapped or the row is damaged. Trailing zeros count ("100.00" is rounded to cents, "100" to units).
 */
export function checkTotal(
  row: Row,
  field: string,
  stated: Written,
  price: Written,
  amount: Decimal,
): Decimal | null {
  const expected = price.value.mul(amount);
  const allowed = amount.mul(halfUnit(price.decimals)).add(halfUnit(stated.decimals));
  if (stated.value.sub(expected).abs().lte(allowed)) return stated.value;
  row.problem(
    field,
    `${stated.value.toString()} is not price × amount (${price.value.toString()} × ${amount.toString()} = ${expected.toString()}), even allowing ${allowed.toString()} for rounding: check that the columns are in the right place and the row is whole`,
  );
  return null;
}
