import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The reference trades (test/fixtures/reference/cgt_example_fifo.json) as a generic trades CSV, made from
 * the JSON so nothing is typed by hand: each trade at 02:00 UTC on its date (noon in Sydney, the same
 * calendar day in UTC and in Australia), in the market XYZ/AUD with its fee in AUD, keeping its id.
 */

export const referenceJsonPath = fileURLToPath(
  new URL('../../../test/fixtures/reference/cgt_example_fifo.json', import.meta.url),
);

export interface ReferenceTrade {
  id: number;
  date: string;
  side: string;
  qty: number;
  price: number;
  fee: number;
}

export const REFERENCE_SYMBOL = 'XYZ/AUD';

export function referenceJson(): {
  trades: ReferenceTrade[];
  results: { FIFO: { summary: Record<string, number>; matches: Record<string, unknown>[] } };
} {
  return JSON.parse(readFileSync(referenceJsonPath, 'utf8'));
}

export function referenceTradesCsv(trades: readonly ReferenceTrade[] = referenceJson().trades): string {
  const lines = ['date,symbol,side,amount,price,fee,fee_asset,id'];
  for (const t of trades)
    lines.push(
      [
        `${t.date}T02:00:00Z`,
        REFERENCE_SYMBOL,
        t.side.toLowerCase(),
        t.qty,
        t.price,
        t.fee,
        'AUD',
        t.id,
      ].join(','),
    );
  return `${lines.join('\n')}\n`;
}
