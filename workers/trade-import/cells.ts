import { Decimal } from '../money/decimal.js';
import type { Side } from '../trading/types.js';

/**
 * Readers for one cell of a trade export: exact decimals, sides, amounts written with their asset
 * (`0.0100BTC`). Each says what is wrong and how to fix it; the row reader adds the line and column.
 */

export type CellResult<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): CellResult<T> => ({ ok: true, value });
const bad = <T>(message: string): CellResult<T> => ({ ok: false, message });

/** Thousands grouped with commas and a dot for decimals, as Binance writes large prices ("29,500.10"). */
const GROUPED = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
const PLAIN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export interface DecimalRules {
  /** What the cell holds, for messages: "the price", "the fee". */
  what: string;
  /** 'positive' for prices and amounts, 'non-negative' for fees. */
  sign: 'positive' | 'non-negative';
  /** An empty cell is this value (fees: 0); without it an empty cell is a problem. */
  empty?: Decimal;
  /** Read "1,234.5" as 1234.5 (exports that group thousands); plain files refuse commas in numbers. */
  grouped?: boolean;
}

function shown(text: string): string {
  return `"${text.length > 40 ? `${text.slice(0, 40)}…` : text}"`;
}

/** An exact decimal from a cell, checked for its sign. */
export function readDecimal(cell: string, rules: DecimalRules): CellResult<Decimal> {
  const text = cell.trim();
  if (text === '') return rules.empty !== undefined ? ok(rules.empty) : bad(`empty: give ${rules.what}`);
  const plainText = rules.grouped === true && GROUPED.test(text) ? text.replaceAll(',', '') : text;
  const value = PLAIN.test(plainText) ? Decimal.tryFrom(plainText) : null;
  if (value === null)
    return bad(
      `${shown(text)} is not a number: write ${rules.what} as a plain decimal like 12.5, with a dot for decimals and no currency signs${rules.grouped === true ? '' : ' or thousands separators'}`,
    );
  if (rules.sign === 'positive' && !value.isPositive())
    return bad(`${rules.what} must be more than 0, got ${value.toString()}`);
  if (value.isNegative()) return bad(`${rules.what} must not be negative, got ${value.toString()}`);
  return ok(value);
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

export interface WithAsset {
  value: Decimal;
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
      const number = readDecimal(text.slice(0, text.length - asset.length), rules);
      if (number.ok) return ok({ value: number.value, asset: asset.toUpperCase() });
    }
  }
  const m = NUMBER_THEN_ASSET.exec(text);
  if (m === null) {
    const number = readDecimal(text, rules);
    if (!number.ok && text !== '')
      return bad(
        `${shown(text)} is not an amount with its asset: write it like 0.0100BTC (the number, then the asset)`,
      );
    return number.ok ? ok({ value: number.value, asset: null }) : number;
  }
  const number = readDecimal(m[1] as string, rules);
  if (!number.ok) return number;
  return ok({ value: number.value, asset: m[2] === undefined ? null : m[2].toUpperCase() });
}
