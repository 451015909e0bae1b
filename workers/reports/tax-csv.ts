import type { TaxReportView, TaxTotalsView } from './api.js';
import { csvLine, type CsvValue } from '../shared/csv-cell.js';
import { methodPlanText } from './method-plan.js';

/**
 * The tax report as CSV, in three tables separated by an empty line, each with its own header:
 *
 * 1. matches: `tax_year,sale_date,sale,sale_fill_id,account,asset,method,lot,acquired,qty,unit_cost_base,
 *    unit_net_proceeds,cost_base,proceeds,gain,days_held,twelve_month_anniversary,discount_eligible,
 *    discount_applied`, one row per (sale, lot), oldest year first; `sale` names the sale for a reader,
 *    `sale_fill_id` is the stored fill's id (unique, for matching rows to fills);
 * 2. totals: `tax_year,gross_gains,losses,nondiscount_gains,discount_eligible_gains,net_realised,
 *    net_capital_gain,loss_brought_forward,loss_carried_forward`, one row per tax year, each year netted
 *    on its own and then with the net capital losses of the years before it (a negative net capital gain
 *    is the net capital loss carried forward);
 * 3. exclusions: `excluded,currency,reason,fill_id`, one row per fill left out (or whose fee was).
 *
 * Decimals are written exactly as computed (no rounding, no thousands separators, '.' as the decimal
 * point); dates are YYYY-MM-DD in the report's time zone; booleans are true/false.
 */

const MATCH_HEADER = [
  'tax_year',
  'sale_date',
  'sale',
  'sale_fill_id',
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
  'loss_brought_forward',
  'loss_carried_forward',
];

const line = (cells: CsvValue[]) => csvLine(cells);

function totalsCells(t: TaxTotalsView): string[] {
  return [
    t.grossGains,
    t.losses,
    t.nondiscountGains,
    t.discountEligibleGains,
    t.netRealised,
    t.netCapitalGain,
    t.lossBroughtForward,
    t.lossCarriedForward,
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
          m.sellFill,
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
