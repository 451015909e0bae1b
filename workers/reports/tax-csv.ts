import type { TaxReportView, TaxTotalsView } from './api.js';
import { methodPlanText } from './method-plan.js';

/**
 * The tax report as CSV, in three tables separated by an empty line, each with its own header:
 *
 * 1. matches: `tax_year,sale_date,sale,account,asset,method,lot,acquired,qty,unit_cost_base,
 *    unit_net_proceeds,cost_base,proceeds,gain,days_held,twelve_month_anniversary,discount_eligible,
 *    discount_applied`, one row per (sale, lot), oldest year first;
 * 2. totals: `tax_year,gross_gains,losses,nondiscount_gains,discount_eligible_gains,net_realised,
 *    net_capital_gain`, one row per tax year, each year netted on its own (a negative net capital gain
 *    is a net capital loss to carry forward);
 * 3. exclusions: `excluded,currency,reason,fill_id`, one row per fill left out (or whose fee was).
 *
 * Decimals are written exactly as computed (no rounding, no thousands separators, '.' as the decimal
 * point); dates are YYYY-MM-DD in the report's time zone; booleans are true/false.
 */

const MATCH_HEADER = [
  'tax_year',
  'sale_date',
  'sale',
  'account',
  'asset',
  'method',
  'lot',
  'acquired',
  'qty',
  'unit_cost_base',
  'unit_net_proceeds',
  'cost_base',
  'proceeds',
  'gain',
  'days_held',
  'twelve_month_anniversary',
  'discount_eligible',
  'discount_applied',
];

const TOTALS_HEADER = [
  'tax_year',
  'gross_gains',
  'losses',
  'nondiscount_gains',
  'discount_eligible_gains',
  'net_realised',
  'net_capital_gain',
];

/** A cell quoted when it holds a separator, a quote or a line break; a leading formula sign is defused. */
function cell(value: string | number | boolean | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+@]/.test(text) || (text.startsWith('-') && !/^-\d/.test(text))) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const line = (cells: (string | number | boolean | null)[]) => cells.map(cell).join(',');

function totalsCells(t: TaxTotalsView): string[] {
  return [
    t.grossGains,
    t.losses,
    t.nondiscountGains,
    t.discountEligibleGains,
    t.netRealised,
    t.netCapitalGain,
  ];
}

export function taxCsv(view: TaxReportView, year: string | null = null): string {
  const years = year === null ? view.years : view.years.filter((y) => y.taxYear === year);
  const out: string[] = [line(MATCH_HEADER)];
  for (const y of years)
    for (const m of y.matches)
      out.push(
        line([
          y.taxYear,
          m.saleDate,
          m.sellLabel,
          m.account,
          m.asset,
          m.method,
          m.lot,
          m.acquired,
          m.qty,
          m.unitCostBase,
          m.unitNetProceeds,
          m.costBase,
          m.proceeds,
          m.gain,
          m.daysHeld,
          m.anniversary,
          m.discountEligible,
          m.discountApplied,
        ]),
      );
  out.push('', line(TOTALS_HEADER));
  for (const y of years) out.push(line([y.taxYear, ...totalsCells(y.totals)]));
  out.push('', line(['excluded', 'currency', 'reason', 'fill_id']));
  for (const x of view.exclusions)
    for (const id of x.fillIds) out.push(line([x.kind, x.currency, x.reason, id]));
  return `${out.join('\n')}\n`;
}

/** A file name for the export: what, whose rules, which method and year. */
export function taxCsvFileName(view: TaxReportView, year: string | null): string {
  const method = methodPlanText(view.methods).replace(/[^A-Za-z0-9-]+/g, '_');
  return `lyra-tax-${view.jurisdiction}-${method}-${year ?? 'all-years'}.csv`;
}
