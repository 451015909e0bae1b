import { resolveOptions, type TaxOptions } from './options.js';
import { taxReport } from './report.js';
import { normalizeTrades } from './trades.js';
import type { TaxReport } from './types.js';

/**
 * The report of trades as read from a file or a form (unvalidated objects), dated in the report's time
 * zone so the dates and the report agree. `asset` and `account` name trades that do not.
 */
export function taxReportFromInput(
  input: readonly unknown[],
  options: TaxOptions & { asset?: string; account?: string },
): TaxReport {
  const { timeZone } = resolveOptions(options);
  const trades = normalizeTrades(input, { timeZone, asset: options.asset, account: options.account });
  return taxReport(trades, { ...options, timeZone });
}
