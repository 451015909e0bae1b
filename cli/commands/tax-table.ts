import type { Decimal } from '../../workers/money/decimal.js';
import type { Match, TaxReport, TaxSummary, YearReport } from '../../workers/tax/types.js';

/** Money for a terminal: cents, half-even. The JSON form carries the exact values. */
const money = (d: Decimal) => d.toFixed(2);

function table(header: string[], rows: string[][], leftColumns: number): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) =>
        c < leftColumns ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number),
      )
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

function discountText(m: Match): string {
  if (m.discount_applied) return 'yes';
  if (m.discount_eligible) return 'eligible, loss';
  return 'no';
}

function summaryLines(s: TaxSummary, au: boolean): string {
  const parts = [
    `  gross gains ${money(s.gross_gains)}, losses ${money(s.losses)}, net realised ${money(s.net_realised)}`,
  ];
  if (au)
    parts.push(
      `  non-discount gains ${money(s.nondiscount_gains)}, discount-eligible gains ${money(s.discount_eligible_gains)}`,
    );
  const net = s.net_capital_gain_after_discount;
  parts.push(
    net.isNegative()
      ? `  net capital loss to carry forward ${money(net.neg())} (net capital gain nil)`
      : `  net capital gain${au ? ' after discount' : ''} ${money(net)}`,
  );
  return parts.join('\n') + '\n';
}

function methodsText(y: YearReport): string {
  const entries = Object.entries(y.methods);
  if (entries.length === 1) return `method ${entries[0]![1]}`;
  return `methods ${entries.map(([account, m]) => `${account} ${m}`).join(', ')}`;
}

/** The report as text for a terminal: one table of matches per tax year, totals, the lots left. */
export function renderTaxTable(r: TaxReport): string {
  const au = r.jurisdiction === 'AU';
  const saleOf = new Map(r.sales.map((s) => [String(s.sell_trade), s]));
  const lotOf = new Map(r.lots.map((l) => [l.lot, l]));
  const places = new Set(r.lots.map((l) => JSON.stringify([l.account, l.asset])));
  const showPlace = places.size > 1;
  const parts: string[] = [];
  parts.push(
    `Capital gains, jurisdiction ${r.jurisdiction}${au ? ' (50% CGT discount after 12 months)' : ''}; ` +
      `tax years from ${r.tax_year_start} (MM-DD), dates in ${r.time_zone}\n`,
  );
  if (r.years.length === 0) parts.push('No sales.\n');
  for (const y of r.years) {
    const header = ['sale', ...(showPlace ? ['account', 'asset'] : []), 'date', 'lot', 'acquired'];
    const numbers = ['qty', 'cost base', 'proceeds', 'gain', 'days', ...(au ? ['discount'] : [])];
    const rows = y.matches.map((m) => {
      const sale = saleOf.get(String(m.sell_trade));
      return [
        String(m.sell_trade),
        ...(showPlace ? [sale?.account ?? '', sale?.asset ?? ''] : []),
        m.sale_date,
        m.lot,
        m.acquired,
        m.qty.toString(),
        money(m.cost_base),
        money(m.proceeds),
        money(m.gain),
        String(m.days_held),
        ...(au ? [discountText(m)] : []),
      ];
    });
    parts.push(
      `Tax year ${y.tax_year} (${y.first_day} to ${y.last_day})${y.matches.length > 0 ? `, ${methodsText(y)}` : ''}\n` +
        (rows.length > 0 ? table([...header, ...numbers], rows, header.length) : 'No sales.\n') +
        summaryLines(y.summary, au),
    );
  }
  if (r.years.length > 1)
    parts.push(
      `All ${r.years.length} tax years pooled as one set (a check figure, not a tax figure: it sets one year's losses against other years' gains; each year above is netted on its own):\n${summaryLines(r.summary, au)}`,
    );
  if (r.remaining_lots.length > 0) {
    const rows = r.remaining_lots.map((l) => {
      const lot = lotOf.get(l.lot);
      return [
        l.lot,
        ...(showPlace ? [lot?.account ?? '', lot?.asset ?? ''] : []),
        l.acquired,
        l.qty.toString(),
        money(l.cost_base),
      ];
    });
    const left = showPlace ? ['lot', 'account', 'asset', 'acquired'] : ['lot', 'acquired'];
    parts.push(
      `Lots still held${r.year ? ` at the end of ${r.year}` : ''}\n${table([...left, 'qty', 'cost base'], rows, left.length)}`,
    );
  } else parts.push(`No lots still held${r.year ? ` at the end of ${r.year}` : ''}.\n`);
  parts.push('Money rounded to cents for display; --json prints the exact values.\n');
  return parts.join('\n');
}
