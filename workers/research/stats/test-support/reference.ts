import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../../../../test/fixtures/reference/', import.meta.url));

export const referenceAssets = ['DAX', 'SMI', 'CAC', 'FTSE'] as const;

/** Metrics of risk_metrics_single.json by index name (numbers and the two dates). */
export const referenceMetrics: Record<string, Record<string, number | string>> = JSON.parse(
  readFileSync(dir + 'risk_metrics_single.json', 'utf8'),
).metrics;

/** The closes of eustockmarkets.csv by column name, plus the date column. */
export function referencePrices(): { dates: string[]; prices: Record<string, Float64Array> } {
  const lines = readFileSync(dir + 'eustockmarkets.csv', 'utf8')
    .trim()
    .split('\n');
  const header = (lines[0] as string).split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  const prices: Record<string, Float64Array> = {};
  for (const name of referenceAssets) {
    const col = header.indexOf(name);
    prices[name] = Float64Array.from(rows, (r) => Number(r[col]));
  }
  return { dates: rows.map((r) => r[header.indexOf('date')] as string), prices };
}

export const referenceCsvPath = dir + 'eustockmarkets.csv';

/** |a - b| / |b| <= tol (exact equality for 0). */
export function relClose(actual: number, expected: number, tol = 1e-12): boolean {
  if (expected === 0) return actual === 0;
  return Math.abs(actual - expected) / Math.abs(expected) <= tol;
}
