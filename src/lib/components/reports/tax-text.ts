import { formatDecimalText } from '$lib/trading/decimal-text';
import type {
  TaxMatchView,
  TaxMethod,
  TaxMethodPlan,
  TaxReportView,
  TaxYearView,
  TradeImportProblem,
  TradeLayoutId,
} from '$workers/api';

/** The trade-history layouts the engine reads, for the override picker. */
export const LAYOUT_CHOICES: ReadonlyArray<{ id: TradeLayoutId; title: string }> = [
  { id: 'generic', title: 'Generic trades CSV' },
  { id: 'binance', title: 'Binance spot trade history' },
  { id: 'binance-market', title: 'Binance spot trade history (Market, Fee Coin)' },
  { id: 'kraken', title: 'Kraken trades export' },
];

export const METHOD_CHOICES: ReadonlyArray<{ id: TaxMethod; title: string }> = [
  { id: 'FIFO', title: 'FIFO: oldest lot first' },
  { id: 'LIFO', title: 'LIFO: newest lot first' },
  { id: 'HIFO', title: 'HIFO: highest cost first' },
  { id: 'ACB', title: 'ACB: average cost' },
];

/** Money on screen: cents, grouped; the exact value stays in the data and the CSV. */
export function money(value: string): string {
  return formatDecimalText(value, 2);
}

/** A quantity as stored, grouped, never rounded. */
export function qty(value: string): string {
  return formatDecimalText(value);
}

export function isNegative(value: string): boolean {
  return value.trim().startsWith('-');
}

/** True for the engine's exact zero text ('0', '-0', '0.00'). */
export function isZero(value: string): boolean {
  return /^-?0*(\.0*)?$/.test(value.trim()) && value.trim() !== '';
}

export function discountText(m: TaxMatchView): string {
  if (m.discountApplied) return 'Yes';
  if (m.discountEligible) return 'Eligible (loss)';
  return 'No';
}

/** "line 7, column price: …", or the message alone for the file as a whole. */
export function importProblemText(p: TradeImportProblem): string {
  const at = [p.line === null ? null : `Line ${p.line}`, p.column === null ? null : `column ${p.column}`]
    .filter((x) => x !== null)
    .join(', ');
  return at === '' ? p.message : `${at}: ${p.message}`;
}

/** The method plan in words: "FIFO; 2022-23: HIFO; 2023-24, broker: LIFO". */
export function methodPlanWords(plan: TaxMethodPlan): string {
  const parts: string[] = [plan.method];
  for (const [y, m] of Object.entries(plan.byYear ?? {}).sort())
    if (m !== plan.method) parts.push(`${y}: ${m}`);
  for (const [y, accounts] of Object.entries(plan.byYearAccount ?? {}).sort())
    for (const [a, m] of Object.entries(accounts).sort()) parts.push(`${y}, ${a}: ${m}`);
  return parts.join('; ');
}

/** A day 'YYYY-MM-DD' as "10 Mar 2022", without moving it through a time zone. */
export function dayText(day: string | null): string {
  if (day === null) return '–';
  const [y, m, d] = day.split('-').map(Number);
  if (!y || !m || !d) return day;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${d} ${months[m - 1]} ${y}`;
}

/** The year picker's value for every year netted together. */
export const ALL_YEARS = 'all';

/** Every year's matches as one list with the whole set's totals (netted together, as the reference does). */
export function allYearsView(report: TaxReportView): TaxYearView {
  const first = report.years[0];
  const last = report.years[report.years.length - 1];
  return {
    taxYear: 'all years',
    firstDay: first?.firstDay ?? '',
    lastDay: last?.lastDay ?? '',
    methods: {},
    // Netted as one set: nothing is brought from another year.
    totals: report.totals,
    matches: report.years.flatMap((y) => y.matches),
  };
}
