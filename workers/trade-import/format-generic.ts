import type { FillRecord } from '../trading/types.js';
import { IMPORT_ID_PREFIX } from './import-ids.js';

/**
 * Fills as a generic trades CSV (the layout parse-trades.ts reads first): the template a user fills in,
 * and a way to hand trades to another tool. Reading the text back gives the same fills: times are ISO
 * in UTC with milliseconds, decimals as stored, each row's account written out, a fill imported with
 * an id of the file's own keeps that id in the id column, and the quote column keeps the total an export
 * stated (which the rounded price alone would not give back).
 */

export const GENERIC_HEADER = [
  'date',
  'symbol',
  'side',
  'amount',
  'price',
  'fee',
  'fee_asset',
  'id',
  'account',
  'quote',
];

/** The id a generic file gave a fill (`import:<account>:id:<id>`), or '' for any other fill. */
function fileIdOf(fill: FillRecord): string {
  const prefix = `${IMPORT_ID_PREFIX}${encodeURIComponent(fill.accountId)}:id:`;
  return fill.id.startsWith(prefix) ? fill.id.slice(prefix.length) : '';
}

/** A cell quoted when it holds a separator, a quote or a line break. */
function cell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function formatGenericCsv(fills: readonly FillRecord[]): string {
  const lines = [GENERIC_HEADER.join(',')];
  for (const f of fills)
    lines.push(
      [
        new Date(f.time).toISOString(),
        f.symbol,
        f.side,
        f.amount,
        f.price,
        f.fee,
        f.feeAsset,
        fileIdOf(f),
        f.accountId,
        f.quote,
      ]
        .map(cell)
        .join(','),
    );
  return `${lines.join('\n')}\n`;
}
