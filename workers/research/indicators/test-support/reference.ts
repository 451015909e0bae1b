import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const file = fileURLToPath(
  new URL('../../../../test/fixtures/reference/indicators_dax.csv', import.meta.url),
);

/** Every column of indicators_dax.csv (R/TTR on the DAX close) as float64, an empty field as NaN. */
export function referenceIndicators(): Record<string, Float64Array> {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const header = (lines[0] as string).split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  const columns: Record<string, Float64Array> = {};
  header.forEach((name, c) => {
    if (name === 'date') return;
    columns[name] = Float64Array.from(rows, (r) => (r[c] === '' ? NaN : Number(r[c])));
  });
  return columns;
}
