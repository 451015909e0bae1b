import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { exactJson } from '../report-json.js';

/** test/fixtures/reference/cgt_example_fifo.json, the independent reference for the tax lots. */
export const referencePath = fileURLToPath(
  new URL('../../../test/fixtures/reference/cgt_example_fifo.json', import.meta.url),
);

export interface ReferenceFile {
  trades: Record<string, unknown>[];
  conventions: Record<string, string>;
  results: {
    FIFO: {
      realised_gain_total: number;
      summary: Record<string, number>;
      matches: Record<string, unknown>[];
      gain_by_sell_trade: Record<string, number>;
      remaining_lots: Record<string, unknown>[];
    };
  };
}

export const reference: ReferenceFile = JSON.parse(readFileSync(referencePath, 'utf8'));

/** A report part as a JSON reader sees it: Decimals become numbers (written exactly, parsed as doubles). */
export function plain(value: unknown): unknown {
  return JSON.parse(exactJson(value));
}
