import { Decimal } from '../money/decimal.js';
import type { Side } from '../trading/types.js';

/**
 * Readers for one cell of a trade export: exact decimals, sides, amounts written with their asset
 * (`0.0100BTC`). Each says what is wrong and how to fix it; the row reader adds the line and column.
 */

export type CellResult<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): CellResult<T> => ({ ok: true, value });
const bad = <T>(message: string): CellResult<T> => ({ ok: false, message });

/**
 * Thousands grouped with commas and a dot for decimals, as Binance writes large prices ("29,500.10"): a
 * first group of 1-3 digits not starting with 0, then groups of exactly 3, so "0,123" (a decimal comma)
 * is never read as 123.
 */
const GROUPED = /^[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?$/;
const PLAIN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export interface DecimalRules {
  /** What the cell holds, for messages: "the price", "the fee". */
  what: string;
  /** 'positive' for prices and amounts, 'non-negative' for fees. */
  sign: 'positive' | 'non-negative';
  /** An empty cell is this value (fees: 0); without it an empty cell is a problem. */
  empty?: Decimal;
  /**
   * Read "1,234.5" as 1234.5 (exports that group thousands); plain files refuse commas in numbers. Never
   * applies in a file separated by semicolons (see `delimiter`).
   */
  grouped?: boolean;
  /**
   * The file's field separator. A file separated by semicolons was written (or re-saved) by a spreadsheet
   * in a locale with decimal commas, so a comma in a number there is refused as a decimal comma.
   */
  delimiter?: string;
}

/** An exact decimal as a cell writes it: its value and how many decimals the text gives. */
export interface Written {
  value: Decimal;
  /**
   * The decimal place of the last digit written, the precision the export rounded to: "165.40100" → 5,
   * "1.5e-3" → 4, "29,500" → 0, "15e2" → -2.
   */
  decimals: number;
}

function shown(text: string): string {
  return `"${text.length > 40 ? `${text.slice(0, 40)}…` : text}"`;
}

/** The decimals a plain number's text writes (its fraction's digits less its exponent). */
function decimalsOf(plain: string): number {
  const m = /^[+-]?\d*(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(plain);
  return (m?.[1]?.length ?? 0) - Number(m?.[2] ?? '0');
}

/** An exact decimal from a cell, checked for its sign, with the precision its text gives. */
export function readWritten(cell: string, rules: DecimalRules): CellResult<Written> {
  const text = cell.trim();
  if (text === '')
    return rules.empty !== undefined
      ? ok({ value: rules.empty, decimals: 0 })
      : bad(`empty: give ${rules.what}`);
  if (rules.delimiter === ';' && text.includes(','))
    return bad(
      `${shown(text)} has a comma in ${rules.what}, and decimal commas are not supported: the file is separated by semicolons, as a spreadsheet set to decimal commas saves it, so the comma cannot be told from a thousands separator: re-export the file from the exchange and import it unopened, or save it from the spreadsheet as CSV with commas between fields and a dot for decimals`,
    );
  if (rules.grouped === true && text.includes(',') && !GROUPED.test(text))
    return bad(
      `${shown(text)} is not a number: a comma may only separate groups of three digits (29,500.10); write ${rules.what} like 12.5, with a dot for decimals`,
    );
  const plainText = rules.grouped === true ? text.replaceAll(',', '') : text;
  const value = PLAIN.test(plainText) ? Decimal.tryFrom(plainText) : null;
  if (value === null)
    return bad(
      `${shown(text)} is not a number: write ${rules.what} as a plain decimal like 12.5, with a dot for decimals and no currency signs${rules.grouped === true ? '' : ' or thousands separators'}`,
    );
  if (rules.sign === 'positive' && !value.isPositive())
    return bad(`${rules.what} must be more than 0, got ${value.toString()}`);
  if (value.isNegative()) return bad(`${rules.what} must not be negative, got ${value.toString()}`);
  return ok({ value, decimals: decimalsOf(plainText) });
}

/** An exact decimal from a cell, checked for its sign. */
export function readDecimal(cell: string, rules: DecimalRules): CellResult<Decimal> {
  const read = readWritten(cell, rules);
  return read.ok ? ok(read.value.value) : read;
}

/** buy or sell in any case. */
export function readSide(cell: string): CellResult<Side> {
  const text = cell.trim().toLowerCase();
  if (text === 'buy' || text === 'sell') return ok(text);
  return bad(
    text === ''
      ? 'empty: give buy or sell'
      : `${shown(cell.trim())} is not a side: write buy or sell (any case)`,
  );
}

export interface WithAsset extends Written {
  /** The asset written after the number, or null when the cell is a bare number. */
  asset: string | null;
}

const NUMBER_THEN_ASSET = /^([+-]?[\d.,]*\d[\d.,]*(?:[eE][+-]?\d+)?)\s*([A-Za-z][A-Za-z0-9._]*)?$/;

/**
 * A number followed by its asset, as Binance writes `Executed`, `Amount` and `Fee` (`0.0100BTC`,
 * `250.00 USDT`). Assets that start with a digit (1000SATS) cannot be told from the number by their
 * shape, so the assets the cell may carry (`known`) are stripped first when it ends with one.
 */
export function readWithAsset(
  cell: string,
  known: readonly string[],
  rules: DecimalRules,
): CellResult<WithAsset> {
  const text = cell.trim();
  const upper = text.toUpperCase();
  for (const asset of [...known].sort((a, b) => b.length - a.length)) {
    if (asset !== '' && upper.length > asset.length && upper.endsWith(asset.toUpperCase())) {
      const number = readWritten(text.slice(0, text.length - asset.length), rules);
      if (number.ok) return ok({ ...number.value, asset: asset.toUpperCase() });
    }
  }
  const m = NUMBER_THEN_ASSET.exec(text);
  if (m === null) {
    const number = readWritten(text, rules);
    if (!number.ok && text !== '')
      return bad(
        `${shown(text)} is not an amount with its asset: write it like 0.0100BTC (the number, then the asset)`,
      );
    return number.ok ? ok({ ...number.value, asset: null }) : number;
  }
  const number = readWritten(m[1] as string, rules);
  if (!number.ok) return number;
  return ok({ ...number.value, asset: m[2] === undefined ? null : m[2].toUpperCase() });
}
